from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from cpms.complaints.models import (
    AGE_GROUPS,
    CATEGORIES,
    CHANNELS,
    CONCERNS,
    CONTACT_CHANNELS,
    SATISFACTION,
    SEXES,
)
from cpms.core.bounds import PlausibleDate

MAX = _l("At most %(max)d characters.")
MAX_ACCOUNT = 5000


def _choices(labels):
    return list(labels.items())


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class PublicComplaintForm(FlaskForm):
    category = SelectField(_l("What is it about?"), choices=_choices(CATEGORIES))
    commune_id = SelectField(_l("Commune"), coerce=_optional_int)
    quartier = StringField(_l("Quartier"), validators=[Optional(), Length(max=120, message=MAX)])
    event_date = DateField(_l("Date of the event"), validators=[Optional(), PlausibleDate()])
    concerns = SelectField(_l("Who or what does it concern?"), choices=_choices(CONCERNS))
    concerns_detail = StringField(_l("Name of the station, activity or committee"),
                                  validators=[Optional(), Length(max=200, message=MAX)])
    account = TextAreaField(_l("In your own words"),
                            validators=[DataRequired(_l("Tell us what happened or what you want to say.")),
                                        Length(max=MAX_ACCOUNT, message=MAX)])
    contact = StringField(_l("How can we reach you? (optional)"), validators=[Optional(), Length(max=200, message=MAX)])
    preferred_channel = SelectField(_l("Preferred way to answer you"), choices=_choices(CONTACT_CHANNELS))
    sex = SelectField(_l("Sex (optional)"), choices=_choices(SEXES))
    age_group = SelectField(_l("Age group (optional)"), choices=_choices(AGE_GROUPS))
    # the honeypot: hidden from people, filled by robots
    website = StringField(_l("Leave this field empty"))

    def service_fields(self):
        return dict(category=self.category.data, commune_id=self.commune_id.data, quartier=self.quartier.data,
                    event_date=self.event_date.data, concerns=self.concerns.data,
                    concerns_detail=self.concerns_detail.data, account=self.account.data,
                    contact=self.contact.data, preferred_channel=self.preferred_channel.data,
                    sex=self.sex.data, age_group=self.age_group.data)


class StaffComplaintForm(PublicComplaintForm):
    channel = SelectField(_l("Received through"), choices=[(k, v) for k, v in CHANNELS.items() if k != "web"])
    meeting_id = SelectField(_l("Meeting (when raised at a CLSP meeting or forum)"), coerce=_optional_int)
    concerns_station_id = SelectField(_l("Police station concerned"), coerce=_optional_int)
    concerns_committee_id = SelectField(_l("Committee concerned"), coerce=_optional_int)

    def service_fields(self):
        return dict(super().service_fields(), channel=self.channel.data, meeting_id=self.meeting_id.data,
                    concerns_station_id=self.concerns_station_id.data,
                    concerns_committee_id=self.concerns_committee_id.data)


class StatusForm(FlaskForm):
    class Meta:
        csrf = False  # a GET lookup

    code = StringField(_l("Receipt code"), validators=[DataRequired(_l("Type the code you received.")),
                                                      Length(max=20, message=MAX)])


class OpenSensitiveForm(FlaskForm):
    reason = StringField(_l("Why are you opening this case?"),
                         validators=[DataRequired(_l("Give the reason for opening this case.")),
                                     Length(max=300, message=MAX)])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Answer given to the person"),
                           validators=[DataRequired(_l("Write the answer given to the person.")),
                                       Length(max=MAX_ACCOUNT, message=MAX)])


class ReferralForm(FlaskForm):
    referred_to = StringField(_l("Referred to"), validators=[DataRequired(_l("Name the service it is referred to.")),
                                                             Length(max=200, message=MAX)])
    referred_on = DateField(_l("Date of referral"), validators=[DataRequired(_l("Enter the date as YYYY-MM-DD.")),
                                                                PlausibleDate()])
    consent = BooleanField(_l("The person consented to the referral"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000, message=MAX)])


class CloseForm(FlaskForm):
    satisfaction = SelectField(_l("The person's satisfaction"), choices=_choices(SATISFACTION))


class FocalPointForm(FlaskForm):
    user_id = SelectField(_l("User"), coerce=_optional_int, validators=[DataRequired(_l("Choose a user."))])
