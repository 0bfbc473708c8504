"""Human-rights vetting: a trainee's vetting records, and submission batches (choosing the nominees,
recording the batch, exporting the nominee list, recording the decisions that come back). Only admins,
project officers and M&E officers see vetting."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from cpms.core.errors import DomainError
from cpms.extensions import db
from cpms.training import signals
from cpms.training.models import VETTING_STATUSES, Enrolment, Trainee, Vetting
from cpms.training.service.trainees import normalise_matricule, search_trainees

MAX_BATCH = 2000


# --- one trainee's records ------------------------------------------------------------------

def record_vetting(trainee, *, submitted_on, status="pending", batch_reference="", decided_on=None,
                   expires_on=None, notes=""):
    if status not in VETTING_STATUSES:
        raise DomainError(_("Choose a vetting status from the list."), field="status")
    if decided_on is not None and decided_on < submitted_on:
        raise DomainError(_("The decision date cannot be before the submission date."), field="decided_on")
    if status in ("approved", "denied") and decided_on is None:
        raise DomainError(_("Enter the date of the decision."), field="decided_on")
    vetting = Vetting(trainee_id=trainee.id, submitted_on=submitted_on, status=status,
                      batch_reference=(batch_reference or "").strip(), decided_on=decided_on,
                      expires_on=expires_on, notes=(notes or "").strip())
    db.session.add(vetting)
    db.session.flush()
    signals.vetting_recorded.send(vetting)
    return vetting


def latest_vetting(trainee_ids):
    """{trainee_id: Vetting} – the most recent record of each trainee, in one query."""
    if not trainee_ids:
        return {}
    newest = (select(Vetting.trainee_id, func.max(Vetting.id).label("id"))
              .where(Vetting.trainee_id.in_(list(trainee_ids))).group_by(Vetting.trainee_id).subquery())
    rows = db.session.scalars(select(Vetting).join(newest, newest.c.id == Vetting.id))
    return {v.trainee_id: v for v in rows}


def latest_vetting_of_cohort(cohort_id):
    """{trainee_id: (status, expires_on)} – the most recent record of each officer enrolled in the cohort, as plain
    rows (what `vetting_is_valid` reads), in one query."""
    enrolled = select(Enrolment.trainee_id).where(Enrolment.cohort_id == cohort_id)
    newest = (select(func.max(Vetting.id).label("id")).where(Vetting.trainee_id.in_(enrolled))
              .group_by(Vetting.trainee_id).subquery())
    rows = db.session.execute(select(Vetting.trainee_id, Vetting.status, Vetting.expires_on)
                              .join(newest, newest.c.id == Vetting.id))
    return {row.trainee_id: row for row in rows}


def vetting_is_valid(vetting, on_date):
    return (vetting is not None and vetting.status == "approved"
            and (vetting.expires_on is None or vetting.expires_on >= on_date))


def vetting_reason(vetting):
    if vetting is None:
        return _("never submitted")
    return {"pending": _("vetting pending"), "denied": _("vetting denied"),
            "expired": _("vetting expired")}.get(vetting.status, _("vetting expired"))


# --- submission batches ---------------------------------------------------------------------


def _latest_ids():
    return select(func.max(Vetting.id).label("id")).group_by(Vetting.trainee_id).subquery()


def status_counts(scope):
    """{status or None (never submitted): trainees} of the trainees in the area, by their latest vetting."""
    latest = _latest_ids()
    rows = db.session.execute(
        select(Vetting.status, func.count()).select_from(Trainee)
        .outerjoin(Vetting, (Vetting.trainee_id == Trainee.id) & Vetting.id.in_(select(latest.c.id)))
        .where(scope.filter(Trainee.province_id, Trainee.commune_id)).group_by(Vetting.status))
    return dict(rows.all())


def batches(scope):
    """Submission batches of the area: [(reference, first submitted, nominees, {status: n})], newest first."""
    counts = [func.sum(case((Vetting.status == status, 1), else_=0)) for status in VETTING_STATUSES]
    rows = db.session.execute(
        select(Vetting.batch_reference, func.min(Vetting.submitted_on), func.count(), *counts)
        .join(Trainee, Trainee.id == Vetting.trainee_id)
        .where(scope.filter(Trainee.province_id, Trainee.commune_id), Vetting.batch_reference != "")
        .group_by(Vetting.batch_reference).order_by(func.min(Vetting.submitted_on).desc(), Vetting.batch_reference))
    return [(ref, first, n, dict(zip(VETTING_STATUSES, status_counts_))) for ref, first, n, *status_counts_ in rows]


def needs_vetting(vetting, on_date):
    """Never submitted, expired, or approved with an expiry before `on_date`. Pending and denied do not."""
    if vetting is None or vetting.status == "expired":
        return True
    return vetting.status == "approved" and vetting.expires_on is not None and vetting.expires_on < on_date


def choose_nominees(scope, *, cohort=None, commune_id=None, specialty="", matricules=(), on_date=None):
    """(trainees needing vetting, {reason: [matricules]} for the listed matricules left out).

    Candidates are the trainees of the area matching every criterion given: the active trainees of a cohort,
    a commune, a specialty, a list of matricules. At least one criterion is required."""
    matricules = [m for m in dict.fromkeys(normalise_matricule(m) for m in matricules) if m]
    if cohort is None and not commune_id and not specialty and not matricules:
        raise DomainError(_("Choose a cohort, a commune, a specialty or list matricules."), field="matricules")
    on_date = on_date or (cohort.start_date if cohort is not None else date.today())
    stmt = search_trainees(scope, specialty=specialty, commune_id=commune_id)
    if cohort is not None:
        stmt = stmt.where(Trainee.id.in_(select(Enrolment.trainee_id).where(Enrolment.cohort_id == cohort.id,
                                                                            Enrolment.withdrawn_on.is_(None))))
    if matricules:
        stmt = stmt.where(Trainee.matricule.in_(matricules))
    candidates = db.session.scalars(stmt.limit(MAX_BATCH + 1)).all()
    if len(candidates) > MAX_BATCH:
        raise DomainError(_("More than %(max)d trainees match: narrow the choice.", max=MAX_BATCH), field="matricules")
    vettings = latest_vetting([t.id for t in candidates])
    nominees = [t for t in candidates if needs_vetting(vettings.get(t.id), on_date)]
    left_out = {}
    found = {t.matricule for t in candidates}
    missing = [m for m in matricules if m not in found]
    if missing:
        left_out[_("not found in your area, or not matching the other criteria")] = missing
    current = [t.matricule for t in candidates if t not in nominees]
    if current:
        left_out[_("vetting approved, pending or denied")] = current
    return nominees, left_out


def create_batch(scope, *, reference, submitted_on, **criteria):
    """Record a submission batch: a pending vetting record with the batch reference for every nominee.
    Returns (nominees, left_out). Errors: no reference, a date in the future, nobody to submit."""
    reference = " ".join((reference or "").split())
    if not reference:
        raise DomainError(_("Enter the batch reference."), field="batch_reference")
    if len(reference) > 60:
        raise DomainError(_("At most %(max)d characters.", max=60), field="batch_reference")
    if submitted_on > date.today():
        raise DomainError(_("The submission date cannot be in the future."), field="submitted_on")
    nominees, left_out = choose_nominees(scope, **criteria)
    if not nominees:
        raise DomainError(_("Nobody to submit: every trainee chosen already has approved, pending or denied "
                            "vetting, or none matches."), field="matricules")
    db.session.add_all([Vetting(trainee_id=t.id, submitted_on=submitted_on, batch_reference=reference,
                                status="pending", notes="") for t in nominees])
    db.session.flush()
    return nominees, left_out


def batch_records(scope, reference):
    """A statement for the (vetting, trainee) rows of a batch in the area, by name."""
    return (select(Vetting, Trainee).join(Trainee, Trainee.id == Vetting.trainee_id)
            .where(Vetting.batch_reference == reference, scope.filter(Trainee.province_id, Trainee.commune_id))
            .order_by(Trainee.last_name, Trainee.first_name, Trainee.id))


def record_decision(vetting, *, status, decided_on=None, expires_on=None, notes=None):
    """Record the answer to a submission on its vetting record. Errors: unknown status, a decision without
    its date, a decision before the submission, an expiry before the decision."""
    if status not in VETTING_STATUSES:
        raise DomainError(_("Choose a vetting status from the list."), field="status")
    if status in ("approved", "denied") and decided_on is None:
        raise DomainError(_("Enter the date of the decision."), field="decided_on")
    if decided_on is not None and decided_on < vetting.submitted_on:
        raise DomainError(_("The decision date cannot be before the submission date."), field="decided_on")
    if expires_on is not None and decided_on is not None and expires_on < decided_on:
        raise DomainError(_("The expiry date cannot be before the decision date."), field="expires_on")
    vetting.status, vetting.decided_on, vetting.expires_on = status, decided_on, expires_on
    if notes is not None:
        vetting.notes = notes.strip()
    db.session.flush()
    signals.vetting_recorded.send(vetting)
    return vetting
