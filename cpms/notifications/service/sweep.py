"""The reminder sweep: run the sweeps of every enabled kind and claim each reminder exactly once.

For each kind, the sweeps read what is due (a read-only phase whose results are turned into plain
data), then each (kind, object, due date, recipient) is claimed in its own short transaction: the
notification row is inserted under its UNIQUE key (INSERT … ON CONFLICT DO NOTHING) together with the
e-mail it calls for, and committed. A second sweep, at the same time or later, finds the key taken and
does nothing; a sweep killed half-way has committed whole claims only, and the next run finds the rest.
"""
import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from cpms.core.models import utcnow
from cpms.core.transaction import in_transaction
from cpms.extensions import db
from cpms.notifications.models import Notification, NotificationPreference
from cpms.notifications.registry import SweepContext, effective_settings, load_kinds, to_json_context
from cpms.notifications.service.mail import (
    absolute_url,
    compose_reminder,
    enqueue,
    insert_unless_exists,
)

log = logging.getLogger("cpms.reminders")
REMINDER_KEY = ["kind", "object_key", "due_on", "recipient_key"]


@dataclass
class Claim:
    kind: str
    template: str
    object_key: str
    due_on: object
    recipient_key: str
    user_id: int | None
    address: str
    locale: str
    delivery: str  # none, immediate or digest
    link: tuple | None
    context: dict
    zone: str | None = None  # the reader's time zone (User.display_zone); None: the default one


def sweep_reminders(now=None, only=None):
    """Claim and queue every reminder due now; returns {"claimed", "already", "failed_kinds"}.

    `only` limits the run to some kinds (tests, `flask cpms run-job`). A kind whose sweep fails is logged
    and skipped; the others still run.
    """
    now = now or utcnow()
    settings = effective_settings()
    lookback = current_app.config["REMINDER_LOOKBACK_DAYS"]
    summary = {"claimed": 0, "already": 0, "failed_kinds": []}
    for name, kind in load_kinds().items():
        if (only and name not in only) or not settings[name].is_enabled:
            continue
        try:
            claims = _plan(kind, SweepContext(now, settings[name], lookback))
        except Exception:
            db.session.rollback()
            log.exception("reminder kind %s: sweep failed", name)
            summary["failed_kinds"].append(name)
            continue
        db.session.rollback()  # end the read transaction before claiming
        for claim in claims:
            try:
                claimed = claim_reminder(claim, now)
            except Exception:
                db.session.rollback()
                log.exception("reminder %s %s for %s: claim failed", name, claim.object_key, claim.recipient_key)
                if name not in summary["failed_kinds"]:
                    summary["failed_kinds"].append(name)
                continue
            summary["claimed" if claimed else "already"] += 1
    return summary


def _plan(kind, ctx):
    """The claims of one kind still to make, as plain data (no ORM object crosses a commit)."""
    return plan_claims(kind, [reminder for sweep in kind.sweeps for reminder in sweep(ctx)])


def plan_claims(kind, reminders):
    """The claims of these reminders still to make (also used for one reminder sent at once)."""
    if not reminders:
        return []
    taken = set(db.session.execute(select(Notification.object_key, Notification.due_on, Notification.recipient_key)
                                   .where(Notification.kind == kind.name,
                                          Notification.due_on >= min(r.due_on for r in reminders))).all())
    users_by_email = {}
    if any(isinstance(to, str) for r in reminders for to in r.recipients):
        from cpms.auth.models import User
        users_by_email = {u.email.lower(): u for u in db.session.scalars(select(User))}
    preferences = dict(db.session.execute(select(NotificationPreference.user_id, NotificationPreference.delivery)
                                          .where(NotificationPreference.kind == kind.name)).all())
    default_locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    claims = []
    for reminder in reminders:
        seen = set()
        context = to_json_context(reminder.context)
        for recipient in reminder.recipients:
            address = recipient.strip().lower() if isinstance(recipient, str) else None
            user = users_by_email.get(address) if address is not None else recipient
            if address == "":
                continue
            if user is not None:
                if not user.is_active:
                    continue
                key, address, locale, zone = f"user:{user.id}", user.email, user.locale, user.display_zone
                delivery = preferences.get(user.id, kind.default_delivery)
                delivery = "none" if delivery == "off" else delivery
            else:  # someone without an account: e-mail only, in the default language
                key, locale, delivery, zone = f"email:{address}", default_locale, "immediate", None
            if key in seen or (reminder.object_key, reminder.due_on, key) in taken:
                continue
            seen.add(key)
            claims.append(Claim(kind.name, reminder.template or kind.template, reminder.object_key, reminder.due_on,
                                key, user.id if user is not None else None, address, locale, delivery,
                                reminder.link, context, zone))
    return claims


def claim_reminder(claim, now):
    """Insert the notification under its unique key and queue its e-mail, in one committed transaction.

    Returns False, having written nothing, when the reminder was already claimed."""
    endpoint, values = claim.link if claim.link else (None, {})
    with in_transaction():
        notification_id = insert_unless_exists(Notification, dict(
            kind=claim.kind, object_key=claim.object_key, due_on=claim.due_on, recipient_key=claim.recipient_key,
            user_id=claim.user_id, email=None if claim.user_id else claim.address, locale=claim.locale,
            link_endpoint=endpoint, link_values=values, context=claim.context, delivery=claim.delivery,
            created_at=now), REMINDER_KEY)
        if notification_id is None:
            return False  # nothing was written
        if claim.delivery == "immediate":
            link = absolute_url("notifications.notification_open", notification_id=notification_id) \
                if claim.user_id else None
            subject, text, html = compose_reminder(claim.template, claim.context, claim.locale, link, zone=claim.zone)
            enqueue(f"notification:{notification_id}", kind=claim.kind, to_address=claim.address,
                    locale=claim.locale, subject=subject, text=text, html=html, user_id=claim.user_id, now=now)
    return True
