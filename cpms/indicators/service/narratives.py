"""The narrative per outcome: what the M&E officer writes about each outcome of a programme for a reporting period
(quarter, half-year or year), shown in the PDF report and the XLSX read-me.

Rules (docs/rules/indicators.md): only the outcomes of the programme's framework have a narrative; it is at most
MAX_NARRATIVE characters; an empty text removes it; a period overlapping a locked period is read-only (its narrative
was reported with its figures). Every change is in the audit log (the model is Audited).
"""
from flask_babel import gettext as _
from sqlalchemy import select

from cpms.core.errors import DomainError
from cpms.extensions import db
from cpms.indicators.models import OutcomeNarrative, ResultNode
from cpms.indicators.service.framework import tree_order
from cpms.indicators.service.locking import locked_period_containing

MAX_NARRATIVE = 5000


def programme_outcomes(programme_id):
    """The outcomes of the programme's framework in framework order (one query)."""
    nodes = db.session.scalars(select(ResultNode).where(ResultNode.programme_id == programme_id)).all()
    order = tree_order(nodes)
    return sorted((n for n in nodes if n.level == "outcome"), key=lambda n: (order.get(n.id, len(order)), n.code))


def narrative_of(node, period):
    return db.session.scalar(select(OutcomeNarrative).where(
        OutcomeNarrative.node_id == node.id, OutcomeNarrative.period_kind == period.kind,
        OutcomeNarrative.period_start == period.start))


def narratives_for(programme_id, period):
    """[(outcome, narrative text)] of the programme for `period`, in framework order, outcomes without one left out
    (two queries)."""
    if period.kind not in ("quarter", "half", "year"):
        return []
    texts = dict(db.session.execute(select(OutcomeNarrative.node_id, OutcomeNarrative.text).where(
        OutcomeNarrative.programme_id == programme_id, OutcomeNarrative.period_kind == period.kind,
        OutcomeNarrative.period_start == period.start)).all())
    if not texts:
        return []
    return [(node, texts[node.id]) for node in programme_outcomes(programme_id) if texts.get(node.id)]


def save_narrative(actor, programme, node, period, text):
    """Write (or, with an empty text, remove) the narrative of `node` for `period`. Errors: not an outcome of the
    programme, a period that is not a quarter, half-year or year, a locked period, a text too long."""
    if node.programme_id != programme.id or node.level != "outcome":
        raise DomainError(_("A narrative is written for an outcome of the programme."))
    if period.kind not in ("quarter", "half", "year"):
        raise DomainError(_("Choose a quarter, a half-year or a year."), field="period")
    locked = locked_period_containing(programme.id, period.start, period.end)
    if locked is not None:
        raise DomainError(_("%(period)s is locked: its narratives can no longer change.", period=locked.label))
    text = (text or "").strip()
    if len(text) > MAX_NARRATIVE:
        raise DomainError(_("Shorten the narrative to %(max)d characters at most.", max=MAX_NARRATIVE), field="text")
    writer_id = actor.id if actor is not None else None  # read before the new row exists (no autoflush between)
    narrative = narrative_of(node, period)
    if not text:
        if narrative is not None:
            db.session.delete(narrative)
            db.session.flush()
        return None
    if narrative is None:
        narrative = OutcomeNarrative(programme_id=programme.id, node_id=node.id, period_kind=period.kind,
                                     period_start=period.start, period_end=period.end)
        db.session.add(narrative)
    narrative.text, narrative.written_by_id = text, writer_id
    db.session.flush()
    return narrative
