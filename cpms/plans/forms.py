from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from cpms.committees.models import PROBLEM_CATEGORIES
from cpms.core.bounds import PlausibleCount, PlausibleDate, PlausibleMoney
from cpms.core.forms import LocalDecimalField
from cpms.plans.models import ACTION_STATUSES, FREQUENCIES, QIP_STATUSES, SEVERITIES

MAX = _l("At most %(max)d characters.")
NOT_NEGATIVE = _l("Enter 0 or more.")


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class DiagnosticForm(FlaskForm):
    conducted_on = DateField(_l("Date of the diagnostic"),
                             validators=[DataRequired(_l("Enter the date as YYYY-MM-DD.")), PlausibleDate()])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=10000, message=MAX)])


class ProblemForm(FlaskForm):
    priority_rank = IntegerField(_l("Priority rank"), validators=[
        InputRequired(_l("Enter the priority rank (1 = most urgent).")), NumberRange(min=1, max=50, message=_l("Enter a rank from 1 to 50."))])
    category = SelectField(_l("Category"), choices=list(PROBLEM_CATEGORIES.items()))
    description = StringField(_l("Problem"), validators=[Length(max=2000, message=MAX)])
    place = StringField(_l("Place"), validators=[Length(max=200, message=MAX)])
    frequency = SelectField(_l("Frequency"), choices=list(FREQUENCIES.items()))
    severity = SelectField(_l("Severity"), choices=list(SEVERITIES.items()), coerce=int)

    def service_fields(self):
        return dict(category=self.category.data, description=self.description.data, place=self.place.data,
                    frequency=self.frequency.data, severity=self.severity.data, priority_rank=self.priority_rank.data)


class PlanForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter the plan's title.")), Length(max=200, message=MAX)])
    diagnostic_id = SelectField(_l("Diagnostic"), coerce=_optional_int)
    start_date = DateField(_l("Start date"), validators=[DataRequired(_l("Enter the start date as YYYY-MM-DD.")), PlausibleDate()])
    end_date = DateField(_l("End date"), validators=[DataRequired(_l("Enter the end date as YYYY-MM-DD.")), PlausibleDate()])

    def service_fields(self):
        return dict(title=self.title.data, diagnostic_id=self.diagnostic_id.data, start_date=self.start_date.data,
                    end_date=self.end_date.data)


class PlanActionForm(FlaskForm):
    problem_id = SelectField(_l("Problem addressed"), coerce=_optional_int)
    activity = StringField(_l("Activity"), validators=[DataRequired(_l("Describe the activity.")), Length(max=2000, message=MAX)])
    responsible = StringField(_l("Responsible"), validators=[DataRequired(_l("Name who is responsible for the activity.")),
                                                            Length(max=200, message=MAX)])
    partners = StringField(_l("Partners"), validators=[Length(max=300, message=MAX)])
    start_date = DateField(_l("Start date"), validators=[DataRequired(_l("Enter the start date as YYYY-MM-DD.")), PlausibleDate()])
    end_date = DateField(_l("Due date (end)"), validators=[DataRequired(_l("Enter the end date as YYYY-MM-DD.")),
                                                           PlausibleDate()])
    budget = LocalDecimalField(_l("Budget (USD)"), places=2, default=0, validators=[
        InputRequired(_l("Enter the budget in US dollars (0 if none).")), NumberRange(min=0, message=NOT_NEGATIVE),
        PlausibleMoney()])
    status = SelectField(_l("Status"), choices=list(ACTION_STATUSES.items()))
    success_measure = StringField(_l("Measure of success"), validators=[Length(max=2000, message=MAX)])

    def service_fields(self):
        return dict(problem_id=self.problem_id.data, activity=self.activity.data, responsible=self.responsible.data,
                    partners=self.partners.data, start_date=self.start_date.data, end_date=self.end_date.data,
                    budget=self.budget.data, status=self.status.data, success_measure=self.success_measure.data)


class ReviewForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(_l("Enter the year.")),
                                               NumberRange(min=2000, max=2100, message=_l("Enter a year such as 2017."))])
    quarter = SelectField(_l("Quarter"), choices=[(1, "T1"), (2, "T2"), (3, "T3"), (4, "T4")], coerce=int)
    summary = TextAreaField(_l("Progress in the quarter"), validators=[
        DataRequired(_l("Summarise the progress made in the quarter.")), Length(max=10000, message=MAX)])


class QipForm(FlaskForm):
    name = StringField(_l("Project"), validators=[DataRequired(_l("Enter the project's name.")), Length(max=200, message=MAX)])
    implementer = StringField(_l("Implementer"), validators=[DataRequired(_l("Name the implementer.")),
                                                            Length(max=200, message=MAX)])
    budget = LocalDecimalField(_l("Budget (USD)"), places=2, validators=[
        InputRequired(_l("Enter the budget in US dollars.")), NumberRange(min=0, message=NOT_NEGATIVE), PlausibleMoney()])
    status = SelectField(_l("Status"), choices=list(QIP_STATUSES.items()))
    completed_on = DateField(_l("Completion date"), validators=[Optional(), PlausibleDate()])
    beneficiaries = IntegerField(_l("Beneficiaries"), default=0, validators=[
        InputRequired(_l("Enter the number of beneficiaries (0 if unknown).")), NumberRange(min=0, message=NOT_NEGATIVE),
        PlausibleCount(1_000_000)])

    def service_fields(self):
        return dict(name=self.name.data, implementer=self.implementer.data, budget=self.budget.data,
                    status=self.status.data, completed_on=self.completed_on.data, beneficiaries=self.beneficiaries.data)
