"""The daily digest: one e-mail a day gathering the reminders of users who chose it.

The job runs every few minutes; from CPMS_REMINDER_DIGEST_HOUR (UTC) on, each user with reminders
waiting for a digest gets one message, keyed "digest:<user>:<day>" in the outbox so that a second run
or a second scheduler builds nothing more that day. The reminders it gathers are marked with the
message in the same transaction; those that arrive later wait for the next day's digest.
"""
from flask import current_app
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import select, update

from cpms.core.models import utcnow
from cpms.core.transaction import in_transaction
from cpms.extensions import db
from cpms.notifications.models import Notification, OutboxMessage
from cpms.notifications.registry import load_kinds
from cpms.notifications.service.mail import absolute_url, compose, enqueue, render_parts


def _waiting(now):
    return (Notification.delivery == "digest", Notification.digest_message_id.is_(None),
            Notification.user_id.is_not(None), Notification.created_at <= now)


def send_digests(now=None):
    """Queue today's digest of every user who has reminders waiting; returns how many were queued."""
    from cpms.auth.models import User

    now = now or utcnow()
    if now.hour < current_app.config["REMINDER_DIGEST_HOUR"]:
        return 0
    day = now.date()
    user_ids = db.session.scalars(select(Notification.user_id).where(*_waiting(now)).distinct()).all()
    if not user_ids:
        return 0
    keys = {f"digest:{user_id}:{day.isoformat()}": user_id for user_id in user_ids}
    done = set(db.session.scalars(select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(list(keys)))))
    users = {u.id: (u.email, u.locale) for u in db.session.scalars(
        select(User).where(User.id.in_(user_ids), User.is_active.is_(True)))}
    db.session.rollback()
    queued = 0
    for key, user_id in keys.items():
        if key in done or user_id not in users:
            continue
        email, locale = users[user_id]
        items = db.session.execute(select(Notification.id, Notification.kind, Notification.context)
                                   .where(Notification.user_id == user_id, *_waiting(now))
                                   .order_by(Notification.kind, Notification.due_on, Notification.id)).all()
        db.session.rollback()
        subject, text, html = compose_digest(items, locale, day)
        with in_transaction():
            message_id = enqueue(key, kind="digest", to_address=email, locale=locale, subject=subject, text=text,
                                 html=html, user_id=user_id, now=now)
            if message_id is None:  # another scheduler built it meanwhile: nothing was written
                continue
            db.session.execute(update(Notification).where(Notification.id.in_([item.id for item in items]),
                                                          Notification.digest_message_id.is_(None))
                               .values(digest_message_id=message_id).execution_options(synchronize_session=False))
        queued += 1
    return queued


def compose_digest(items, locale, day):
    kinds = load_kinds()
    with force_locale(locale):
        subject = ngettext("CPMS: %(num)d reminder on %(day)s", "CPMS: %(num)d reminders on %(day)s", len(items),
                           day=format_date(day, "long"))
        lines = []
        for item in items:
            kind = kinds.get(item.kind)
            title = render_parts(kind.template, item.context)[0] if kind else item.kind
            lines.append((title, absolute_url("notifications.notification_open", notification_id=item.id)))
        intro = _("Here are the reminders of the day. You chose to receive them in one e-mail.")
    return compose(locale, subject, [intro], items=lines)
