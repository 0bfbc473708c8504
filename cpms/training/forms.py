from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from cpms.core.bounds import PEOPLE_IN_COHORT, PlausibleDate
from cpms.core.forms import MultiCheckboxField
from cpms.core.labels import SEX_LABELS

MAX = _l("At most %(max)d characters.")

SPECIALTY_LABELS = {"community": _l("Community policing"), "mining": _l("Mining police"), "border": _l("Border police"),
                    "riverine": _l("Riverine police"), "child_protection": _l("Child protection"),
                    "sgbv": _l("Counter-SGBV unit"), "other": _l("Other")}
COURSE_TYPE_LABELS = {"basic": _l("Basic community policing"), "commanders": _l("Commanders' course"),
                      "mining": _l("Mining policing"), "border": _l("Border policing"), "tot": _l("Training of trainers"),
                      "refresher": _l("Refresher")}
COHORT_STATUS_LABELS = {"planned": _l("Planned"), "running": _l("Running"), "completed": _l("Completed"),
                        "cancelled": _l("Cancelled")}
COHORT_PHASE_LABELS = {"planned": _l("Planned"), "running": _l("Running"), "ended": _l("Ended"),
                       "closed": _l("Closed"), "cancelled": _l("Cancelled")}
REGISTER_STATE_LABELS = {"planned": _l("Not held yet"), "today": _l("Today"), "not_taken": _l("Not taken"), "partly": _l("Partly taken"),
                         "taken": _l("Taken")}
VETTING_STATUS_LABELS = {"pending": _l("Pending"), "approved": _l("Approved"), "denied": _l("Denied"),
                         "expired": _l("Expired")}
ATTENDANCE_LABELS = {"present": _l("Present"), "late": _l("Late"), "excused": _l("Excused"), "absent": _l("Absent")}
WEEKDAY_CHOICES = [(0, _l("Monday")), (1, _l("Tuesday")), (2, _l("Wednesday")), (3, _l("Thursday")),
                   (4, _l("Friday")), (5, _l("Saturday")), (6, _l("Sunday"))]


class TraineeForm(FlaskForm):
    matricule = StringField(_l("Service number (matricule)"), validators=[DataRequired(_l("Enter the service number (matricule).")), Length(max=30, message=MAX)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(_l("Enter the last name.")), Length(max=80, message=MAX)])
    post_name = StringField(_l("Post-name"), validators=[Length(max=80, message=MAX)])
    first_name = StringField(_l("First name"), validators=[Length(max=80, message=MAX)])
    sex = SelectField(_l("Sex"), choices=list(SEX_LABELS.items()))
    birth_date = DateField(_l("Date of birth"), validators=[Optional()])
    rank_id = SelectField(_l("Rank"), coerce=int)
    specialty = SelectField(_l("Unit / specialty"), choices=list(SPECIALTY_LABELS.items()))
    unit = StringField(_l("Unit"), validators=[Length(max=120, message=MAX)])
    commune_id = SelectField(_l("Commune of the home station"), coerce=int)
    phone = StringField(_l("Phone (optional)"), validators=[Length(max=30, message=MAX)])
    consent = BooleanField(_l("The officer agreed to the processing of their data for this programme"))

    def service_fields(self):
        return {name: getattr(self, name).data for name in (
            "matricule", "last_name", "post_name", "first_name", "sex", "birth_date", "rank_id", "specialty",
            "unit", "commune_id", "phone", "consent")}


class VettingForm(FlaskForm):
    submitted_on = DateField(_l("Submitted on"), validators=[DataRequired(_l("Enter the submission date as YYYY-MM-DD."))])
    batch_reference = StringField(_l("Batch reference"), validators=[Length(max=60, message=MAX)])
    status = SelectField(_l("Status"), choices=list(VETTING_STATUS_LABELS.items()))
    decided_on = DateField(_l("Decision date"), validators=[Optional()])
    expires_on = DateField(_l("Expires on"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000, message=MAX)])


class CourseForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter a course code.")), Length(max=30, message=MAX)])
    title_fr = StringField(_l("Title in French"), validators=[DataRequired(_l("Enter the French title.")), Length(max=200, message=MAX)])
    title_en = StringField(_l("Title in English"), validators=[DataRequired(_l("Enter the English title.")), Length(max=200, message=MAX)])
    course_type = SelectField(_l("Type"), choices=list(COURSE_TYPE_LABELS.items()))
    duration_days = IntegerField(_l("Duration (days)"), validators=[NumberRange(min=0, max=400, message=_l("Enter a number between %(min)s and %(max)s."))], default=0)
    hours = IntegerField(_l("Hours"), validators=[NumberRange(min=0, max=2000, message=_l("Enter a number between %(min)s and %(max)s."))], default=0)
    topics = TextAreaField(_l("Modules and topics (one per line)"), validators=[Length(max=5000, message=MAX)])
    attendance_threshold = IntegerField(_l("Attendance required for completion (%)"), default=80,
                                        validators=[NumberRange(min=0, max=100, message=_l("Enter a number between %(min)s and %(max)s."))])
    pass_mark = IntegerField(_l("Pass mark (%)"), default=50,
                             validators=[NumberRange(min=0, max=100, message=_l("Enter a number between %(min)s and %(max)s."))])
    issues_certificate = BooleanField(_l("A certificate is issued"), default=True)


class CohortForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name for the cohort.")), Length(max=200, message=MAX)])
    course_id = SelectField(_l("Course"), coerce=int)
    programme_id = SelectField(_l("Programme"), coerce=int)
    training_centre = StringField(_l("Training centre"), validators=[Length(max=200, message=MAX)])
    commune_id = SelectField(_l("Commune"), coerce=int)
    start_date = DateField(_l("Start date"), validators=[DataRequired(_l("Enter the start date as YYYY-MM-DD.")), PlausibleDate()])
    end_date = DateField(_l("End date"), validators=[DataRequired(_l("Enter the end date as YYYY-MM-DD.")), PlausibleDate()])
    capacity = IntegerField(_l("Capacity"), default=50, validators=[NumberRange(min=1, max=PEOPLE_IN_COHORT, message=_l("Enter a number between %(min)s and %(max)s."))])
    cancelled = BooleanField(_l("Cancelled (the cohort will not take place)"))
    trainer_ids = MultiCheckboxField(_l("Trainers"))

    def service_fields(self):
        return {name: getattr(self, name).data for name in (
            "name", "course_id", "programme_id", "training_centre", "commune_id", "start_date", "end_date",
            "capacity", "trainer_ids")} | {"status": "cancelled" if self.cancelled.data else None}


class EnrolForm(FlaskForm):
    enrolled_on = DateField(_l("Enrolled on"), validators=[Optional(), PlausibleDate()])


class CloseCohortForm(FlaskForm):
    pass


class WithdrawForm(FlaskForm):
    withdrawn_on = DateField(_l("Withdrawn on"), validators=[DataRequired(_l("Enter the date as YYYY-MM-DD.")), PlausibleDate()])
    reason = StringField(_l("Reason"), validators=[DataRequired(_l("Give the reason for the withdrawal.")), Length(max=300, message=MAX)])


class ScheduleForm(FlaskForm):
    weekdays = MultiCheckboxField(_l("Weekdays"), choices=WEEKDAY_CHOICES, default=[0, 1, 2, 3, 4])
    start_time = TimeField(_l("Start time"), validators=[DataRequired(_l("Enter the start time as HH:MM."))])
    end_time = TimeField(_l("End time"), validators=[DataRequired(_l("Enter the end time as HH:MM."))])
    holidays = TextAreaField(_l("Holidays to skip (one date YYYY-MM-DD per line)"), validators=[Length(max=5000, message=MAX)])
    topics = TextAreaField(_l("Topics in order (one per line, repeated)"), validators=[Length(max=5000, message=MAX)])


class VettingBatchForm(FlaskForm):
    batch_reference = StringField(_l("Batch reference"), validators=[DataRequired(_l("Enter the batch reference.")),
                                                                     Length(max=60, message=MAX)])
    submitted_on = DateField(_l("Submitted on"), validators=[DataRequired(_l("Enter the submission date as YYYY-MM-DD."))])
    cohort_id = SelectField(_l("Trainees of the cohort"), coerce=int)
    commune_id = SelectField(_l("Commune of the home station"), coerce=int)
    specialty = SelectField(_l("Unit / specialty"), choices=[("", "—")] + list(SPECIALTY_LABELS.items()))
    matricules = TextAreaField(_l("Matricules (one per line, or separated by commas)"),
                               validators=[Length(max=50000, message=MAX)])
