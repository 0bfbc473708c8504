"""The receiver of core's `job_finished` signal: the owner's notification, claimed at once (the reminder
kind "job_finished", cpms/notifications/reminders.py, under its unique key: never twice)."""
import logging

from cpms.core.jobs import Job, job_finished
from cpms.core.models import utcnow
from cpms.extensions import db

log = logging.getLogger("cpms.reminders")


@job_finished.connect
def notify_owner(sender, job_id=None, **extra):
    from cpms.notifications.registry import effective_settings, load_kinds
    from cpms.notifications.reminders import job_reminder, should_notify
    from cpms.notifications.service.sweep import claim_reminder, plan_claims

    try:
        job = db.session.get(Job, job_id)
        kind = load_kinds()["job_finished"]
        if job is None or job.owner is None or not should_notify(job) or not effective_settings()[kind.name].is_enabled:
            return 0
        claims = plan_claims(kind, [job_reminder(job)])
        db.session.rollback()
        return sum(claim_reminder(claim, utcnow()) for claim in claims)
    except Exception:  # noqa: BLE001  – the reminder sweep sends it later
        db.session.rollback()
        log.exception("job %s: notification not sent now", job_id)
        return 0
