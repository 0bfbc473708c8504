"""Reminder kinds: a registry of sweep functions.

A sweep looks in the application's own tables for what is due *now* and yields `Reminder`s. The
reminder job (cpms/notifications/sweep.py) runs every sweep of every enabled kind, and claims each
(kind, object, due date, recipient) by inserting a row under a UNIQUE constraint before anything is
sent. So a sweep may run as often as it likes, twice at once, or after a crash: whatever was claimed
is never sent again, and whatever was not is found again by the next run (a lost tick loses nothing).

Adding a kind takes a sweep and a template. For example "certificate batch ready":

    # cpms/certificates/reminders.py – any cpms/<domain>/reminders.py is loaded automatically
    from flask_babel import lazy_gettext as _l
    from sqlalchemy import select

    from cpms.extensions import db
    from cpms.notifications.registry import Reminder, reminder_kind

    @reminder_kind("certificate_batch_ready", label=_l("Certificate batch ready"), roles={"trainer"})
    def certificate_batches_ready(ctx):
        batches = db.session.scalars(select(CertificateBatch).where(CertificateBatch.ready_on >= ctx.since))
        for batch in batches:
            yield Reminder(object_key=f"certificate_batch:{batch.id}", due_on=batch.ready_on,
                           recipients=batch.cohort.trainers,
                           link=("certificates.batch_detail", {"batch_id": batch.id}),
                           context={"cohort": batch.cohort.name, "ready_on": batch.ready_on, "count": batch.size})

and `templates/certificates/reminders/certificate_batch_ready.txt` (`<domain>/reminders/<kind>.txt`, in the
folder of the domain whose reminders.py declares the kind) with two blocks, in the recipient's language through
`_()`:

    {% block subject %}{{ _("Certificates ready for %(cohort)s", cohort=ctx.cohort) }}{% endblock %}
    {% block body %}{{ _("%(count)d certificates are ready to hand out.", count=ctx.count) }}{% endblock %}

then `make extract-messages` and the French translations. The kind then appears on the admins'
settings page (enabled, days before/after) and on every user's preferences page whose role is in `roles`.

Rules for sweeps:
- Only look `ctx.since` (today minus CPMS_REMINDER_LOOKBACK_DAYS) into the past, so that enabling a kind
  on an old database does not send years of reminders, while a scheduler that was down a few days
  catches up.
- `due_on` is part of the key: when a due date moves, the reminder is sent again for the new date.
- `recipients` are User objects (inactive ones are skipped) or plain e-mail addresses (people without
  an account, e.g. committee members; e-mail only, in the default language).
- `context` values must be str, int, float or bool, or dates/datetimes under keys ending in `_on`/`_at`
  (stored as JSON, restored for the templates).
- `link` is (endpoint, values): the in-app notification opens it, and e-mails link to it.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from cpms.extensions import db

KINDS = {}


@dataclass
class Reminder:
    """What a sweep yields: one thing due, for some recipients."""

    object_key: str
    due_on: date
    recipients: list
    link: tuple | None = None
    context: dict = field(default_factory=dict)
    template: str | None = None  # defaults to the kind's template, <domain>/reminders/<kind>.txt


@dataclass
class Kind:
    name: str
    label: object
    description: object = ""
    roles: frozenset = frozenset()
    days_before: int | None = None
    days_after: int | None = None
    default_delivery: str = "immediate"
    sweeps: list = field(default_factory=list)
    domain: str | None = None  # the domain whose reminders.py declared it (None: declared outside cpms)
    also_for: object = None  # callable(user) -> bool: users outside `roles` who receive it too (a duty, not a role)

    @property
    def template(self):
        """templates/<domain>/reminders/<kind>.txt (reminders/<kind>.txt for a kind declared outside cpms)."""
        return f"{self.domain}/reminders/{self.name}.txt" if self.domain else f"reminders/{self.name}.txt"


def reminder_kind(name, *, label=None, description="", roles=(), days_before=None, days_after=None,
                  default_delivery="immediate", also_for=None):
    """Register a sweep function for the kind `name` (declared by its first registration).

    `days_before`/`days_after` are the defaults admins may change (None: the kind has no such setting);
    `roles` are the roles that receive it (shown on their preferences page); `default_delivery` is the
    e-mail choice of users who have not chosen (off, immediate or digest); `also_for(user)` says whether a user
    of another role receives it too, through a duty the declaring domain knows (a complaints focal point).
    """
    def decorator(sweep):
        kind = KINDS.get(name)
        if kind is None:
            if label is None:
                raise ValueError(f"reminder kind {name!r}: the first registration needs a label")
            kind = KINDS[name] = Kind(name, label, description, frozenset(roles), days_before, days_after,
                                      default_delivery, domain=_declaring_domain(sweep), also_for=also_for)
        kind.sweeps.append(sweep)
        return sweep
    return decorator


def _declaring_domain(sweep):
    parts = sweep.__module__.split(".")
    return parts[1] if parts[0] == "cpms" and len(parts) > 2 else None


def load_kinds():
    """Import every domain's reminders.py; returns {name: Kind}, grouped by domain, the domains in alphabetical
    order (the order of the settings and preferences pages, and of a sweep)."""
    from cpms.domains import domain_modules
    domain_modules("reminders")
    ordered = sorted(KINDS.values(), key=lambda kind: kind.domain or "\uffff")  # kinds from elsewhere last
    if [kind.name for kind in ordered] != list(KINDS):
        KINDS.clear()
        KINDS.update((kind.name, kind) for kind in ordered)
    return KINDS


def kinds_for_role(role):
    return [kind for kind in load_kinds().values() if role in kind.roles]


def kinds_for_user(user):
    """The kinds the user receives: those of their role, and those whose `also_for` names them."""
    return [kind for kind in load_kinds().values()
            if user.role in kind.roles or (kind.also_for is not None and kind.also_for(user))]


@dataclass
class Setting:
    is_enabled: bool
    days_before: int | None
    days_after: int | None


def _pick(default, override):
    """The admin's value for a setting the kind has (default not None), else the default."""
    if default is None:
        return None
    return override if override is not None else default


def effective_settings():
    """{kind name: Setting}: the admins' changes over the kinds' defaults, in one query."""
    from cpms.notifications.models import ReminderSetting
    rows = {row.kind: row for row in db.session.scalars(select(ReminderSetting))}
    settings = {}
    for name, kind in load_kinds().items():
        row = rows.get(name)
        settings[name] = Setting(is_enabled=row.is_enabled if row is not None else True,
                                 days_before=_pick(kind.days_before, row and row.days_before),
                                 days_after=_pick(kind.days_after, row and row.days_after))
    return settings


class SweepContext:
    """What a sweep needs: the time, the kind's settings, and who covers a place."""

    def __init__(self, now, setting, lookback_days):
        self.now = now
        self.today = now.date()
        self.days_before = setting.days_before
        self.days_after = setting.days_after
        self.since = self.today - timedelta(days=lookback_days)
        self._staff = {}

    def staff_covering(self, roles, province_id, commune_id=None):
        """Active users with one of `roles` whose area includes the place (national users included)."""
        from cpms.core.permissions import scope_of
        key = frozenset(roles)
        if key not in self._staff:
            from cpms.auth.models import User
            users = db.session.scalars(select(User).where(User.role.in_(sorted(key)), User.is_active.is_(True))
                                       .order_by(User.id)).all()
            self._staff[key] = [(user, scope_of(user)) for user in users]
        return [user for user, scope in self._staff[key] if scope.allows(province_id, commune_id)]


def translated(message):
    """{language: text} of a translatable label, for a context value shown in each reader's language
    (templates pick the current language with the `in_locale` filter)."""
    from flask import current_app
    from flask_babel import force_locale
    texts = {}
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            texts[language] = str(message)
    return texts


def to_json_context(context):
    """Dates and datetimes to ISO strings (restored by from_json_context for keys ending in _on/_at)."""
    return {key: value.isoformat() if isinstance(value, (date, datetime)) else value for key, value in context.items()}


def from_json_context(context):
    restored = {}
    for key, value in (context or {}).items():
        if isinstance(value, str) and key.endswith("_on"):
            value = date.fromisoformat(value)
        elif isinstance(value, str) and key.endswith("_at"):
            value = datetime.fromisoformat(value)
        restored[key] = value
    return restored
