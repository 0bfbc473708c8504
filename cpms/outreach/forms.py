from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from cpms.core.bounds import PEOPLE_AT_EVENT, PlausibleCount, PlausibleDate, PlausibleMoney
from cpms.core.forms import LocalDecimalField
from cpms.outreach.labels import (
    CATEGORY_LABELS,
    EVIDENCE_LABELS,
    KIND_LABELS,
    PROGRAMME_ACTION_STATUS_LABELS,
    SEX_LABELS,
    TOPIC_LABELS,
)

MAX = _l("At most %(max)d characters.")


class ActivityForm(FlaskForm):
    kind = SelectField(_l("Kind of activity"), choices=list(KIND_LABELS.items()))
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a short title.")),
                                                 Length(max=200, message=MAX)])
    topic = SelectField(_l("Topic"), choices=list(TOPIC_LABELS.items()))
    programme_id = SelectField(_l("Programme"), coerce=int, default=0)
    commune_id = SelectField(_l("Commune"), coerce=int, default=0)
    quartier = StringField(_l("Quartier"), validators=[Length(max=120, message=MAX)])
    start_date = DateField(_l("First day"), validators=[DataRequired(_l("Enter the first day as YYYY-MM-DD.")),
                                                        PlausibleDate()])
    end_date = DateField(_l("Last day"), validators=[DataRequired(_l("Enter the last day as YYYY-MM-DD.")),
                                                     PlausibleDate()])
    language = StringField(_l("Language"), validators=[Length(max=60, message=MAX)])
    partners = StringField(_l("Partner organisations"), validators=[Length(max=300, message=MAX)])
    facilitators = StringField(_l("Facilitators"), validators=[Length(max=300, message=MAX)])
    cost = LocalDecimalField(_l("Cost"), places=2, validators=[Optional(), PlausibleMoney(currency_field="currency")])
    currency = SelectField(_l("Currency"), choices=[("USD", "USD"), ("CDF", "CDF")], default="USD")

    def set_choices(self, programmes, communes):
        self.programme_id.choices = [(0, "—")] + list(programmes)
        self.commune_id.choices = [(0, "—")] + list(communes)

    def service_fields(self):
        return {name: getattr(self, name).data for name in (
            "kind", "title", "topic", "programme_id", "commune_id", "quartier", "start_date", "end_date", "language",
            "partners", "facilitators", "cost", "currency")}


class OfficerForm(FlaskForm):
    matricule = StringField(_l("Matricule"), validators=[DataRequired(_l("Enter the officer's matricule.")),
                                                         Length(max=40, message=MAX)])


class CivilianForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the participant's name.")),
                                               Length(max=200, message=MAX)])
    organisation = StringField(_l("Organisation"), validators=[Length(max=200, message=MAX)])
    category = SelectField(_l("Category"), choices=[(k, v) for k, v in CATEGORY_LABELS.items() if k != "police"])
    sex = SelectField(_l("Sex"), choices=list(SEX_LABELS.items()))


class CountForm(FlaskForm):
    category = SelectField(_l("Category"), choices=list(CATEGORY_LABELS.items()), default="public")
    sex = SelectField(_l("Sex"), choices=list(SEX_LABELS.items()))
    people = IntegerField(_l("Number of people"), validators=[DataRequired(_l("Enter the number of people.")),
                                                              PlausibleCount(PEOPLE_AT_EVENT)])
    estimate_source = StringField(_l("Source of the estimate"), validators=[Length(max=200, message=MAX)])


class EvidenceForm(FlaskForm):
    kind = SelectField(_l("What the file is"), choices=list(EVIDENCE_LABELS.items()), default="attendance_sheet")
    file = FileField(_l("File (PDF, JPEG or PNG picture, or audio: MP3, Ogg/Opus, M4A, WAV)"))


class AgreedActionForm(FlaskForm):
    description = TextAreaField(_l("Action agreed"), validators=[DataRequired(_l("Describe the action to take.")),
                                                                 Length(max=2000, message=MAX)])
    responsible = StringField(_l("Who carries it out"), validators=[
        DataRequired(_l("Name who is responsible: a person or an organisation.")), Length(max=200, message=MAX)])
    due_date = DateField(_l("Due date"), validators=[DataRequired(_l("Enter the due date as YYYY-MM-DD.")),
                                                     PlausibleDate()])
    # 0: the workshop's programme follows it up; otherwise a committee of the area
    committee_id = SelectField(_l("Who follows it up"), coerce=int, default=0, validate_choice=False)


class ProgrammeActionForm(FlaskForm):
    status = SelectField(_l("Status"), choices=list(PROGRAMME_ACTION_STATUS_LABELS.items()))
    note = TextAreaField(_l("Note"), validators=[Length(max=1000, message=MAX)])


class FacilitatorForm(FlaskForm):
    user_id = SelectField(_l("A CPMS user"), coerce=int, default=0, validate_choice=False)
    name = StringField(_l("Or a name"), validators=[Length(max=200, message=MAX)])
    email = EmailField(_l("and an e-mail address"), validators=[
        Optional(), Email(_l("Enter a valid e-mail address, such as name@example.org."), check_deliverability=False),
        Length(max=254, message=MAX)])
