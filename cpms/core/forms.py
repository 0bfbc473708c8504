"""Shared form pieces: a multi-select of ids, showing a service's errors, the validate-save-commit step."""
from flask import flash, redirect
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from cpms.core.errors import DomainError
from cpms.extensions import db


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


def refused(form):
    """Whether the form was sent back: a field failed validation or the service refused it (see save_form)."""
    return bool(form.errors) or getattr(form, "refused", False)


def save_form(form, save, success, redirect_to):
    """Validate, call the service, commit once; on a domain error attach it to its field and roll back.

    Returns the redirect after a successful save, or None when the form is to be shown (again); after a domain
    error `form.refused` is True (also for an error shown at the top of the page, which leaves form.errors empty),
    so that the view can answer 422 with `refused(form)`. `success` is the message, or a function of what `save`
    returned that gives it."""
    if form.validate_on_submit():
        try:
            saved = save(form)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            form.refused = True
        else:
            db.session.commit()
            flash(success(saved) if callable(success) else success, "success")
            return redirect(redirect_to(saved))
    return None
