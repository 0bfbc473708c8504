"""Forms built from the registered kinds: a user's e-mail choices, the admins' reminder settings."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from cpms.notifications.models import DELIVERIES

DAYS = [Optional(), NumberRange(min=0, max=365, message=_l("Enter a number of days between 0 and 365."))]


class EmptyForm(FlaskForm):
    """A form with only its CSRF token (buttons that mark as read, retry a message)."""


def preferences_form(preferences, **kwargs):
    """A form with one choice per kind: [(kind, current delivery)] → fields `kind_<name>`."""
    class PreferencesForm(FlaskForm):
        def choices(self):
            return {kind.name: self[f"kind_{kind.name}"].data for kind, _d in preferences}

    for kind, delivery in preferences:
        setattr(PreferencesForm, f"kind_{kind.name}", SelectField(kind.label, choices=list(DELIVERIES.items()),
                                                                 default=delivery, description=kind.description))
    return PreferencesForm(**kwargs)


def settings_form(settings, **kwargs):
    """Per kind: enabled, and days before/after where the kind has them → `enabled_<name>`, `before_<name>`…"""
    class SettingsForm(FlaskForm):
        def values(self):
            result = {}
            for item in settings:
                name = item.kind.name
                before = self[f"before_{name}"].data if f"before_{name}" in self else None
                after = self[f"after_{name}"].data if f"after_{name}" in self else None
                result[name] = (self[f"enabled_{name}"].data, before, after)
            return result

    for item in settings:
        name = item.kind.name
        setattr(SettingsForm, f"enabled_{name}", BooleanField(_l("Enabled"), default=item.is_enabled))
        if item.kind.days_before is not None:
            setattr(SettingsForm, f"before_{name}", IntegerField(_l("Days before"), default=item.days_before,
                                                                 validators=DAYS))
        if item.kind.days_after is not None:
            setattr(SettingsForm, f"after_{name}", IntegerField(_l("Days after"), default=item.days_after,
                                                                validators=DAYS))
    return SettingsForm(**kwargs)
