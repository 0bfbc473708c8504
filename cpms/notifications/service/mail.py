"""E-mail: rendering in the recipient's language, the outbox, and delivery over SMTP with retries.

Only the scheduler sends (`deliver_outbox`, a job); services and sweeps just add rows to the outbox, so
no web request ever waits on an SMTP server. Without CPMS_SMTP_HOST nothing is sent and the messages
stay in the outbox, where admins can read them.

A message is claimed for sending by a conditional UPDATE (pending → sending) committed before the SMTP
conversation, so two schedulers never send the same message. If a scheduler dies in the middle of a
conversation, the message is released after a lease (SMTP timeout plus a margin) and tried again;
that is the one case where a recipient could get a message twice, and it then carries the same
Message-ID, which mail clients use to show it once.
"""
import logging
import re
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from cpms.core.models import utcnow
from cpms.core.transaction import in_transaction
from cpms.extensions import db
from cpms.notifications.models import OutboxMessage
from cpms.notifications.registry import from_json_context

log = logging.getLogger("cpms.mail")
MAX_BACKOFF = timedelta(hours=6)


# --- rendering -------------------------------------------------------------------------------

def render_parts(template_name, context):
    """(subject, body) of a kind's template (`{% block subject %}` and `{% block body %}`), in the current
    language; plain text."""
    template = current_app.jinja_env.get_template(template_name)
    variables = template.new_context({"ctx": from_json_context(context)})
    subject = " ".join("".join(template.blocks["subject"](variables)).split())
    body = "".join(template.blocks["body"](variables))
    lines = [line.strip() for line in body.strip().splitlines()]
    return subject, re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def absolute_url(endpoint, **values):
    """The URL of a page under CPMS_BASE_URL, or None when it is not set (no links in e-mails then)."""
    base = current_app.config.get("BASE_URL")
    if not base:
        return None
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def compose(locale, subject, paragraphs, link=None, link_label=None, footer_link=True, items=()):
    """(subject, text, html) of one e-mail in `locale`: paragraphs, optional (title, url) items, a link to
    the object, and a footer pointing to the user's preferences."""
    with force_locale(locale):
        preferences = absolute_url("notifications.preferences") if footer_link else None
        context = dict(subject=subject, paragraphs=paragraphs, items=items, link=link, link_label=link_label,
                       preferences=preferences, locale=locale)
        text = render_template("notifications/mail/message.txt", **context)
        html = render_template("notifications/mail/message.html", **context)
    return subject, re.sub(r"\n{3,}", "\n\n", text.strip()) + "\n", html


def compose_reminder(template_name, context, locale, link=None, zone=None):
    """(subject, text, html) of a reminder's e-mail in the reader's language, its times in their `zone`."""
    from cpms.core.templating import force_timezone
    with force_locale(locale), force_timezone(zone):
        subject, body = render_parts(template_name, context)
        from flask_babel import gettext as _
        label = _("Open in CPMS")
    return compose(locale, subject, body.split("\n\n"), link=link, link_label=label, footer_link=link is not None)


# --- the outbox ------------------------------------------------------------------------------

def insert_unless_exists(model, values, unique_columns):
    """INSERT … ON CONFLICT DO NOTHING; returns the new row's id, or None if the unique key was taken.

    Other databases fall back to catching the IntegrityError inside a savepoint.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = (insert(model).values(**values).on_conflict_do_nothing(index_elements=unique_columns)
                     .returning(model.id))
        return db.session.execute(statement).scalar()
    try:
        with db.session.begin_nested():
            return db.session.execute(model.__table__.insert().values(**values).returning(model.id)).scalar()
    except IntegrityError:
        return None


def enqueue(dedup_key, *, kind, to_address, locale, subject, text, html, user_id=None, now=None):
    """Put an e-mail in the outbox once (by `dedup_key`); returns its id, or None if it was already there.

    The caller's unit of work (a request, or a sweep's in_transaction()) commits it."""
    now = now or utcnow()
    return insert_unless_exists(OutboxMessage, dict(
        dedup_key=dedup_key, kind=kind, user_id=user_id, to_address=to_address, locale=locale,
        subject=subject[:300], body_text=text, body_html=html, status="pending", attempts=0, last_error="",
        next_attempt_at=now, created_at=now), ["dedup_key"])


# --- delivery --------------------------------------------------------------------------------

def smtp_configured():
    return bool(current_app.config.get("SMTP_HOST"))


def _lease():
    return timedelta(seconds=3 * current_app.config["SMTP_TIMEOUT"] + 60)


def backoff(attempts):
    """Delay before the next try after `attempts` failed ones: CPMS_MAIL_RETRY_SECONDS, doubling, at most 6 h."""
    delay = timedelta(seconds=current_app.config["MAIL_RETRY_SECONDS"] * 2 ** max(attempts - 1, 0))
    return min(delay, MAX_BACKOFF)


def _email(row):
    config = current_app.config
    sender = config["SMTP_FROM"]
    domain = sender.rsplit("@", 1)[-1] or "localhost"
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = sender
    message["To"] = row.to_address
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = f"<cpms.{re.sub(r'[^A-Za-z0-9.-]', '.', row.dedup_key)}.{row.id}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.body_text)
    message.add_alternative(row.body_html, subtype="html")
    message["Content-Language"] = row.locale  # after the parts: they take the Content-* headers set before
    return message


def _connect():
    config = current_app.config
    smtp = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"])
    try:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _is_permanent(error):
    """A refusal of this message (5xx on its recipient or its content); anything else may pass later."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return 500 <= error.smtp_code < 600
    return False


def release_stale(now):
    """Messages left 'sending' by a scheduler that died: back to pending (or failed after the last attempt)."""
    stale = (OutboxMessage.status == "sending") & (OutboxMessage.next_attempt_at <= now)
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    with in_transaction():
        db.session.execute(update(OutboxMessage).where(stale, OutboxMessage.attempts >= max_attempts)
                           .values(status="failed", last_error="interrupted while sending")
                           .execution_options(synchronize_session=False))
        db.session.execute(update(OutboxMessage).where(stale).values(status="pending", next_attempt_at=now)
                           .execution_options(synchronize_session=False))


def _claim(message_id, now):
    """pending → sending, committed; returns the message's row, or None if another sender took it."""
    with in_transaction():
        claimed = db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == "pending",
                                        OutboxMessage.next_attempt_at <= now)
            .values(status="sending", attempts=OutboxMessage.attempts + 1, next_attempt_at=now + _lease())
            .execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            return None  # nothing was changed
        return db.session.execute(select(OutboxMessage.__table__).where(OutboxMessage.id == message_id)).one()


def _finish(message_id, **values):
    with in_transaction():
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id,
                                                       OutboxMessage.status == "sending")
                           .values(**values).execution_options(synchronize_session=False))


def _record_failure(row, error, now):
    attempts = row.attempts
    permanent = _is_permanent(error)
    give_up = permanent or attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
    text = f"{error.__class__.__name__}: {error}"[:1000]
    log.warning("mail %s to message %s failed (attempt %s%s): %s", row.dedup_key, row.id, attempts,
                ", giving up" if give_up else "", text)
    if give_up:
        _finish(row.id, status="failed", last_error=text)
    else:
        _finish(row.id, status="pending", last_error=text, next_attempt_at=now + backoff(attempts))


def deliver_outbox(now=None, limit=200):
    """Send the pending messages that are due; returns {"sent", "retry", "failed"} counts.

    A message refused for good (5xx on its recipient or content) fails at once; other errors are retried
    with exponential backoff until CPMS_MAIL_MAX_ATTEMPTS. A connection problem ends the run (the next
    run tries again) rather than spending every message's attempts on it.
    """
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not smtp_configured():
        return counts
    now = now or utcnow()
    release_stale(now)
    ids = db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.status == "pending",
                                                            OutboxMessage.next_attempt_at <= now)
                             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)).all()
    db.session.rollback()  # end the read transaction before the SMTP conversation
    smtp = None
    try:
        for message_id in ids:
            row = _claim(message_id, now)
            if row is None:
                continue
            try:
                if smtp is None:
                    smtp = _connect()
                smtp.send_message(_email(row))
            except (smtplib.SMTPException, OSError) as error:
                smtp = _close(smtp)
                _record_failure(row, error, now)
                failed = _is_permanent(error) or row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
                counts["failed" if failed else "retry"] += 1
                if not _is_permanent(error):
                    break  # the server or the connection is the problem: leave the rest for the next run
                continue
            _finish(row.id, status="sent", sent_at=utcnow(), last_error="")
            counts["sent"] += 1
    finally:
        _close(smtp, polite=True)
    return counts


def _close(smtp, polite=False):
    if smtp is not None:
        try:
            smtp.quit() if polite else smtp.close()
        except (smtplib.SMTPException, OSError):
            smtp.close()
    return None
