from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from cpms.core.forms import DegreesField

NAME_VALIDATORS = [DataRequired(_l("Enter a name.")), Length(max=100, message=_l("At most %(max)d characters."))]


ZONE_CHOICES = [("", _l("From the province's name")), ("Africa/Kinshasa", _l("Africa/Kinshasa (UTC+1, west)")),
                ("Africa/Lubumbashi", _l("Africa/Lubumbashi (UTC+2, centre and east)"))]


class ProvinceForm(FlaskForm):
    name = StringField(_l("Province name"), validators=NAME_VALIDATORS)
    time_zone = SelectField(_l("Time zone"), choices=ZONE_CHOICES, default="")


class CityForm(FlaskForm):
    name = StringField(_l("Name of the city or territory"), validators=NAME_VALIDATORS)
    kind = SelectField(_l("Kind"), choices=[("city", _l("City")), ("territory", _l("Territory"))])


class CommuneForm(FlaskForm):
    name = StringField(_l("Commune name"), validators=NAME_VALIDATORS)


class CommunePositionForm(FlaskForm):
    latitude = DegreesField(_l("Latitude"), validators=[Optional()])
    longitude = DegreesField(_l("Longitude"), validators=[Optional()])


class QuartierForm(FlaskForm):
    name = StringField(_l("Quartier name"), validators=NAME_VALIDATORS)
