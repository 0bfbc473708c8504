"""Forms of the indicators pages. Targets and breakdowns have one input per period or category, read by the views
from the request (their names: the period key, or `part-<dimension>-<category>`)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from cpms.core.forms import LocalFloatField, MultiCheckboxField
from cpms.indicators.reference import (
    AGGREGATIONS,
    DIMENSIONS,
    DIRECTIONS,
    LEVELS,
    MONTHS,
    SOURCES,
    TARGET_CHECKS,
    UNITS,
)

MAX_CHARS = _l("At most %(max)d characters.")
UID = Regexp(r"^[A-Za-z][A-Za-z0-9]{10}$",
             message=_l("A DHIS2 identifier has 11 letters or digits and starts with a letter."))


def _choices(labels):
    return list(labels.items())


class CsrfForm(FlaskForm):
    """Only the CSRF token: for pages whose inputs the view reads itself."""


class SettingsForm(FlaskForm):
    fiscal_year_start_month = SelectField(_l("Fiscal year starts in"), coerce=int, choices=_choices(MONTHS))
    target_check = SelectField(_l("When period targets disagree"), choices=_choices(TARGET_CHECKS))
    dhis2_data_set = StringField(_l("DHIS2 data set (optional)"), validators=[Optional(), UID])
    dhis2_attribute_option_combo = StringField(_l("DHIS2 attribute option combo (optional)"),
                                               validators=[Optional(), UID])


class IndicatorForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter a code, e.g. TRN-1.")),
                                               Length(max=30, message=MAX_CHARS)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(_l("Enter the name in English.")),
                                                             Length(max=300, message=MAX_CHARS)])
    name_fr = StringField(_l("Name in French"), validators=[DataRequired(_l("Enter the name in French.")),
                                                            Length(max=300, message=MAX_CHARS)])
    definition = TextAreaField(_l("Definition and method"), validators=[Length(max=5000, message=MAX_CHARS)])
    unit = SelectField(_l("Unit"), choices=_choices(UNITS))
    direction = SelectField(_l("Direction"), choices=_choices(DIRECTIONS))
    aggregation = SelectField(_l("Over time"), choices=_choices(AGGREGATIONS))
    source = SelectField(_l("Source"), choices=_choices(SOURCES))
    computation = SelectField(_l("Computation (computed indicators)"), choices=[])
    computation_param = StringField(_l("Parameter of the computation"), validators=[Length(max=100, message=MAX_CHARS)])
    disaggregations = MultiCheckboxField(_l("Disaggregations"), coerce=str, choices=_choices(DIMENSIONS))
    is_active = BooleanField(_l("In use"), default=True)

    def service_fields(self):
        fields = {name: getattr(self, name).data for name in (
            "code", "name_en", "name_fr", "definition", "unit", "direction", "aggregation", "source",
            "computation_param", "is_active")}
        fields["computation"] = self.computation.data or None
        fields["disaggregations"] = self.disaggregations.data or []
        return fields


class NodeForm(FlaskForm):
    level = SelectField(_l("Level"), choices=_choices(LEVELS))
    parent_id = SelectField(_l("Under"), coerce=int, choices=[])
    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter a code, e.g. OC1.")),
                                               Length(max=20, message=MAX_CHARS)])
    title_en = StringField(_l("Title in English"), validators=[DataRequired(_l("Enter the title in English.")),
                                                               Length(max=300, message=MAX_CHARS)])
    title_fr = StringField(_l("Title in French"), validators=[DataRequired(_l("Enter the title in French.")),
                                                              Length(max=300, message=MAX_CHARS)])
    position = IntegerField(_l("Order"), default=0, validators=[Optional()])

    def service_fields(self):
        return dict(level=self.level.data, parent_id=self.parent_id.data or None, code=self.code.data,
                    title_en=self.title_en.data, title_fr=self.title_fr.data, position=self.position.data or 0)


class ProgrammeIndicatorForm(FlaskForm):
    node_id = SelectField(_l("Measures"), coerce=int, validators=[InputRequired(_l("Choose what the indicator measures."))])
    indicator_id = SelectField(_l("Indicator of the library"), coerce=int,
                               validators=[InputRequired(_l("Choose an indicator of the library."))])
    code = StringField(_l("Code in this framework"), validators=[Length(max=30, message=MAX_CHARS)])
    baseline_value = LocalFloatField(_l("Baseline value"), validators=[Optional()])
    baseline_date = DateField(_l("Baseline date"), validators=[Optional()])
    lop_target = LocalFloatField(_l("Life-of-programme target"), validators=[Optional()])
    position = IntegerField(_l("Order"), default=0, validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000, message=MAX_CHARS)])

    def service_fields(self):
        return {name: getattr(self, name).data for name in (
            "node_id", "indicator_id", "code", "baseline_value", "baseline_date", "lop_target", "position", "notes")}


class ValueForm(FlaskForm):
    period = SelectField(_l("Quarter"), choices=[])
    province_id = SelectField(_l("Province"), coerce=int, choices=[])
    commune_id = SelectField(_l("Commune"), coerce=int, choices=[])
    value = LocalFloatField(_l("Value"), validators=[InputRequired(_l("Enter the value."))])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=5000, message=MAX_CHARS)])
    evidence_url = StringField(_l("Link to the evidence"), validators=[Length(max=500, message=MAX_CHARS)])
    evidence_file = FileField(_l("Evidence file"))


class ReviewForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[("approve", _l("Approve")), ("reject", _l("Reject"))])
    note = TextAreaField(_l("Note (needed to reject)"), validators=[Length(max=2000, message=MAX_CHARS)])


class LockForm(FlaskForm):
    period = SelectField(_l("Period to lock"), choices=[])
    note = StringField(_l("Note"), validators=[Length(max=500, message=MAX_CHARS)])


class UnlockForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(_l("Say why the period is unlocked.")),
                                                   Length(max=300, message=MAX_CHARS)])


class DataElementForm(FlaskForm):
    indicator_id = SelectField(_l("Indicator"), coerce=int, choices=[])
    data_element = StringField(_l("Data element (empty to remove)"), validators=[Optional(), UID])
    disaggregation = SelectField(_l("Its category combo"), choices=[])
    category_option_combo = StringField(_l("Category option combo of the total (empty: default)"),
                                        validators=[Optional(), UID])


class ComboForm(FlaskForm):
    category = SelectField(_l("Category"), choices=[])
    category_option_combo = StringField(_l("Category option combo (empty to remove)"), validators=[Optional(), UID])


class OrgUnitForm(FlaskForm):
    area = SelectField(_l("Area"), choices=[])
    org_unit = StringField(_l("Organisation unit (empty to remove)"), validators=[Optional(), UID])


class NarrativeForm(FlaskForm):
    """The narrative of an outcome for a reporting period (cpms/indicators/service/narratives.py)."""
    text = TextAreaField(_l("Narrative"), validators=[Length(max=5000, message=MAX_CHARS)])
