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
