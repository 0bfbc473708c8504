from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from cpms.core.bounds import ITEMS, PlausibleCount, PlausibleDate, PlausibleMoney
from cpms.core.forms import LocalDecimalField, MultiCheckboxField
from cpms.equipment.labels import (
    CATEGORY_LABELS,
    CONDITION_LABELS,
    DISPOSAL_REASON_LABELS,
    LOSS_OUTCOME_LABELS,
    PHOTO_KIND_LABELS,
)
from cpms.equipment.models import CURRENCIES

MAX = _l("At most %(max)d characters.")


class ItemForm(FlaskForm):
    category = SelectField(_l("Category"), choices=list(CATEGORY_LABELS.items()))
    description = StringField(_l("Description"), validators=[DataRequired(_l("Describe the item.")),
                                                             Length(max=200, message=MAX)])
    make_model = StringField(_l("Make and model"), validators=[Length(max=120, message=MAX)])
    serial_number = StringField(_l("Serial or tag number"), validators=[Length(max=80, message=MAX)])
    quantity = IntegerField(_l("Quantity"), default=1,
                            validators=[DataRequired(_l("Enter the quantity (1 for a tagged item).")),
                                        PlausibleCount(ITEMS)])
    unit_value = LocalDecimalField(_l("Unit value"), places=2,
                              validators=[Optional(), PlausibleMoney(currency_field="currency")])
    currency = SelectField(_l("Currency"), choices=[(c, c) for c in CURRENCIES], default="USD")
    programme_id = SelectField(_l("Programme"), coerce=int, default=0)
    donor = StringField(_l("Donor"), validators=[Length(max=120, message=MAX)])
    purchase_reference = StringField(_l("Purchase reference"), validators=[Length(max=80, message=MAX)])
    received_on = DateField(_l("Received in stock on"),
                            validators=[DataRequired(_l("Enter the day as YYYY-MM-DD.")), PlausibleDate()])
    commune_id = SelectField(_l("Kept in stock in (commune)"), coerce=int, default=0)

    def set_choices(self, programmes, communes):
        self.programme_id.choices = [(0, "—")] + list(programmes)
        self.commune_id.choices = [(0, "—")] + list(communes)

    def service_fields(self):
        return {name: getattr(self, name).data for name in (
            "category", "description", "make_model", "serial_number", "quantity", "unit_value", "currency",
            "programme_id", "donor", "purchase_reference", "received_on", "commune_id")}


class HandoverForm(FlaskForm):
    """Who received the items at the unit: shared by deliveries and transfers."""
    received_by_name = StringField(_l("Received by (commander's name)"),
                                   validators=[DataRequired(_l("Enter the name of the commander who received the "
                                                               "items.")), Length(max=200, message=MAX)])
    received_by_rank = StringField(_l("Rank"), validators=[Length(max=80, message=MAX)])
    note = TextAreaField(_l("Note"), validators=[Length(max=2000, message=MAX)])


class DeliveryForm(HandoverForm):
    station_id = SelectField(_l("Station or unit"), coerce=int, default=0)
    delivered_on = DateField(_l("Delivery day"),
                             validators=[DataRequired(_l("Enter the day as YYYY-MM-DD.")), PlausibleDate()])
    item_ids = MultiCheckboxField(_l("Items delivered"))
    officer_matricules = TextAreaField(_l("Named trained officers who received items (matricules)"),
                                       validators=[Length(max=2000, message=MAX)])

    def set_choices(self, stations, items):
        self.station_id.choices = [(0, "—")] + list(stations)
        self.item_ids.choices = list(items)

    def service_fields(self):
        return {name: getattr(self, name).data for name in (
            "station_id", "delivered_on", "received_by_name", "received_by_rank", "note", "item_ids",
            "officer_matricules")}


class CheckForm(FlaskForm):
    checked_on = DateField(_l("Day of the check"),
                           validators=[DataRequired(_l("Enter the day as YYYY-MM-DD.")), PlausibleDate()])
    condition = SelectField(_l("Condition"), choices=list(CONDITION_LABELS.items()))
    note = TextAreaField(_l("Note"), validators=[Length(max=2000, message=MAX)])
    photo = FileField(_l("Photo (JPEG or PNG, optional)"))

    def service_fields(self):
        return {name: getattr(self, name).data for name in ("checked_on", "condition", "note")}


class PhotoForm(FlaskForm):
    kind = SelectField(_l("What the photo shows"), choices=list(PHOTO_KIND_LABELS.items()), default="signed_receipt")
    photo = FileField(_l("Photo (JPEG or PNG; PDF for the signed receipt)"))


class MaintenanceForm(FlaskForm):
    done_on = DateField(_l("Day of the work"),
                        validators=[DataRequired(_l("Enter the day as YYYY-MM-DD.")), PlausibleDate()])
    work = TextAreaField(_l("What was done"), validators=[DataRequired(_l("Say what was done, e.g. “battery "
                                                                          "replaced”.")),
                                                          Length(max=2000, message=MAX)])
    done_by = StringField(_l("Done by (technician or workshop)"),
                          validators=[DataRequired(_l("Say who did the work (a technician, a workshop).")),
                                      Length(max=200, message=MAX)])
    cost = LocalDecimalField(_l("Cost"), places=2, validators=[Optional(), PlausibleMoney(currency_field="currency")])
    currency = SelectField(_l("Currency"), choices=[(c, c) for c in CURRENCIES], default="USD")

    def service_fields(self):
        return {name: getattr(self, name).data for name in ("done_on", "work", "done_by", "cost", "currency")}


class LossForm(FlaskForm):
    reported_on = DateField(_l("Day the loss was reported"),
                            validators=[DataRequired(_l("Enter the day as YYYY-MM-DD.")), PlausibleDate()])
    circumstances = TextAreaField(_l("What happened"), validators=[Length(max=2000, message=MAX)])
    police_report_reference = StringField(_l("Police report reference"), validators=[Length(max=80, message=MAX)])

    def service_fields(self):
        return {name: getattr(self, name).data for name in ("reported_on", "circumstances",
                                                            "police_report_reference")}


class LossCloseForm(FlaskForm):
    closed_on = DateField(_l("Day the report was closed"),
                          validators=[DataRequired(_l("Enter the day as YYYY-MM-DD.")), PlausibleDate()])
    status = SelectField(_l("Result of the search"), choices=list(LOSS_OUTCOME_LABELS.items()))
    closing_note = TextAreaField(_l("Closing note"), validators=[Length(max=2000, message=MAX)])

    def service_fields(self):
        return {name: getattr(self, name).data for name in ("closed_on", "status", "closing_note")}


class TransferForm(HandoverForm):
    to_station_id = SelectField(_l("To the station or unit"), coerce=int, default=0)
    transferred_on = DateField(_l("Day of the transfer"),
                               validators=[DataRequired(_l("Enter the day as YYYY-MM-DD.")), PlausibleDate()])
    item_ids = MultiCheckboxField(_l("Items transferred"))

    def set_choices(self, stations, items):
        self.to_station_id.choices = [(0, "—")] + list(stations)
        self.item_ids.choices = list(items)

    def service_fields(self):
        return {name: getattr(self, name).data for name in (
            "to_station_id", "transferred_on", "received_by_name", "received_by_rank", "note", "item_ids")}


class DisposalForm(FlaskForm):
    disposed_on = DateField(_l("Day of the disposal"),
                            validators=[DataRequired(_l("Enter the day as YYYY-MM-DD.")), PlausibleDate()])
    reason = SelectField(_l("Reason"), choices=list(DISPOSAL_REASON_LABELS.items()))
    authorised_by = StringField(_l("Authorised by (name and function)"),
                                validators=[DataRequired(_l("Enter who authorised the disposal (name and "
                                                            "function).")), Length(max=200, message=MAX)])
    # not "note": the check form on the same page has one (one id per page)
    disposal_note = TextAreaField(_l("Note"), validators=[Length(max=2000, message=MAX)])

    def service_fields(self):
        fields = {name: getattr(self, name).data for name in ("disposed_on", "reason", "authorised_by")}
        return {**fields, "note": self.disposal_note.data}
