from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from cpms.core.forms import MultiCheckboxField
from cpms.surveys.service import MEASURE_KIND_LABELS, ROUND_KIND_LABELS


class InstrumentForm(FlaskForm):
    file = FileField(_l("XLSForm (.xlsx)"), validators=[FileRequired(_l("Choose the XLSForm file to upload."))])
    name = StringField(_l("Name"), validators=[Length(max=200, message=_l("At most %(max)d characters."))])


class KeepForm(FlaskForm):
    questions = MultiCheckboxField(_l("Questions whose answers are stored"))
    reason = StringField(_l("Why these answers must be stored"),
                         validators=[Length(max=500, message=_l("At most %(max)d characters."))])


class MeasureForm(FlaskForm):
    question_id = SelectField(_l("Question"), coerce=int)
    kind = SelectField(_l("Kind"), choices=list(MEASURE_KIND_LABELS.items()))
    name_en = StringField(_l("Name in English"), validators=[DataRequired(_l("Enter the measure's name in English.")),
                                                             Length(max=200, message=_l("At most %(max)d characters."))])
    name_fr = StringField(_l("Name in French"), validators=[DataRequired(_l("Enter the measure's name in French.")),
                                                            Length(max=200, message=_l("At most %(max)d characters."))])
    values = MultiCheckboxField(_l("Answers that count"))  # choice ids, picked among the questionnaire's lists
    excluded_values = MultiCheckboxField(_l("Answers that are not valid (e.g. don't know)"))
    direction = SelectField(_l("Direction"), choices=[("higher", _l("Higher is better")),
                                                      ("lower", _l("Higher is worse"))])

    def set_choices(self, questions, lists, locale):
        """The questions whose answers are stored, and every choice of their lists, named with their question."""
        self.question_id.choices = [(q.id, f"{q.name} – {q.label(locale)}") for q in questions]
        asked = {}
        for q in questions:
            asked.setdefault(q.list_name, []).append(q.name)
        options = [(c.id, f"{', '.join(asked[name])}: {c.label(locale)} ({c.name})")
                   for name, items in lists.items() if name in asked for c in items]
        self.values.choices = self.excluded_values.choices = options
        self.choice_names = {c.id: c.name for items in lists.values() for c in items}

    def service_fields(self):
        return dict(question_id=self.question_id.data, kind=self.kind.data, name_en=self.name_en.data,
                    name_fr=self.name_fr.data, values=[self.choice_names[i] for i in self.values.data or []],
                    excluded_values=[self.choice_names[i] for i in self.excluded_values.data or []],
                    higher_is_better=self.direction.data == "higher")


class RoundForm(FlaskForm):
    instrument_id = SelectField(_l("Questionnaire"), coerce=int)
    programme_id = SelectField(_l("Programme"), coerce=int)
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name for the round.")),
                                               Length(max=200, message=_l("At most %(max)d characters."))])
    kind = SelectField(_l("Kind"), choices=list(ROUND_KIND_LABELS.items()))
    start_date = DateField(_l("Start date"), validators=[DataRequired(_l("Enter the start date as YYYY-MM-DD."))])
    end_date = DateField(_l("End date"), validators=[Optional()])
    communes = MultiCheckboxField(_l("Communes surveyed"))
    sampling_notes = TextAreaField(_l("Sampling notes"), validators=[Length(max=5000)])
    weight_column = StringField(_l("Weight column (optional)"), validators=[Length(max=100)])
    sex_question = SelectField(_l("Question giving the sex"))
    age_question = SelectField(_l("Question giving the age or age group"))
    commune_question = SelectField(_l("Question giving the commune"))

    def service_fields(self):
        return dict(instrument_id=self.instrument_id.data, programme_id=self.programme_id.data, name=self.name.data,
                    kind=self.kind.data, start_date=self.start_date.data, end_date=self.end_date.data,
                    sampling_notes=self.sampling_notes.data, commune_ids=self.communes.data,
                    weight_column=self.weight_column.data, sex_question=self.sex_question.data,
                    age_question=self.age_question.data, commune_question=self.commune_question.data)


class ImportForm(FlaskForm):
    file = FileField(_l("Export file (CSV or XLSX)"), validators=[FileRequired(_l("Choose the export file to upload."))])
    include_not_approved = BooleanField(_l("Also import the rows marked \"not approved\" (KoBoToolbox) or rejected "
                                           "(ODK Central)"))


class ConfirmForm(FlaskForm):
    pass
