"""Programmes: the funded projects that cohorts, construction, committees and surveys belong to."""
from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpms.core.models import Audited, TimestampMixin
from cpms.extensions import db

programme_provinces = Table(
    "programme_provinces", db.metadata,
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
    Column("province_id", ForeignKey("provinces.id", ondelete="RESTRICT"), primary_key=True),
)


class Programme(Audited, TimestampMixin, db.Model):
    __tablename__ = "programmes"
    __table_args__ = (CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    donors: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    requires_vetting: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")

    provinces = relationship("Province", secondary=programme_provinces, lazy="selectin",
                             order_by="Province.name")

    @property
    def province_ids(self):
        return {p.id for p in self.provinces}

    def __repr__(self):
        return f"<Programme {self.code}>"
