from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from cpms.certificates.models import MAX_SIGNATORIES

MAX = _l("At most %(max)d characters.")
LANGUAGE_LABELS = {"fr": _l("French"), "en": _l("English")}
STATUS_LABELS = {"valid": _l("Valid"), "superseded": _l("Superseded"), "revoked": _l("Revoked")}
BATCH_STATUS_LABELS = {"pending": _l("Waiting to start"), "running": _l("In progress"), "done": _l("Ready"),
                       "failed": _l("Failed")}


class ReissueForm(FlaskForm):
    note = TextAreaField(_l("What was corrected"), validators=[
        DataRequired(_l("Say what was corrected: the note is kept with the new version.")), Length(max=500, message=MAX)])


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the revocation"), validators=[
        DataRequired(_l("Give the reason for the revocation.")), Length(max=500, message=MAX)])


class KeepForm(FlaskForm):
    note = TextAreaField(_l("Why the certificate is kept"), validators=[
        DataRequired(_l("Say why the certificate is kept: the reason is kept with it.")),
        Length(max=500, message=MAX)])


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language of the certificates"), choices=list(LANGUAGE_LABELS.items()))


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form on a public page: nothing is changed

    code = StringField(_l("Verification code"), validators=[DataRequired(_l("Type the code printed on the certificate."))])


class TemplateForm(FlaskForm):
    html = TextAreaField(_l("HTML of the certificate"), validators=[
        DataRequired(_l("The template cannot be empty.")), Length(max=100_000, message=MAX)])
    css = TextAreaField(_l("CSS"), validators=[Length(max=100_000, message=MAX)])
    note = StringField(_l("What changed (for the version list)"), validators=[Length(max=300, message=MAX)])
    language = SelectField(_l("Preview language"), choices=list(LANGUAGE_LABELS.items()))
    programme_id = SelectField(_l("Preview with the logos and signatories of"), coerce=int)


class SignatoryForm(FlaskForm):
    class Meta:
        csrf = False  # part of ProfileForm, which carries the token

    name = StringField(_l("Name"), validators=[Length(max=150, message=MAX)])
    title = StringField(_l("Function"), validators=[Length(max=200, message=MAX)])
    signature = FileField(_l("Signature image (PNG or JPEG, optional)"))
    remove_signature = BooleanField(_l("Remove the signature image"))


class ProfileForm(FlaskForm):
    programme_logo = FileField(_l("Programme logo (PNG or JPEG)"))
    remove_programme_logo = BooleanField(_l("Remove the programme logo"))
    donor_logo = FileField(_l("Donor logo (PNG or JPEG)"))
    remove_donor_logo = BooleanField(_l("Remove the donor logo"))
    signatories = FieldList(FormField(SignatoryForm), min_entries=MAX_SIGNATORIES, max_entries=MAX_SIGNATORIES)
