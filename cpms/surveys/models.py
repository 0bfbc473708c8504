"""Perception surveys: instruments (XLSForms), measures, rounds, anonymous responses and their answers.

Responses are anonymous: a response keeps only a keyed hash of the collection tool's instance id (to
recognise re-imports), a weight, sex, age group and commune for breakdowns, and one row per answer in
`survey_answers` (a long table, so shares and means are GROUP BY queries).
"""
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpms.core.models import Audited, TimestampMixin, UTCDateTime, utcnow
from cpms.extensions import db

ROUND_KINDS = ("baseline", "midline", "endline", "custom")
MEASURE_KINDS = ("share", "mean", "rate")

survey_round_communes = Table(
    "survey_round_communes", db.metadata,
    Column("round_id", ForeignKey("survey_rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("commune_id", ForeignKey("communes.id", ondelete="RESTRICT"), primary_key=True),
)


class SurveyInstrument(Audited, TimestampMixin, db.Model):
    """A questionnaire, created from the XLSForm used for collection."""

    __tablename__ = "survey_instruments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    form_id: Mapped[str] = mapped_column(String(100), default="")
    form_version: Mapped[str] = mapped_column(String(100), default="")

    questions: Mapped[list["SurveyQuestion"]] = relationship(back_populates="instrument", lazy="raise",
                                                             order_by="SurveyQuestion.position",
                                                             cascade="all, delete-orphan")
    choices: Mapped[list["SurveyChoice"]] = relationship(lazy="raise", cascade="all, delete-orphan",
                                                         order_by="SurveyChoice.position")
    measures: Mapped[list["SurveyMeasure"]] = relationship(back_populates="instrument", lazy="raise",
                                                           order_by="SurveyMeasure.id", cascade="all, delete-orphan")
    versions: Mapped[list["SurveyInstrumentVersion"]] = relationship(
        back_populates="instrument", lazy="raise", order_by="SurveyInstrumentVersion.id", cascade="all, delete-orphan")

    def __repr__(self):
        return f"<SurveyInstrument {self.name} {self.form_version}>"


class SurveyInstrumentVersion(db.Model):
    """One version of a questionnaire's XLSForm (`settings.version`), as uploaded: the questionnaire holds the
    questions of all its versions (matched by name, so measures carry over); a version keeps the names of its own
    questions, so an import can say, for the rows of each version, which questions they lack or add."""

    __tablename__ = "survey_instrument_versions"
    __table_args__ = (UniqueConstraint("instrument_id", "version", name="uq_survey_instrument_versions_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("survey_instruments.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(100), default="")
    # SHA-256 of the form's content as read (settings, questions, choices): the same form uploaded again is recognised
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    question_names: Mapped[str] = mapped_column(Text, default="")  # space-separated (XLSForm names have no spaces)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    instrument: Mapped[SurveyInstrument] = relationship(back_populates="versions", lazy="raise")

    @property
    def names(self):
        return self.question_names.split()

    def __repr__(self):
        return f"<SurveyInstrumentVersion {self.instrument_id} {self.version}>"


class SurveyQuestion(Audited, db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("instrument_id", "name", name="uq_survey_questions_instrument_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("survey_instruments.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(40))  # select_one, select_multiple, integer, decimal, text…
    list_name: Mapped[str | None] = mapped_column(String(100))
    label_en: Mapped[str] = mapped_column(String(500), default="")
    label_fr: Mapped[str] = mapped_column(String(500), default="")
    # answers not stored (free text, names, telephones… by default: cpms/surveys/service/xlsform.py); an officer
    # who keeps such a question gives a reason, logged in the audit log
    is_identifying: Mapped[bool] = mapped_column(Boolean, default=False)
    keep_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    instrument: Mapped[SurveyInstrument] = relationship(back_populates="questions", lazy="raise")

    def label(self, locale):
        return (self.label_fr if str(locale).startswith("fr") else self.label_en) or self.label_en or self.label_fr or self.name

    def __repr__(self):
        return f"<SurveyQuestion {self.name} {self.type}>"


class SurveyChoice(Audited, db.Model):
    __tablename__ = "survey_choices"
    __table_args__ = (UniqueConstraint("instrument_id", "list_name", "name", name="uq_survey_choices_list_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("survey_instruments.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    list_name: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    label_en: Mapped[str] = mapped_column(String(500), default="")
    label_fr: Mapped[str] = mapped_column(String(500), default="")

    def label(self, locale):
        return (self.label_fr if str(locale).startswith("fr") else self.label_en) or self.label_en or self.label_fr or self.name

    def __repr__(self):
        return f"<SurveyChoice {self.list_name}.{self.name}>"


class SurveyMeasure(Audited, TimestampMixin, db.Model):
    """A share of answers in `values`, a mean of a numeric answer, or a yes/no rate, among valid answers
    (answers in `excluded_values`, e.g. "don't know", are not valid)."""

    __tablename__ = "survey_measures"
    __table_args__ = (CheckConstraint("kind IN ('share', 'mean', 'rate')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("survey_instruments.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    name_en: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))
    values: Mapped[str] = mapped_column(String(500), default="")  # space-separated choice names
    excluded_values: Mapped[str] = mapped_column(String(500), default="")
    higher_is_better: Mapped[bool] = mapped_column(Boolean, default=True)

    instrument: Mapped[SurveyInstrument] = relationship(back_populates="measures", lazy="raise")
    question: Mapped[SurveyQuestion] = relationship(lazy="joined")

    @property
    def value_list(self):
        return self.values.split()

    @property
    def excluded_list(self):
        return self.excluded_values.split()

    def name(self, locale):
        return self.name_fr if str(locale).startswith("fr") else self.name_en

    def __repr__(self):
        return f"<SurveyMeasure {self.name_en}>"


class SurveyRound(Audited, TimestampMixin, db.Model):
    """One data collection with an instrument: baseline, midline, endline or custom."""

    __tablename__ = "survey_rounds"
    __table_args__ = (
        CheckConstraint("kind IN ('baseline', 'midline', 'endline', 'custom')", name="kind"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
    )
    __audit_ignore__ = frozenset({"webhook_token_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("survey_instruments.id", ondelete="RESTRICT"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    sampling_notes: Mapped[str] = mapped_column(Text, default="")
    weight_column: Mapped[str] = mapped_column(String(100), default="")
    sex_question: Mapped[str] = mapped_column(String(100), default="")
    age_question: Mapped[str] = mapped_column(String(100), default="")
    commune_question: Mapped[str] = mapped_column(String(100), default="")
    webhook_token_hash: Mapped[str | None] = mapped_column(String(64))

    instrument: Mapped[SurveyInstrument] = relationship(lazy="joined")
    programme = relationship("Programme", lazy="joined")
    communes = relationship("Commune", secondary=survey_round_communes, lazy="selectin", order_by="Commune.name")

    @property
    def commune_ids(self):
        return {c.id for c in self.communes}

    def __repr__(self):
        return f"<SurveyRound {self.name}>"


IMPORT_STATES = ("staging", "published", "cancelled")


class SurveyImport(Audited, db.Model):
    """A record of one import into a round (a file or the webhook); the file itself is not kept.

    A large file is staged: its responses are written in short transactions while the import is `staging`, unseen
    by results and exports (`SurveyResponse.visible()`), then the import becomes `published` in one short step. A
    failed or cancelled import is `cancelled` and its staged rows are removed. `preview_token` is unique: one
    preview is imported once.
    """

    __tablename__ = "survey_imports"
    __table_args__ = (CheckConstraint("state IN ('staging', 'published', 'cancelled')", name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[str] = mapped_column(String(20))  # file, webhook
    filename: Mapped[str] = mapped_column(String(255), default="")
    rows_added: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(20), default="published", server_default="published", index=True)
    preview_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    rows_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # rows of the preview
    rows_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # preview rows staged so far
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_published(self):
        return self.state == "published"

    def __repr__(self):
        return f"<SurveyImport {self.round_id} {self.state} +{self.rows_added}>"


class SurveyResponse(db.Model):
    """One anonymous submission. Never linked to a person."""

    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("round_id", "instance_hash", name="uq_survey_responses_round_instance"),
                      CheckConstraint("weight > 0", name="weight"),
                      # results read a round's breakdown cells from this index alone (migrations 0013, 0020)
                      Index("ix_survey_responses_cells", "round_id", "sex", "age_group", "commune_id", "weight",
                            "import_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"), index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("survey_imports.id", ondelete="SET NULL"), index=True)
    instance_hash: Mapped[str] = mapped_column(String(64))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    sex: Mapped[str | None] = mapped_column(String(100))
    age_group: Mapped[str | None] = mapped_column(String(100))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id", ondelete="RESTRICT"), index=True)

    @classmethod
    def visible(cls):
        """The condition every query over responses (and their answers) needs: the response belongs to no import or
        to a published one – rows of an import still staging, or cancelled, are seen by nobody."""
        unpublished = select(SurveyImport.id).where(SurveyImport.state != "published")
        return or_(cls.import_id.is_(None), cls.import_id.not_in(unpublished))

    def __repr__(self):
        return f"<SurveyResponse {self.id}>"


class SurveyAnswer(db.Model):
    """One answer (one row per chosen value of a select_multiple question)."""

    __tablename__ = "survey_answers"
    __table_args__ = (Index("ix_survey_answers_question_response", "question_id", "response_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"))
    value_text: Mapped[str | None] = mapped_column(Text)
    value_number: Mapped[float | None] = mapped_column(Float)

    def __repr__(self):
        return f"<SurveyAnswer {self.response_id}:{self.question_id}>"
