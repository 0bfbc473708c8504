from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from cpms.core.forms import MultiCheckboxField
from cpms.core.permissions import ROLES
from cpms.core.templating import ROLE_LABELS

LOCALE_CHOICES = [("fr", "Français"), ("en", "English")]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class UserForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter the person's name.")),
                                                    Length(max=120, message=_l("At most %(max)d characters."))])
    email = EmailField(_l("E-mail address"), validators=[
        DataRequired(_l("Enter an e-mail address.")),
        Email(message=_l("Enter a valid e-mail address, such as name@example.org."), check_deliverability=False),
        Length(max=254, message=_l("At most %(max)d characters."))])
    role = SelectField(_l("Role"), choices=[(r, ROLE_LABELS[r]) for r in ROLES])
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES)
    is_active = BooleanField(_l("Account active"), default=True)
    provinces = MultiCheckboxField(_l("Limited to provinces"))
    communes = MultiCheckboxField(_l("Limited to communes"))


class NewUserForm(UserForm):
    # no role chosen in advance: the administrator picks one (a pre-selected "Administrator" was saved by mistake)
    role = SelectField(_l("Role"), choices=[("", _l("– Choose a role –"))] + [(r, ROLE_LABELS[r]) for r in ROLES],
                       default="", validators=[DataRequired(_l("Choose the person's role."))])
    password = PasswordField(_l("Initial password (leave empty to send an invitation by e-mail)"),
                             validators=[Optional()])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a new password."))])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(_l("Repeat the new password.")),
        EqualTo("new_password", message=_l("The two new passwords are not the same."))])


class PasswordResetForm(FlaskForm):
    new_password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a new password."))])


class TimeZoneForm(FlaskForm):
    """The zone the user reads times in; the choices' labels are set by the view (they name the user's area's)."""
    time_zone = SelectField(_l("Times shown in"), choices=[("", "")], validate_choice=False)  # the service says what to fix


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Token name (what it is for)"), validators=[Length(max=100, message=_l("At most %(max)d characters."))])


class TwoFactorCodeForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app, or a recovery code"),
                       validators=[DataRequired(_l("Enter the code.")), Length(max=20, message=_l("At most %(max)d characters."))])


class ForgottenPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address.")),
                                                         Length(max=254, message=_l("At most %(max)d characters."))])


class SetPasswordForm(FlaskForm):
    new_password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a new password."))])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(_l("Repeat the new password.")),
        EqualTo("new_password", message=_l("The two new passwords are not the same."))])
