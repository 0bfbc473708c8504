from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from cpms.core.bounds import PlausibleDate
from cpms.core.forms import MultiCheckboxField
from cpms.deployments.labels import COACH_TYPE_LABELS, END_REASON_LABELS

MAX = _l("At most %(max)d characters.")
NONE = (0, "—")


class PlaceMixin:
    station_id = SelectField(_l("Station"), coerce=int, default=0)
    commune_id = SelectField(_l("Commune"), coerce=int, default=0)

    def set_place_choices(self, stations, communes):
        self.station_id.choices = [NONE] + list(stations)
        self.commune_id.choices = [NONE] + list(communes)

    def place_fields(self):
        return {"station_id": self.station_id.data or None, "commune_id": self.commune_id.data or None}


class PostingForm(PlaceMixin, FlaskForm):
    function = StringField(_l("Function"), validators=[
        DataRequired(_l("Enter the officer's function in this posting, e.g. patrol officer.")),
        Length(max=120, message=MAX)])
    start_date = DateField(_l("Start date"), validators=[DataRequired(_l("Enter the start date as YYYY-MM-DD.")),
                                                         PlausibleDate()])
    end_date = DateField(_l("End date (last day served)"), validators=[Optional(), PlausibleDate()])
    end_reason = SelectField(_l("Reason for leaving"), choices=[("", "—")] + list(END_REASON_LABELS.items()), default="")
    end_note = StringField(_l("Note on the end of the posting"), validators=[Length(max=300, message=MAX)])

    def service_fields(self):
        return dict(self.place_fields(), function=self.function.data, start_date=self.start_date.data,
                    end_date=self.end_date.data, end_reason=self.end_reason.data or None, end_note=self.end_note.data)


class BulkPostingForm(PlaceMixin, FlaskForm):
    function = StringField(_l("Function"), validators=[
        DataRequired(_l("Enter the officer's function in this posting, e.g. patrol officer.")),
        Length(max=120, message=MAX)])
    start_date = DateField(_l("Start date"), validators=[DataRequired(_l("Enter the start date as YYYY-MM-DD.")),
                                                         PlausibleDate()])
    trainee_ids = MultiCheckboxField(_l("Graduates to post"))

    def service_fields(self):
        return dict(self.place_fields(), function=self.function.data, start_date=self.start_date.data)


class ActionRowForm(Form):
    id = HiddenField()
    description = StringField(_l("Follow-up action"), validators=[Length(max=500, message=MAX)])
    responsible = StringField(_l("Responsible"), validators=[Length(max=200, message=MAX)])
    due_date = DateField(_l("Due date"), validators=[Optional(), PlausibleDate()])
    is_done = BooleanField(_l("Done"))
    remove = BooleanField(_l("Remove"))


class VisitForm(PlaceMixin, FlaskForm):
    visit_date = DateField(_l("Date of the visit"), validators=[DataRequired(_l("Enter the date of the visit as YYYY-MM-DD.")),
                                                                 PlausibleDate()])
    coach_name = StringField(_l("Coach's name"), validators=[DataRequired(_l("Enter the coach's name.")),
                                                              Length(max=200, message=MAX)])
    coach_type = SelectField(_l("Coach"), choices=list(COACH_TYPE_LABELS.items()))
    coach_organisation = StringField(_l("Organisation"), validators=[Length(max=200, message=MAX)])
    matricules = TextAreaField(_l("Officers seen (matricules, one per line or separated by commas)"),
                               validators=[Length(max=20000, message=MAX)])
    observations = TextAreaField(_l("Observations"), validators=[Length(max=20000, message=MAX)])
    actions = FieldList(FormField(ActionRowForm), min_entries=1)

    def service_fields(self):
        from cpms.deployments.service.coaching import split_matricules
        rows = [{"id": int(row.form.id.data) if (row.form.id.data or "").isdigit() else None,
                 "description": row.form.description.data, "responsible": row.form.responsible.data,
                 "due_date": row.form.due_date.data, "is_done": row.form.is_done.data, "remove": row.form.remove.data}
                for row in self.actions]
        return dict(self.place_fields(), visit_date=self.visit_date.data, coach_name=self.coach_name.data,
                    coach_type=self.coach_type.data, coach_organisation=self.coach_organisation.data,
                    observations=self.observations.data, matricules=split_matricules(self.matricules.data),
                    actions=rows)
