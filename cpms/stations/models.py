"""Police stations, their construction projects, milestones, progress reports, photos, expenditure,
the gender-sensitivity checklist and the handover record."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpms.core.models import Audited, TimestampMixin, UTCDateTime, personal, utcnow, values_check
from cpms.extensions import db
from cpms.stations.labels import (
    MILESTONE_LABELS,
    PROJECT_KIND_LABELS,
    STATION_KIND_LABELS,
    STATION_STATUS_LABELS,
    UNIT_LABELS,
)
from cpms.stations.reference import (
    CHECKLIST_ITEMS,
    CURRENCIES,
    DRC_LATITUDE,
    DRC_LONGITUDE,
    PROJECT_KINDS,
    STATION_KINDS,
    STATION_STATUSES,
)


class Station(Audited, TimestampMixin, db.Model):
    """A police station, post, training centre or inspectorate outpost in a commune.

    `province_id` repeats the commune's province (as on Commune) so that area scopes filter without a join.
    """

    __tablename__ = "stations"
    __table_args__ = (
        UniqueConstraint("commune_id", "name", name="uq_stations_commune_name"),
        CheckConstraint(values_check("kind", STATION_KINDS), name="kind"),
        CheckConstraint(values_check("status", STATION_STATUSES), name="status"),
        CheckConstraint("staff_count IS NULL OR staff_count >= 0", name="staff_count"),
        CheckConstraint(f"latitude IS NULL OR (latitude >= {DRC_LATITUDE[0]} AND latitude <= {DRC_LATITUDE[1]})",
                        name="latitude"),
        CheckConstraint(f"longitude IS NULL OR (longitude >= {DRC_LONGITUDE[0]} AND longitude <= {DRC_LONGITUDE[1]})",
                        name="longitude"),
        CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(30))
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="RESTRICT"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id", ondelete="RESTRICT"), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(30), default="planned")
    specialised_units: Mapped[list] = mapped_column(JSON, default=list)
    staff_count: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")

    commune = relationship("Commune", lazy="joined", innerjoin=True)
    projects: Mapped[list["ConstructionProject"]] = relationship(back_populates="station", lazy="raise")

    @property
    def kind_label(self):
        return STATION_KIND_LABELS.get(self.kind, self.kind)

    @property
    def status_label(self):
        return STATION_STATUS_LABELS.get(self.status, self.status)

    @property
    def unit_labels(self):
        return [UNIT_LABELS.get(code, code) for code in self.specialised_units or []]

    def __repr__(self):
        return f"<Station {self.id} {self.name}>"


class ConstructionProject(Audited, TimestampMixin, db.Model):
    __tablename__ = "construction_projects"
    __table_args__ = (
        CheckConstraint(values_check("kind", PROJECT_KINDS), name="kind"),
        CheckConstraint(values_check("currency", CURRENCIES), name="currency"),
        CheckConstraint("contract_amount IS NULL OR contract_amount > 0", name="contract_amount"),
        CheckConstraint("planned_completion_date >= start_date", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="RESTRICT"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    contractor: Mapped[str] = mapped_column(String(200), default="")
    contract_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    start_date: Mapped[date]
    planned_completion_date: Mapped[date]
    description: Mapped[str] = mapped_column(Text, default="")

    station: Mapped[Station] = relationship(back_populates="projects", lazy="joined", innerjoin=True)
    programme = relationship("Programme", lazy="joined", innerjoin=True)
    milestones: Mapped[list["Milestone"]] = relationship(back_populates="project", lazy="raise",
                                                         order_by="Milestone.position",
                                                         cascade="all, delete-orphan")
    reports: Mapped[list["ProgressReport"]] = relationship(back_populates="project", lazy="raise",
                                                           cascade="all, delete-orphan")
    expenditures: Mapped[list["Expenditure"]] = relationship(back_populates="project", lazy="raise",
                                                             cascade="all, delete-orphan")
    checklist: Mapped["GenderChecklist | None"] = relationship(back_populates="project", lazy="raise",
                                                               cascade="all, delete-orphan")
    handover: Mapped["Handover | None"] = relationship(back_populates="project", lazy="raise",
                                                       cascade="all, delete-orphan")

    @property
    def kind_label(self):
        return PROJECT_KIND_LABELS.get(self.kind, self.kind)

    @property
    def title(self):
        return f"{self.station.name} – {self.kind_label}"

    def __repr__(self):
        return f"<ConstructionProject {self.id} station={self.station_id}>"


class MilestoneTemplateItem(Audited, TimestampMixin, db.Model):
    """One line of the milestone template that new projects start from (admins edit it)."""

    __tablename__ = "milestone_template_items"
    __table_args__ = (CheckConstraint("weight >= 0", name="weight"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int]
    # set for the default milestones, whose names are then shown translated; None once renamed
    code: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    weight: Mapped[int]
    # a required milestone must be reached before the final acceptance (or the acceptance is an override)
    is_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    @property
    def label(self):
        return MILESTONE_LABELS.get(self.code, self.name)

    def __repr__(self):
        return f"<MilestoneTemplateItem {self.position} {self.name}>"


class Milestone(Audited, TimestampMixin, db.Model):
    __tablename__ = "milestones"
    __table_args__ = (CheckConstraint("weight >= 0", name="weight"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("construction_projects.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    code: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    weight: Mapped[int]
    is_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    planned_date: Mapped[date | None]
    actual_date: Mapped[date | None]

    project: Mapped[ConstructionProject] = relationship(back_populates="milestones", lazy="raise")

    @property
    def label(self):
        return MILESTONE_LABELS.get(self.code, self.name)

    def __repr__(self):
        return f"<Milestone {self.project_id}/{self.position} {self.name}>"


class ProgressReport(Audited, TimestampMixin, db.Model):
    __tablename__ = "progress_reports"
    __table_args__ = (CheckConstraint("physical_progress >= 0 AND physical_progress <= 100", name="progress"),
                      UniqueConstraint("project_id", "offline_key", name="uq_progress_reports_offline_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("construction_projects.id", ondelete="CASCADE"), index=True)
    report_date: Mapped[date]
    physical_progress: Mapped[int]
    narrative: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # the key of the device draft that created this report (static/js/offline-form.js): sent twice, saved once
    offline_key: Mapped[str | None] = mapped_column(String(64))

    project: Mapped[ConstructionProject] = relationship(back_populates="reports", lazy="raise")
    author = relationship("User", lazy="raise")
    photos: Mapped[list["Photo"]] = relationship(back_populates="report", lazy="raise", order_by="Photo.id",
                                                 cascade="all, delete-orphan")

    def __repr__(self):
        return f"<ProgressReport {self.project_id} {self.report_date}>"


class Photo(Audited, db.Model):
    """A site photo, re-encoded without metadata and stored under UPLOAD_DIR/stations/ with a random name."""

    __tablename__ = "station_photos"
    __table_args__ = (CheckConstraint("content_type IN ('image/jpeg', 'image/png')", name="content_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("construction_projects.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    thumbnail_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(20))
    size_bytes: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    # kept only when the uploader asked for it; every other metadata field is stripped
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    report: Mapped[ProgressReport] = relationship(back_populates="photos", lazy="raise")

    def __repr__(self):
        return f"<Photo {self.id} {self.stored_name}>"


class Expenditure(Audited, TimestampMixin, db.Model):
    """Money spent on a project, in the project's currency."""

    __tablename__ = "expenditures"
    __table_args__ = (CheckConstraint("amount > 0", name="amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("construction_projects.id", ondelete="CASCADE"), index=True)
    spent_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    description: Mapped[str] = mapped_column(String(300))

    project: Mapped[ConstructionProject] = relationship(back_populates="expenditures", lazy="raise")

    def __repr__(self):
        return f"<Expenditure {self.project_id} {self.spent_on} {self.amount}>"


class GenderChecklist(Audited, TimestampMixin, db.Model):
    """The gender-sensitivity checklist of a project; all items ticked before the handover is signed off."""

    __tablename__ = "gender_checklists"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("construction_projects.id", ondelete="CASCADE"), unique=True)
    cells_men: Mapped[bool] = mapped_column(Boolean, default=False)
    cells_women: Mapped[bool] = mapped_column(Boolean, default=False)
    cells_minors: Mapped[bool] = mapped_column(Boolean, default=False)
    separate_sanitation: Mapped[bool] = mapped_column(Boolean, default=False)
    reception_desk: Mapped[bool] = mapped_column(Boolean, default=False)
    accessibility: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")

    project: Mapped[ConstructionProject] = relationship(back_populates="checklist", lazy="raise")

    @property
    def missing(self):
        """Codes of the items not ticked yet."""
        return [item for item in CHECKLIST_ITEMS if not getattr(self, item)]

    @property
    def is_complete(self):
        return not self.missing

    def __repr__(self):
        return f"<GenderChecklist {self.project_id} complete={self.is_complete}>"


class Handover(Audited, TimestampMixin, db.Model):
    """The handover of the finished building to the police."""

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("construction_projects.id", ondelete="CASCADE"), unique=True)
    handover_date: Mapped[date]
    police_representative: Mapped[str] = mapped_column(String(200), info=personal())
    defects: Mapped[str] = mapped_column(Text, default="")
    is_final_acceptance: Mapped[bool] = mapped_column(Boolean, default=False)
    # the written reason of a final acceptance given while required milestones were not reached ("" otherwise)
    override_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    project: Mapped[ConstructionProject] = relationship(back_populates="handover", lazy="raise")

    def __repr__(self):
        return f"<Handover {self.project_id} {self.handover_date} final={self.is_final_acceptance}>"
