"""Reminder settings, users' delivery choices, notifications (one per reminder and recipient) and the mail outbox."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cpms.core.models import Audited, UTCDateTime, personal, utcnow, values_check
from cpms.extensions import db

DELIVERIES = {"off": _l("No e-mail"), "immediate": _l("E-mail at once"), "digest": _l("Daily digest")}
OUTBOX_STATUSES = {"pending": _l("Pending"), "sending": _l("Sending"), "sent": _l("Sent"), "failed": _l("Failed")}


class ReminderSetting(Audited, db.Model):
    """An admin's change to a reminder kind's defaults (the defaults themselves live in the kind's declaration)."""

    __tablename__ = "reminder_settings"
    __table_args__ = (CheckConstraint("days_before IS NULL OR days_before BETWEEN 0 AND 365", name="days_before"),
                      CheckConstraint("days_after IS NULL OR days_after BETWEEN 0 AND 365", name="days_after"))

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    days_before: Mapped[int | None] = mapped_column(Integer)
    days_after: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self):
        return f"<ReminderSetting {self.kind} enabled={self.is_enabled}>"


class NotificationPreference(Audited, db.Model):
    """How a user wants the e-mails of one kind of reminder: none, at once or in the daily digest.

    In-app notifications are always created; without a row the kind's default applies.
    """

    __tablename__ = "notification_preferences"
    __table_args__ = (CheckConstraint(values_check("delivery", DELIVERIES), name="delivery"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(10))

    def __repr__(self):
        return f"<NotificationPreference {self.user_id} {self.kind} {self.delivery}>"


class Notification(db.Model):
    """One reminder for one recipient, claimed by inserting this row.

    The unique key (kind, object, due date, recipient) is what makes delivery exactly-once: a sweep that
    runs again, or a second scheduler, finds the row already there and sends nothing. Rows with a user
    are that user's in-app notifications; rows with only an e-mail address (committee members without an
    account) exist to claim their e-mail. The text is rendered from the kind's template and `context`
    when shown, so it follows the reader's language.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("kind", "object_key", "due_on", "recipient_key", name="uq_notifications_reminder_key"),
        CheckConstraint("delivery IN ('none', 'immediate', 'digest')", name="delivery"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_digest", "delivery", "digest_message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    object_key: Mapped[str] = mapped_column(String(80))
    due_on: Mapped[date]
    recipient_key: Mapped[str] = mapped_column(String(270))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    email: Mapped[str | None] = mapped_column(String(254), info=personal())
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    link_endpoint: Mapped[str | None] = mapped_column(String(100))
    link_values: Mapped[dict] = mapped_column(JSON, default=dict)
    context: Mapped[dict] = mapped_column(JSON, default=dict, info=personal())
    delivery: Mapped[str] = mapped_column(String(10), default="none")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    digest_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))

    @property
    def is_read(self):
        return self.read_at is not None

    def __repr__(self):
        return f"<Notification {self.id} {self.kind} {self.object_key} {self.due_on} {self.recipient_key}>"


class OutboxMessage(db.Model):
    """An e-mail waiting to be sent, being sent, sent or given up on.

    `dedup_key` is unique ("notification:<id>", "digest:<user>:<day>"), so a message is queued once.
    Only the scheduler sends; no web request waits on SMTP.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(values_check("status", OUTBOX_STATUSES), name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254), info=personal())
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    subject: Mapped[str] = mapped_column(String(300), info=personal())
    body_text: Mapped[str] = mapped_column(Text, info=personal())
    body_html: Mapped[str] = mapped_column(Text, info=personal())
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def status_label(self):
        return OUTBOX_STATUSES.get(self.status, self.status)

    def __repr__(self):
        return f"<OutboxMessage {self.id} {self.dedup_key} {self.status}>"
