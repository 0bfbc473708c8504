"""Results frameworks: programme settings, goal → outcomes → outputs, the shared indicator library, the
indicators of each programme with baseline and targets, entered values with evidence and approval, locked
periods with their frozen figures, and the DHIS2 mapping tables."""
from datetime import date, datetime

from flask_babel import get_locale
from sqlalchemy import JSON, Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpms.core.models import Audited, TimestampMixin, UTCDateTime, utcnow, values_check
from cpms.extensions import db
from cpms.indicators.reference import (
    AGGREGATIONS,
    DIRECTIONS,
    LEVELS,
    PERIOD_KINDS,
    SOURCES,
    TARGET_CHECKS,
    UNITS,
    VALUE_STATUSES,
)


def _in_french():
    return str(get_locale() or "fr").startswith("fr")


class ResultsFramework(Audited, TimestampMixin, db.Model):
    """A programme's reporting settings: the month its (donor's) fiscal year starts, and whether period targets
    that disagree with the life-of-programme target are refused or only flagged."""

    __tablename__ = "results_frameworks"
    __table_args__ = (CheckConstraint("fiscal_year_start_month BETWEEN 1 AND 12", name="fiscal_month"),
                      CheckConstraint(values_check("target_check", TARGET_CHECKS), name="target_check"))

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), unique=True)
    fiscal_year_start_month: Mapped[int] = mapped_column(Integer, default=1)
    target_check: Mapped[str] = mapped_column(String(10), default="refuse")
    # DHIS2: the data set the programme reports to, and the attribute option combo (e.g. the donor or the
    # implementing partner) its values carry; empty when not mapped
    dhis2_data_set: Mapped[str] = mapped_column(String(11), default="", server_default="")
    dhis2_attribute_option_combo: Mapped[str] = mapped_column(String(11), default="", server_default="")

    def __repr__(self):
        return f"<ResultsFramework programme={self.programme_id} FY from {self.fiscal_year_start_month}>"


class ResultNode(Audited, TimestampMixin, db.Model):
    """The goal, an outcome or an output of a programme's results framework."""

    __tablename__ = "result_nodes"
    __table_args__ = (UniqueConstraint("programme_id", "code", name="uq_result_nodes_programme_code"),
                      CheckConstraint(values_check("level", LEVELS), name="level"))

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("result_nodes.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(20))
    title_en: Mapped[str] = mapped_column(String(300))
    title_fr: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def title(self):
        return (self.title_fr if _in_french() else self.title_en) or self.title_en or self.title_fr

    @property
    def level_label(self):
        return LEVELS[self.level]

    def __repr__(self):
        return f"<ResultNode {self.code}>"


class Indicator(Audited, TimestampMixin, db.Model):
    """An indicator of the shared library, used by any number of programmes.

    A computed indicator names a function of the registry (cpms/indicators/registry.py) and may pass it a
    parameter (e.g. the survey question it measures); an entered one is typed in with evidence."""

    __tablename__ = "indicators"
    __table_args__ = (
        CheckConstraint(values_check("unit", UNITS), name="unit"),
        CheckConstraint(values_check("direction", DIRECTIONS), name="direction"),
        CheckConstraint(values_check("aggregation", AGGREGATIONS), name="aggregation"),
        CheckConstraint(values_check("source", SOURCES), name="source"),
        CheckConstraint("source = 'entered' OR computation IS NOT NULL", name="computation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name_en: Mapped[str] = mapped_column(String(300))
    name_fr: Mapped[str] = mapped_column(String(300))
    definition: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(12), default="count")
    direction: Mapped[str] = mapped_column(String(8), default="higher")
    aggregation: Mapped[str] = mapped_column(String(8), default="sum")
    source: Mapped[str] = mapped_column(String(10), default="entered")
    computation: Mapped[str | None] = mapped_column(String(60))
    computation_param: Mapped[str] = mapped_column(String(100), default="")
    disaggregations: Mapped[list] = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def name(self):
        return (self.name_fr if _in_french() else self.name_en) or self.name_en or self.name_fr

    @property
    def is_computed(self):
        return self.source == "computed"

    @property
    def unit_label(self):
        return UNITS[self.unit]

    def __repr__(self):
        return f"<Indicator {self.code}>"


class ProgrammeIndicator(Audited, TimestampMixin, db.Model):
    """An indicator of the library in a programme's framework, under an outcome or output, with its baseline
    and life-of-programme target."""

    __tablename__ = "programme_indicators"
    __table_args__ = (UniqueConstraint("programme_id", "indicator_id", name="uq_programme_indicators_indicator"),
                      UniqueConstraint("programme_id", "code", name="uq_programme_indicators_code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("result_nodes.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer, default=0)
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_date: Mapped[date | None]
    lop_target: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str] = mapped_column(Text, default="")

    indicator: Mapped[Indicator] = relationship(lazy="joined", innerjoin=True)
    node: Mapped[ResultNode] = relationship(lazy="joined", innerjoin=True)
    programme = relationship("Programme", lazy="joined", innerjoin=True)

    def __repr__(self):
        return f"<ProgrammeIndicator {self.programme_id}/{self.code}>"


class Target(Audited, TimestampMixin, db.Model):
    __tablename__ = "indicator_targets"
    __table_args__ = (
        UniqueConstraint("programme_indicator_id", "period_kind", "period_start", name="uq_indicator_targets_period"),
        CheckConstraint(values_check("period_kind", PERIOD_KINDS), name="period_kind"),
        CheckConstraint("period_end >= period_start", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_indicator_id: Mapped[int] = mapped_column(ForeignKey("programme_indicators.id", ondelete="CASCADE"),
                                                        index=True)
    period_kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date]
    period_end: Mapped[date]
    value: Mapped[float] = mapped_column(Float)

    def __repr__(self):
        return f"<Target {self.programme_indicator_id} {self.period_kind} {self.period_start} {self.value}>"


class IndicatorValue(Audited, TimestampMixin, db.Model):
    """A value entered for one fiscal quarter and area (None: the whole programme), with its evidence, awaiting
    or having an M&E officer's approval. Only approved values count in reports."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        CheckConstraint(values_check("status", VALUE_STATUSES), name="status"),
        CheckConstraint("period_end >= period_start", name="dates"),
        CheckConstraint("commune_id IS NULL OR province_id IS NOT NULL", name="area"),
        Index("ix_indicator_values_indicator_period", "programme_indicator_id", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_indicator_id: Mapped[int] = mapped_column(ForeignKey("programme_indicators.id", ondelete="CASCADE"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id", ondelete="RESTRICT"), index=True)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id", ondelete="RESTRICT"), index=True)
    value: Mapped[float] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str] = mapped_column(String(500), default="")
    evidence_name: Mapped[str] = mapped_column(String(255), default="")
    evidence_stored: Mapped[str | None] = mapped_column(String(80), unique=True)
    evidence_type: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(10), default="submitted")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_note: Mapped[str] = mapped_column(Text, default="")

    programme_indicator: Mapped[ProgrammeIndicator] = relationship(lazy="joined", innerjoin=True)
    province = relationship("Province", lazy="joined")
    commune = relationship("Commune", lazy="joined")
    entered_by = relationship("User", foreign_keys=[entered_by_id], lazy="joined")
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id], lazy="joined")
    breakdowns: Mapped[list["ValueBreakdown"]] = relationship(back_populates="value_row", lazy="raise",
                                                              cascade="all, delete-orphan")

    @property
    def status_label(self):
        return VALUE_STATUSES[self.status]

    @property
    def area_label(self):
        if self.commune is not None:
            return self.commune.name
        return self.province.name if self.province is not None else ""

    def __repr__(self):
        return f"<IndicatorValue {self.programme_indicator_id} {self.period_start} {self.value} {self.status}>"


class ValueBreakdown(Audited, db.Model):
    """Part of an entered value for one category of a disaggregation (e.g. sex: F)."""

    __tablename__ = "indicator_value_breakdowns"
    __table_args__ = (UniqueConstraint("value_id", "dimension", "category", name="uq_indicator_value_breakdowns_cell"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    value_id: Mapped[int] = mapped_column(ForeignKey("indicator_values.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str] = mapped_column(String(30))
    category: Mapped[str] = mapped_column(String(60))
    value: Mapped[float] = mapped_column(Float)

    value_row: Mapped[IndicatorValue] = relationship(back_populates="breakdowns", lazy="raise")

    def __repr__(self):
        return f"<ValueBreakdown {self.value_id} {self.dimension}={self.category}>"


class PeriodLock(Audited, db.Model):
    """A reported period of a programme, locked by an M&E officer: its figures are frozen in SnapshotValue."""

    __tablename__ = "indicator_period_locks"
    __table_args__ = (
        UniqueConstraint("programme_id", "period_kind", "period_start", name="uq_indicator_period_locks_period"),
        CheckConstraint(values_check("period_kind", PERIOD_KINDS), name="period_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    period_kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date]
    period_end: Mapped[date]
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    locked_by = relationship("User", lazy="joined")

    def __repr__(self):
        return f"<PeriodLock {self.programme_id} {self.period_kind} {self.period_start}>"


class OutcomeNarrative(Audited, TimestampMixin, db.Model):
    """What the M&E officer writes about an outcome of a programme for a reporting period, shown in the PDF report
    and the XLSX read-me; read-only once the period is locked."""

    __tablename__ = "indicator_narratives"
    __table_args__ = (
        UniqueConstraint("node_id", "period_kind", "period_start", name="uq_indicator_narratives_period"),
        CheckConstraint(values_check("period_kind", PERIOD_KINDS), name="period_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("result_nodes.id", ondelete="CASCADE"), index=True)
    period_kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date]
    period_end: Mapped[date]
    text: Mapped[str] = mapped_column(Text, default="")
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    node: Mapped[ResultNode] = relationship(lazy="joined", innerjoin=True)
    written_by = relationship("User", lazy="joined")

    def __repr__(self):
        return f"<OutcomeNarrative {self.node_id} {self.period_kind} {self.period_start}>"


class SnapshotValue(db.Model):
    """A figure as submitted when its period was locked. Written once, in bulk, never changed (the lock is audited)."""

    __tablename__ = "indicator_snapshot_values"
    __table_args__ = (UniqueConstraint("lock_id", "programme_indicator_id", "dimension", "category",
                                       name="uq_indicator_snapshot_values_cell"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lock_id: Mapped[int] = mapped_column(ForeignKey("indicator_period_locks.id", ondelete="CASCADE"), index=True)
    programme_indicator_id: Mapped[int] = mapped_column(ForeignKey("programme_indicators.id", ondelete="CASCADE"),
                                                        index=True)
    dimension: Mapped[str] = mapped_column(String(30), default="")
    category: Mapped[str] = mapped_column(String(60), default="")
    value: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)

    def __repr__(self):
        return f"<SnapshotValue {self.lock_id}/{self.programme_indicator_id} {self.dimension}={self.category}>"


class Dhis2DataElement(Audited, TimestampMixin, db.Model):
    """The DHIS2 data element (and category option combo of the total) an indicator is reported as."""

    __tablename__ = "dhis2_data_elements"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), unique=True)
    data_element: Mapped[str] = mapped_column(String(11))
    # the disaggregation its category combo carries ("" = totals only, sent with `category_option_combo`, or the
    # default combo when empty); its categories' combos come from Dhis2CategoryOptionCombo
    disaggregation: Mapped[str] = mapped_column(String(30), default="")
    category_option_combo: Mapped[str] = mapped_column(String(11), default="")

    indicator: Mapped[Indicator] = relationship(lazy="joined", innerjoin=True)

    def __repr__(self):
        return f"<Dhis2DataElement {self.indicator_id} → {self.data_element}>"


class Dhis2CategoryOptionCombo(Audited, TimestampMixin, db.Model):
    """The DHIS2 category option combo of one category of a disaggregation (e.g. sex F → the "Female" combo)."""

    __tablename__ = "dhis2_category_option_combos"
    __table_args__ = (UniqueConstraint("dimension", "category", name="uq_dhis2_category_option_combos_category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension: Mapped[str] = mapped_column(String(30))
    category: Mapped[str] = mapped_column(String(60))
    category_option_combo: Mapped[str] = mapped_column(String(11))

    def __repr__(self):
        return f"<Dhis2CategoryOptionCombo {self.dimension}={self.category} → {self.category_option_combo}>"


class Dhis2OrgUnit(Audited, TimestampMixin, db.Model):
    """The DHIS2 organisation unit of the whole country (no province or commune), a province or a commune."""

    __tablename__ = "dhis2_org_units"
    __table_args__ = (CheckConstraint("province_id IS NULL OR commune_id IS NULL", name="one_area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id", ondelete="CASCADE"), unique=True)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id", ondelete="CASCADE"), unique=True)
    org_unit: Mapped[str] = mapped_column(String(11))

    province = relationship("Province", lazy="joined")
    commune = relationship("Commune", lazy="joined")

    @property
    def area_label(self):
        return self.commune.name if self.commune else (self.province.name if self.province else "")

    def __repr__(self):
        return f"<Dhis2OrgUnit {self.province_id}/{self.commune_id} → {self.org_unit}>"
