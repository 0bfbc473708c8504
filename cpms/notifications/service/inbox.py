"""In-app notifications, users' e-mail choices, admins' reminder settings, the outbox and the scheduler's state."""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from werkzeug.routing import BuildError

from cpms.auth.models import User
from cpms.core.dashboard import Card, dashboard_provider
from cpms.core.errors import DomainError
from cpms.core.models import SchedulerHeartbeat, scheduler_jobs, utcnow
from cpms.core.permissions import ADMIN
from cpms.extensions import db
from cpms.notifications.models import (
    DELIVERIES,
    OUTBOX_STATUSES,
    Notification,
    NotificationPreference,
    OutboxMessage,
    ReminderSetting,
)
from cpms.notifications.registry import effective_settings, kinds_for_user, load_kinds
from cpms.notifications.service.mail import render_parts

# --- a user's notifications ------------------------------------------------------------------


def own_notifications(user, unread_only=False):
    stmt = select(Notification).where(Notification.user_id == user.id).order_by(Notification.created_at.desc(),
                                                                                Notification.id.desc())
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt


def is_own(notification, user):
    return notification.user_id is not None and notification.user_id == user.id


def unread_count_expression():
    """The number of unread notifications of the user row being selected (a correlated subquery)."""
    return (select(func.count()).select_from(Notification)
            .where(Notification.user_id == User.id, Notification.read_at.is_(None))
            .correlate(User).scalar_subquery())


def unread_count(user):
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def title_of(notification):
    """The notification's subject in the current language, from its kind's template."""
    kind = load_kinds().get(notification.kind)
    if kind is None:
        return notification.kind
    return render_parts(kind.template, notification.context)[0]


def kind_label(name):
    kind = load_kinds().get(name)
    return kind.label if kind is not None else name


def target_url(notification):
    """Where the notification leads (None if it has no link or the page no longer exists)."""
    if not notification.link_endpoint:
        return None
    try:
        return url_for(notification.link_endpoint, **(notification.link_values or {}))
    except BuildError:
        return None


def mark_read(notification, now=None):
    if notification.read_at is None:
        notification.read_at = now or utcnow()
        db.session.flush()
    return notification


def mark_all_read(user, now=None):
    """Mark every unread notification of `user` as read; returns how many."""
    result = db.session.execute(update(Notification).where(Notification.user_id == user.id,
                                                           Notification.read_at.is_(None))
                                .values(read_at=now or utcnow()).execution_options(synchronize_session=False))
    return result.rowcount


# --- preferences -----------------------------------------------------------------------------


def preferences_of(user):
    """[(kind, delivery)] for the kinds the user receives (the kind's default where not chosen)."""
    chosen = dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.delivery)
                                     .where(NotificationPreference.user_id == user.id)).all())
    return [(kind, chosen.get(kind.name, kind.default_delivery)) for kind in kinds_for_user(user)]


def save_preferences(user, choices):
    """Save the user's e-mail choice for each kind: {kind name: off | immediate | digest}.

    Errors: an unknown kind or choice (nothing is saved)."""
    allowed = {kind.name for kind in kinds_for_user(user)}
    for name, delivery in choices.items():
        if name not in allowed or delivery not in DELIVERIES:
            raise DomainError(_("Choose no e-mail, at once or daily digest for each kind of reminder."))
    rows = {row.kind: row for row in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    for name, delivery in choices.items():
        row = rows.get(name) or NotificationPreference(user_id=user.id, kind=name)
        row.delivery = delivery
        db.session.add(row)
    db.session.flush()


# --- admins' settings ------------------------------------------------------------------------


@dataclass
class KindSettings:
    kind: object
    is_enabled: bool
    days_before: int | None
    days_after: int | None


def kind_settings():
    settings = effective_settings()
    return [KindSettings(kind, settings[name].is_enabled, settings[name].days_before, settings[name].days_after)
            for name, kind in load_kinds().items()]


def save_kind_settings(values):
    """Save {kind name: (enabled, days_before, days_after)}; a days value is kept only where the kind has it.

    Errors: a number of days outside 0–365."""
    kinds = load_kinds()
    rows = {row.kind: row for row in db.session.scalars(select(ReminderSetting))}
    for name, (enabled, before, after) in values.items():
        kind = kinds.get(name)
        if kind is None:
            raise DomainError(_("Unknown kind of reminder: %(kind)s.", kind=name))
        for days, field in ((before, "before"), (after, "after")):
            if days is not None and not 0 <= days <= 365:
                raise DomainError(_("%(kind)s: enter a number of days between 0 and 365.", kind=kind.label),
                                  field=f"{field}_{name}")
        row = rows.get(name) or ReminderSetting(kind=name)
        row.is_enabled = bool(enabled)
        row.days_before = before if kind.days_before is not None else None
        row.days_after = after if kind.days_after is not None else None
        db.session.add(row)
    db.session.flush()


# --- the outbox ------------------------------------------------------------------------------


def outbox_query(status=""):
    stmt = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if status in OUTBOX_STATUSES:
        stmt = stmt.where(OutboxMessage.status == status)
    return stmt


def outbox_counts():
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {status: counts.get(status, 0) for status in OUTBOX_STATUSES}


def retry_message(message, now=None):
    """Send a pending or failed message again at the next delivery run, with a fresh count of attempts.

    Errors: a message already sent or being sent."""
    if message.status not in ("pending", "failed"):
        raise DomainError(_("Only a pending or failed message can be sent again."))
    message.status, message.attempts, message.next_attempt_at = "pending", 0, now or utcnow()
    db.session.flush()
    return message


# --- retention -------------------------------------------------------------------------------

MAIL_TEXT_KEPT = timedelta(days=90)


def purge_old(now=None):
    """Personal data kept no longer than needed: the text of e-mails sent or failed more than 90 days
    ago is erased (the row stays, so nothing is queued again), and notifications are deleted once no
    sweep can find their reminder again (two years plus the look-back). Returns (erased, deleted)."""
    now = now or utcnow()
    erased = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.status.in_(("sent", "failed")),
                                    OutboxMessage.created_at < now - MAIL_TEXT_KEPT, OutboxMessage.body_text != "")
        .values(body_text="", body_html="").execution_options(synchronize_session=False)).rowcount
    keep = timedelta(days=2 * 365 + current_app.config["REMINDER_LOOKBACK_DAYS"] + 1)
    deleted = db.session.execute(delete(Notification).where(Notification.created_at < now - keep)
                                 .execution_options(synchronize_session=False)).rowcount
    return erased, deleted


# --- the scheduler ---------------------------------------------------------------------------


@dataclass
class JobState:
    job_id: str
    last_run: datetime | None
    next_run: datetime | None


def scheduler_status(now=None):
    """The heartbeat (row, age in seconds, stale?) and, per registered job, its last run and next run."""
    from cpms.core.scheduler import registered_jobs
    now = now or utcnow()
    beats = {row.name: row for row in db.session.scalars(select(SchedulerHeartbeat))}
    next_runs = dict(db.session.execute(select(scheduler_jobs.c.id, scheduler_jobs.c.next_run_time)).all())
    heartbeat = beats.get("scheduler")
    age = (now - heartbeat.beat_at).total_seconds() if heartbeat else None
    stale = age is None or age > 3 * current_app.config["SCHEDULER_HEARTBEAT_SECONDS"]
    jobs = []
    for job_id in sorted(registered_jobs()):
        beat = beats.get("scheduler" if job_id == "heartbeat" else f"job:{job_id}")
        stamp = next_runs.get(job_id)
        jobs.append(JobState(job_id, beat.beat_at if beat else None,
                             datetime.fromtimestamp(stamp, timezone.utc) if stamp is not None else None))
    return {"heartbeat": heartbeat, "age_seconds": age, "stale": stale, "jobs": jobs}


@dashboard_provider
def outbox_cards(user, scope):
    if user.role != ADMIN:
        return []
    counts = outbox_counts()
    status = scheduler_status()
    if status["heartbeat"] is None:
        note = _l("Scheduler never seen: start `flask cpms scheduler`.")
    elif status["stale"]:
        note = _("Scheduler silent for %(minutes)d min.", minutes=status["age_seconds"] // 60)
    else:
        note = _l("Scheduler running.")
    return [Card(_l("E-mails waiting or failed"), counts["pending"] + counts["sending"] + counts["failed"],
                 "notifications.outbox", note=note, roles=frozenset({ADMIN}))]

