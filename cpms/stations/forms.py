from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from cpms.core.bounds import PlausibleDate, PlausibleMoney
from cpms.core.drafts import DraftFields
from cpms.core.forms import DegreesField, LocalDecimalField, MultiCheckboxField
from cpms.stations.labels import (
    CHECKLIST_LABELS,
    PROJECT_KIND_LABELS,
    STATION_KIND_LABELS,
    STATION_STATUS_LABELS,
    UNIT_LABELS,
)
from cpms.stations.reference import CHECKLIST_ITEMS, CURRENCIES

MAX_CHARS = _l("At most %(max)d characters.")


def _choices(labels):
    return [(code, label) for code, label in labels.items()]


class StationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the station's name.")),
                                               Length(max=150, message=MAX_CHARS)])
    kind = SelectField(_l("Type"), choices=_choices(STATION_KIND_LABELS))
    commune_id = SelectField(_l("Commune"), coerce=int, validators=[InputRequired(_l("Choose the commune of the station."))])
    latitude = DegreesField(_l("Latitude"), validators=[Optional()])
    longitude = DegreesField(_l("Longitude"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=_choices(STATION_STATUS_LABELS))
    specialised_units = MultiCheckboxField(_l("Specialised units present"), coerce=str, choices=_choices(UNIT_LABELS))
    staff_count = IntegerField(_l("Staff count"), validators=[Optional(), NumberRange(
        min=0, max=5_000, message=_l("The staff count must be a whole number between 0 and %(max)s."))])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000, message=MAX_CHARS)])

    def service_fields(self):
        return dict(name=self.name.data, kind=self.kind.data, commune_id=self.commune_id.data,
                    latitude=self.latitude.data, longitude=self.longitude.data, status=self.status.data,
                    specialised_units=self.specialised_units.data or [], staff_count=self.staff_count.data,
                    notes=self.notes.data)


class ProjectForm(FlaskForm):
    station_id = SelectField(_l("Station"), coerce=int,
                             validators=[InputRequired(_l("Choose the station being built or rehabilitated."))])
    programme_id = SelectField(_l("Programme"), coerce=int,
                               validators=[InputRequired(_l("Choose the programme that funds the project."))])
    kind = SelectField(_l("Kind of work"), choices=_choices(PROJECT_KIND_LABELS))
    contractor = StringField(_l("Contractor"), validators=[Length(max=200, message=MAX_CHARS)])
    contract_amount = LocalDecimalField(_l("Contract amount"), places=2, validators=[Optional(), NumberRange(
        min=0.01, message=_l("The contract amount must be greater than zero (leave it empty if not known yet).")),
        PlausibleMoney()])
    currency = SelectField(_l("Currency"), choices=[(c, c) for c in CURRENCIES])
    start_date = DateField(_l("Start date"), validators=[DataRequired(_l("Enter the start date as YYYY-MM-DD.")),
                                                         PlausibleDate()])
    planned_completion_date = DateField(_l("Planned completion"), validators=[
        DataRequired(_l("Enter the planned completion date as YYYY-MM-DD.")), PlausibleDate()])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000, message=MAX_CHARS)])

    def service_fields(self):
        return {name: getattr(self, name).data for name in (
            "station_id", "programme_id", "kind", "contractor", "contract_amount", "currency", "start_date",
            "planned_completion_date", "description")}


class MilestoneRowForm(Form):
    id = HiddenField()
    name = StringField(_l("Milestone"), validators=[Length(max=120, message=MAX_CHARS)])
    weight = IntegerField(_l("Weight"), validators=[Optional(), NumberRange(min=0, message=_l(
        "The weight must be zero or more."))])
    is_required = BooleanField(_l("Required for the final acceptance"))
    planned_date = DateField(_l("Planned date"), validators=[Optional(), PlausibleDate()])
    actual_date = DateField(_l("Actual date"), validators=[Optional(), PlausibleDate()])
    remove = BooleanField(_l("Remove"))


class MilestonesForm(FlaskForm):
    rows = FieldList(FormField(MilestoneRowForm), min_entries=1)

    def service_rows(self):
        return [{"id": int(row.form.id.data) if (row.form.id.data or "").isdigit() else None,
                 "name": row.form.name.data, "weight": row.form.weight.data, "is_required": row.form.is_required.data,
                 "planned_date": row.form.planned_date.data, "actual_date": row.form.actual_date.data,
                 "remove": row.form.remove.data} for row in self.rows]


class TemplateRowForm(Form):
    id = HiddenField()
    name = StringField(_l("Milestone"), validators=[Length(max=120, message=MAX_CHARS)])
    weight = IntegerField(_l("Weight"), validators=[Optional(), NumberRange(min=0, message=_l(
        "The weight must be zero or more."))])
    is_required = BooleanField(_l("Required for the final acceptance"))
    remove = BooleanField(_l("Remove"))


class TemplateForm(FlaskForm):
    rows = FieldList(FormField(TemplateRowForm), min_entries=1)

    def service_rows(self):
        return [{"id": int(row.form.id.data) if (row.form.id.data or "").isdigit() else None,
                 "name": row.form.name.data, "weight": row.form.weight.data, "is_required": row.form.is_required.data,
                "remove": row.form.remove.data}
                for row in self.rows]


class ReportForm(DraftFields, FlaskForm):
    """Also filled offline on a phone (cpms/core/drafts.py): a new report, so only its draft key matters."""

    report_date = DateField(_l("Date of the visit"), validators=[DataRequired(_l("Enter the report date as YYYY-MM-DD.")),
                                                                 PlausibleDate()])
    physical_progress = IntegerField(_l("Physical progress (%)"), validators=[
        InputRequired(_l("Enter the physical progress as a whole number from 0 to 100.")),
        NumberRange(min=0, max=100, message=_l("Enter the physical progress as a whole number from 0 to 100."))])
    narrative = TextAreaField(_l("What was done"), validators=[Length(max=10000, message=MAX_CHARS)])
    problems = TextAreaField(_l("Problems (and why, if progress went back)"), validators=[Length(max=10000, message=MAX_CHARS)])
    photos = MultipleFileField(_l("Photos (JPEG or PNG)"))
    keep_gps = BooleanField(_l("Keep the GPS position recorded in the photos"))

    def service_fields(self):
        return dict(report_date=self.report_date.data, physical_progress=self.physical_progress.data,
                    narrative=self.narrative.data, problems=self.problems.data, uploads=self.photos.data or [],
                    keep_gps=self.keep_gps.data, offline_key=self.draft_key)


class ExpenditureForm(FlaskForm):
    spent_on = DateField(_l("Date"), validators=[DataRequired(_l("Enter the date as YYYY-MM-DD.")), PlausibleDate()])
    amount = LocalDecimalField(_l("Amount"), places=2, validators=[
        InputRequired(_l("Enter an amount greater than zero.")),
        NumberRange(min=0.01, message=_l("Enter an amount greater than zero.")), PlausibleMoney()])
    description = StringField(_l("Spent on"), validators=[DataRequired(_l("Say what the money was spent on.")),
                                                         Length(max=300, message=MAX_CHARS)])

    def service_fields(self):
        return dict(spent_on=self.spent_on.data, amount=self.amount.data, description=self.description.data)


class ChecklistForm(FlaskForm):
    cells_men = BooleanField(CHECKLIST_LABELS["cells_men"])
    cells_women = BooleanField(CHECKLIST_LABELS["cells_women"])
    cells_minors = BooleanField(CHECKLIST_LABELS["cells_minors"])
    separate_sanitation = BooleanField(CHECKLIST_LABELS["separate_sanitation"])
    reception_desk = BooleanField(CHECKLIST_LABELS["reception_desk"])
    accessibility = BooleanField(CHECKLIST_LABELS["accessibility"])
    checked_on = DateField(_l("Date of the check"), validators=[Optional(), PlausibleDate()])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000, message=MAX_CHARS)])

    def service_fields(self):
        fields = {item: getattr(self, item).data for item in CHECKLIST_ITEMS}
        return dict(checked_on=self.checked_on.data, notes=self.notes.data, **fields)


class HandoverForm(FlaskForm):
    handover_date = DateField(_l("Handover date"), validators=[
        DataRequired(_l("Enter the handover date as YYYY-MM-DD.")), PlausibleDate()])
    police_representative = StringField(_l("Police representative (name and rank)"), validators=[
        DataRequired(_l("Enter the name and rank of the police representative who received the building.")),
        Length(max=200, message=MAX_CHARS)])
    defects = TextAreaField(_l("Defects to correct"), validators=[Length(max=10000, message=MAX_CHARS)])
    is_final_acceptance = BooleanField(_l("Final acceptance: the police accept the building as finished"))
    override_reason = TextAreaField(_l("Reason for accepting with required milestones not reached "
                                       "(administrators only)"), validators=[Length(max=5000, message=MAX_CHARS)])

    def service_fields(self):
        return dict(handover_date=self.handover_date.data, police_representative=self.police_representative.data,
                    defects=self.defects.data, is_final_acceptance=self.is_final_acceptance.data,
                    override_reason=self.override_reason.data)
