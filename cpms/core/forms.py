"""Shared form pieces: a multi-select of ids, coercion helpers."""
from flask import flash
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (easier than a multi-select on a phone) holding integer ids."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", int)
        super().__init__(*args, **kwargs)

    def pre_validate(self, form):
        valid = {value for value, _label in self.choices}
        for value in self.data or []:
            if value not in valid:
                raise ValidationError(_l("Choose among the listed options."))


def show_error(form, error):
    """Show a service's DomainError under the form field it names, or else at the top of the page."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None or isinstance(field, FieldList):
        flash(error.message, "error")
    else:
        field.errors = list(field.errors) + [error.message]
