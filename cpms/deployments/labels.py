"""What users read for the codes stored in the database (translated when shown)."""
from flask_babel import lazy_gettext as _l

END_REASON_LABELS = {
    "transfer_out": _l("Transfer out of the area"),
    "resignation": _l("Resignation"),
    "dismissal": _l("Dismissal"),
    "death": _l("Death"),
    "other": _l("Other"),
}
COACH_TYPE_LABELS = {
    "senior_officer": _l("Senior police officer"),
    "civil_society": _l("Civil-society representative"),
}
