from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from cpms.core.forms import MultiCheckboxField


class ProgrammeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter a short code for the programme.")),
                                               Length(max=30, message=_l("At most %(max)d characters."))])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the programme's name.")),
                                               Length(max=200, message=_l("At most %(max)d characters."))])
    donors = StringField(_l("Donors"), validators=[Length(max=300, message=_l("At most %(max)d characters."))])
    start_date = DateField(_l("Start date"), validators=[DataRequired(_l("Enter the start date as YYYY-MM-DD."))])
    end_date = DateField(_l("End date"), validators=[Optional()])
    requires_vetting = BooleanField(_l("Funding requires human-rights vetting of trainees"))
    provinces = MultiCheckboxField(_l("Provinces covered"))
    description = TextAreaField(_l("Description"), validators=[Length(max=5000, message=_l("At most %(max)d characters."))])

    def service_fields(self):
        return dict(code=self.code.data, name=self.name.data, donors=self.donors.data,
                    start_date=self.start_date.data, end_date=self.end_date.data,
                    requires_vetting=self.requires_vetting.data, description=self.description.data,
                    province_ids=self.provinces.data)
