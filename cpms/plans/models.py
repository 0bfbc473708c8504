"""Security diagnostics, local security plans with their actions and quarterly reviews, quick impact projects."""
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpms.committees.models import PROBLEM_CATEGORIES, Committee
from cpms.core.models import Audited, TimestampMixin, values_check
from cpms.extensions import db

FREQUENCIES = {"daily": _l("Daily"), "weekly": _l("Weekly"), "monthly": _l("Monthly"),
               "occasional": _l("Occasional")}
SEVERITIES = {1: _l("Low"), 2: _l("Moderate"), 3: _l("High"), 4: _l("Critical")}
ACTION_STATUSES = {"planned": _l("Planned"), "in_progress": _l("In progress"), "done": _l("Done"),
                   "cancelled": _l("Cancelled")}
QIP_STATUSES = {"planned": _l("Planned"), "in_progress": _l("In progress"), "completed": _l("Completed"),
                "cancelled": _l("Cancelled")}


class Diagnostic(Audited, TimestampMixin, db.Model):
    __tablename__ = "security_diagnostics"
    __table_args__ = (UniqueConstraint("committee_id", "conducted_on", name="uq_security_diagnostics_committee_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    conducted_on: Mapped[date]
    summary: Mapped[str] = mapped_column(Text, default="")

    committee: Mapped[Committee] = relationship(lazy="joined")
    problems: Mapped[list["Problem"]] = relationship(back_populates="diagnostic", lazy="raise",
                                                     order_by="Problem.priority_rank")

    def __repr__(self):
        return f"<Diagnostic {self.committee_id} {self.conducted_on}>"


class Problem(Audited, db.Model):
    __tablename__ = "security_problems"
    __table_args__ = (
        UniqueConstraint("diagnostic_id", "priority_rank", name="uq_security_problems_diagnostic_rank"),
        CheckConstraint(values_check("category", PROBLEM_CATEGORIES), name="category"),
        CheckConstraint(values_check("frequency", FREQUENCIES), name="frequency"),
        CheckConstraint("severity BETWEEN 1 AND 4", name="severity"),
        CheckConstraint("priority_rank >= 1", name="priority_rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    diagnostic_id: Mapped[int] = mapped_column(ForeignKey("security_diagnostics.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    frequency: Mapped[str] = mapped_column(String(20))
    severity: Mapped[int] = mapped_column(Integer)
    priority_rank: Mapped[int] = mapped_column(Integer)

    diagnostic: Mapped[Diagnostic] = relationship(back_populates="problems", lazy="raise")

    @property
    def category_label(self):
        return PROBLEM_CATEGORIES[self.category]

    @property
    def label(self):
        return f"{self.priority_rank}. {self.category_label}" + (f" – {self.place}" if self.place else "")

    def __repr__(self):
        return f"<Problem {self.priority_rank} {self.category}>"


class SecurityPlan(Audited, TimestampMixin, db.Model):
    __tablename__ = "security_plans"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    diagnostic_id: Mapped[int] = mapped_column(ForeignKey("security_diagnostics.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date]
    end_date: Mapped[date]

    committee: Mapped[Committee] = relationship(lazy="joined")
    diagnostic: Mapped[Diagnostic] = relationship(lazy="joined")

    def __repr__(self):
        return f"<SecurityPlan {self.title}>"


class PlanAction(Audited, TimestampMixin, db.Model):
    __tablename__ = "security_plan_actions"
    __table_args__ = (
        CheckConstraint(values_check("status", ACTION_STATUSES), name="status"),
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("budget >= 0", name="budget"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("security_plans.id", ondelete="CASCADE"), index=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("security_problems.id", ondelete="RESTRICT"), index=True)
    activity: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(200))
    partners: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[date]
    end_date: Mapped[date]
    budget: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    status: Mapped[str] = mapped_column(String(20), default="planned")
    success_measure: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[SecurityPlan] = relationship(lazy="raise")
    problem: Mapped[Problem] = relationship(lazy="joined")

    @property
    def status_label(self):
        return ACTION_STATUSES[self.status]

    def __repr__(self):
        return f"<PlanAction {self.id} {self.status}>"


class PlanReview(Audited, TimestampMixin, db.Model):
    """A quarterly progress review of a plan."""

    __tablename__ = "security_plan_reviews"
    __table_args__ = (
        UniqueConstraint("plan_id", "year", "quarter", name="uq_security_plan_reviews_plan_quarter"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("security_plans.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    reviewed_on: Mapped[date]
    actions_done: Mapped[int] = mapped_column(Integer, default=0)
    actions_total: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(Text)

    def __repr__(self):
        return f"<PlanReview {self.plan_id} {self.year}Q{self.quarter}>"


class QuickImpactProject(Audited, TimestampMixin, db.Model):
    __tablename__ = "quick_impact_projects"
    __table_args__ = (
        CheckConstraint(values_check("status", QIP_STATUSES), name="status"),
        CheckConstraint("budget >= 0", name="budget"),
        CheckConstraint("beneficiaries >= 0", name="beneficiaries"),
        CheckConstraint("status <> 'completed' OR completed_on IS NOT NULL", name="completed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_action_id: Mapped[int] = mapped_column(ForeignKey("security_plan_actions.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    implementer: Mapped[str] = mapped_column(String(200))
    budget: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    status: Mapped[str] = mapped_column(String(20), default="planned")
    completed_on: Mapped[date | None]
    beneficiaries: Mapped[int] = mapped_column(Integer, default=0)

    plan_action: Mapped[PlanAction] = relationship(lazy="joined")

    @property
    def status_label(self):
        return QIP_STATUSES[self.status]

    def __repr__(self):
        return f"<QuickImpactProject {self.name}>"
