"""Shared form pieces: a multi-select of ids, showing a service's errors, the validate-and-save step, button-only
POSTs and the one rule for the 422 answer. None of them commits: the request does (cpms/core/transaction.py)."""
import re
from decimal import Decimal, InvalidOperation

from flask import flash, redirect, render_template
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, FieldList, FloatField, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from cpms.core.errors import DomainError
from cpms.extensions import db


def read_number(text, language=None, thousands=True):
    """A number as people type it in their language: "1 234,5" in French (a decimal point is understood too),
    "1,234.5" in English; spaces, no-break spaces and apostrophes between digits are ignored. For a small number
    that has no thousands (`thousands=False`: a score, degrees), a comma is the decimal mark in any language.
    A finite Decimal, or ValueError."""
    language = (language or str(get_locale() or "en"))[:2]
    text = re.sub(r"[\s\u00a0\u202f']", "", text or "")
    if language == "fr" or not thousands:
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number


def _number_message():
    return _("Enter a number, for example %(example)s.", example=format_decimal(1234.5))


class LocalFloatField(FloatField):
    """A FloatField that reads the number as the user's language writes it (read_number)."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = float(read_number(valuelist[0]))
            except ValueError:
                raise ValueError(_number_message()) from None


class LocalDecimalField(DecimalField):
    """A DecimalField that reads the amount as the user's language writes it (read_number)."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = read_number(valuelist[0])
            except ValueError:
                raise ValueError(_number_message()) from None


class DegreesField(FloatField):
    """Degrees as people type them, in any language: a decimal point or a decimal comma (-6,13); degrees have no
    thousands."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = float(read_number(valuelist[0], thousands=False))
            except ValueError:
                raise ValueError(_("Enter the degrees as a decimal number, for example -6.13.")) from None


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
    """Validate, call the service; on a domain error attach it to its field and roll back its partial work.

    Returns the redirect after a successful save (the request commits it), or None when the form is to be shown
    (again); after a domain error `form.refused` is True (also for an error shown at the top of the page, which
    leaves form.errors empty), so that `render_form` answers 422. `success` is the message, or a function of
    what `save` returned that gives it; `redirect_to` a function of it that gives the URL."""
    if form.validate_on_submit():
        try:
            saved = save(form)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            form.refused = True
        else:
            flash(success(saved) if callable(success) else success, "success")
            return redirect(redirect_to(saved))
    return None


def render_form(template, form, **context):
    """The one rule for a page with a form: 422 when the form was sent back (any error, on a field or the
    form), 200 otherwise."""
    return render_template(template, form=form, **context), 422 if refused(form) else 200


def run_action(action, success, redirect_to):
    """A button-only POST (cancel, approve, delete…): call the service, flash its success or its refusal (rolling
    back its partial work), and redirect. `success` and `redirect_to` are values or functions of the result."""
    try:
        done = action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        done = None
    else:
        flash(success(done) if callable(success) else success, "success")
    return redirect(redirect_to(done) if callable(redirect_to) else redirect_to)
