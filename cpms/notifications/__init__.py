"""Reminders and notifications: kinds swept from every domain's reminders.py, in-app notifications, e-mail
(immediate or a daily digest) through an outbox."""
from cpms.core.contract import Domain, Panel, Setting, not_personal

DOMAIN = Domain(
    "notifications",
    columns={
        **not_personal("outbox_messages", "dedup_key", "kind", "locale", "last_error"),
        **not_personal("notifications", "kind", "object_key", "locale", "link_endpoint", "link_values"),
        "notifications.recipient_key": "personal",
    },
    tables={"notifications": "account", "outbox_messages": "account"},
    settings=(
        Setting("CPMS_MAIL_MAX_ATTEMPTS", "MAIL_MAX_ATTEMPTS", int, 6),
        Setting("CPMS_MAIL_RETRY_SECONDS", "MAIL_RETRY_SECONDS", int, 300),
        Setting("CPMS_REMINDER_LOOKBACK_DAYS", "REMINDER_LOOKBACK_DAYS", int, 14),
        Setting("CPMS_REMINDER_DIGEST_HOUR", "REMINDER_DIGEST_HOUR", int, 5),
    ),
    panels=(Panel("layout.top_bar", "notifications/_bell.html", context="cpms.notifications.views:bell_panel"),),
)
