"""Notifications: the in-app inbox, preferences, reminder settings and the outbox (inbox.py), e-mail
composition and delivery (mail.py), the reminder sweep (sweep.py) and digests (digest.py).

The package gives the main part's services under `cpms.notifications.service` and imports its topic modules; no part
imports this module back."""
from cpms.notifications.service import (  # noqa: F401  (its topic modules)
    digest,
    mail,
    sweep,
)
from cpms.notifications.service.inbox import (  # noqa: F401  (its services, as cpms.notifications.service.<name>)
    MAIL_TEXT_KEPT,
    JobState,
    KindSettings,
    is_own,
    kind_label,
    kind_settings,
    mark_all_read,
    mark_read,
    outbox_cards,
    outbox_counts,
    outbox_query,
    own_notifications,
    preferences_of,
    purge_old,
    retry_message,
    save_kind_settings,
    save_preferences,
    scheduler_status,
    target_url,
    title_of,
    unread_count,
    unread_count_expression,
)
