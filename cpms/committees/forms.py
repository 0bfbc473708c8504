from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from cpms.committees.models import (
    ACTION_STATUSES,
    COMMITTEE_KINDS,
    COMMITTEE_STATUSES,
    MEETING_KINDS,
    MEETING_STATUSES,
    MEMBER_CATEGORIES,
    MEMBER_ROLES,
    PROBLEM_CATEGORIES,
)
from cpms.core.bounds import PEOPLE_AT_MEETING, PlausibleCount, PlausibleDate
from cpms.core.drafts import DraftFields
from cpms.core.forms import MultiCheckboxField
from cpms.core.labels import SEX_LABELS
from cpms.geo.time import to_utc

MAX = _l("At most %(max)d characters.")


def _choices(labels):
    return [(key, label) for key, label in labels.items()]


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class CommitteeForm(FlaskForm):
    kind = SelectField(_l("Type"), choices=_choices(COMMITTEE_KINDS))
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the committee's name.")), Length(max=200, message=MAX)])
    commune_id = SelectField(_l("Commune"), coerce=_optional_int)
    quartier_id = SelectField(_l("Quartier (for a forum)"), coerce=_optional_int)
    parent_id = SelectField(_l("Feeds the CLSP"), coerce=_optional_int)
    programme_id = SelectField(_l("Programme"), coerce=_optional_int)
    established_on = DateField(_l("Date established"),
                               validators=[DataRequired(_l("Enter the date established as YYYY-MM-DD.")),
                                           PlausibleDate()])
    status = SelectField(_l("Status"), choices=_choices(COMMITTEE_STATUSES))

    def service_fields(self):
        return dict(kind=self.kind.data, name=self.name.data, commune_id=self.commune_id.data,
                    quartier_id=self.quartier_id.data, parent_id=self.parent_id.data,
                    programme_id=self.programme_id.data, established_on=self.established_on.data,
                    status=self.status.data)


class MemberForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the member's name.")), Length(max=200, message=MAX)])
    sex = SelectField(_l("Sex"), choices=_choices(SEX_LABELS))
    category = SelectField(_l("Category"), choices=_choices(MEMBER_CATEGORIES))
    role = SelectField(_l("Role"), choices=_choices(MEMBER_ROLES), default="member")
    phone = StringField(_l("Phone (optional)"), validators=[Length(max=40, message=MAX)])
    email = EmailField(_l("E-mail (optional)"), validators=[Optional(), Email(_l("Enter a valid e-mail address.")),
                                                            Length(max=254, message=MAX)])
    start_date = DateField(_l("Member since"), validators=[DataRequired(_l("Enter the start date as YYYY-MM-DD.")),
                                                           PlausibleDate()])
    end_date = DateField(_l("Member until"), validators=[Optional(), PlausibleDate()])

    def service_fields(self):
        return dict(name=self.name.data, sex=self.sex.data, category=self.category.data, role=self.role.data,
                    phone=self.phone.data, email=self.email.data, start_date=self.start_date.data,
                    end_date=self.end_date.data)


class MeetingForm(DraftFields, FlaskForm):
    """The date and time are the committee's local time (its province's zone); `service_fields` gives UTC.
    A project officer may fill it offline (cpms/core/drafts.py): VERSIONED are the fields its version covers."""

    VERSIONED = ("starts_at", "place", "kind", "status", "present", "guests_women", "guests_men", "agenda",
                 "minutes", "decisions")

    starts_at = DateTimeLocalField(_l("Date and time (local time)"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                   validators=[DataRequired(_l("Enter the date and time as YYYY-MM-DD HH:MM.")),
                                               PlausibleDate()])
    place = StringField(_l("Place"), validators=[Length(max=200, message=MAX)])
    kind = SelectField(_l("Type"), choices=_choices(MEETING_KINDS))
    status = SelectField(_l("Status"), choices=_choices(MEETING_STATUSES))
    present = MultiCheckboxField(_l("Roll call: members present"))
    guests_women = IntegerField(_l("Guests: women"), default=0, validators=[
        InputRequired(_l("Enter a number (0 if none).")), PlausibleCount(PEOPLE_AT_MEETING)])
    guests_men = IntegerField(_l("Guests: men"), default=0, validators=[
        InputRequired(_l("Enter a number (0 if none).")), PlausibleCount(PEOPLE_AT_MEETING)])
    agenda = TextAreaField(_l("Agenda"), validators=[Length(max=10000, message=MAX)])
    minutes = TextAreaField(_l("Minutes"), validators=[Length(max=50000, message=MAX)])
    decisions = TextAreaField(_l("Decisions"), validators=[Length(max=10000, message=MAX)])

    def service_fields(self, committee):
        return dict(starts_at=to_utc(self.starts_at.data, committee), place=self.place.data,
                    kind=self.kind.data, status=self.status.data, guests_women=self.guests_women.data,
                    guests_men=self.guests_men.data, agenda=self.agenda.data, minutes=self.minutes.data,
                    decisions=self.decisions.data, present_member_ids=self.present.data,
                    offline_key=self.draft_key)


class SecurityIssueForm(FlaskForm):
    """Shown beside the action item form on the meeting page: field names differ so that ids stay unique."""

    issue_category = SelectField(_l("Category"), choices=_choices(PROBLEM_CATEGORIES))
    issue_description = StringField(_l("Issue raised"), validators=[DataRequired(_l("Describe the security issue.")),
                                                              Length(max=2000, message=MAX)])


class ActionItemForm(FlaskForm):
    description = StringField(_l("Action"), validators=[DataRequired(_l("Describe the action to take.")),
                                                        Length(max=2000, message=MAX)])
    responsible_member_id = SelectField(_l("Responsible member"), coerce=_optional_int)
    responsible_organisation = StringField(_l("or responsible organisation"), validators=[Length(max=200, message=MAX)])
    due_date = DateField(_l("Due date"), validators=[DataRequired(_l("Enter the due date as YYYY-MM-DD.")),
                                                     PlausibleDate()])

    def service_fields(self):
        return dict(description=self.description.data, responsible_member_id=self.responsible_member_id.data,
                    responsible_organisation=self.responsible_organisation.data, due_date=self.due_date.data)


class ActionStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=_choices(ACTION_STATUSES))
    closing_note = TextAreaField(_l("Note on what was done"), validators=[Length(max=5000, message=MAX)])
