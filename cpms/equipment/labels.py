"""The equipment vocabularies, in the user's language."""
from flask_babel import lazy_gettext as _l

CATEGORY_LABELS = {
    "it": _l("IT (computers, printers)"),
    "communication": _l("Communication (radios, telephones)"),
    "vehicles": _l("Vehicles and motorbikes"),
    "furniture": _l("Furniture"),
    "uniforms": _l("Uniforms and protective gear"),
    "sgbv_kit": _l("SGBV/child-protection desk kit"),
    "other": _l("Other"),
}
CONDITION_LABELS = {
    "in_use": _l("In use"),
    "damaged": _l("Damaged"),
    "lost": _l("Lost or stolen"),
    "not_found": _l("Not found at the check"),
}
DISPOSAL_REASON_LABELS = {
    "worn_out": _l("Worn out"),
    "beyond_repair": _l("Broken beyond repair"),
    "lost": _l("Lost or stolen, not recovered"),
    "obsolete": _l("Obsolete"),
    "other": _l("Other reason"),
}
LOSS_OUTCOME_LABELS = {
    "recovered": _l("Recovered"),
    "not_recovered": _l("Not recovered"),
}
LOSS_STATUS_LABELS = {"open": _l("Open: being followed up"), **LOSS_OUTCOME_LABELS}
PHOTO_KIND_LABELS = {
    "signed_receipt": _l("The signed receipt (scan or photo)"),
    "photo": _l("The items handed over"),
}
