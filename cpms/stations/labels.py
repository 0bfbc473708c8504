"""What users read for the codes stored in the database (translated when shown)."""
from flask_babel import lazy_gettext as _l

STATION_KIND_LABELS = {
    "provincial_commissariat": _l("Provincial commissariat"),
    "commissariat": _l("Commissariat (police station)"),
    "sub_commissariat": _l("Sub-commissariat"),
    "police_post": _l("Police post"),
    "training_centre": _l("Training centre"),
    "inspectorate_outpost": _l("Inspectorate outpost"),
}
STATION_STATUS_LABELS = {
    "planned": _l("In planning"),
    "under_construction": _l("Under construction"),
    "operational": _l("Operational"),
}
UNIT_LABELS = {
    "child_protection": _l("Child protection"),
    "sgbv_desk": _l("SGBV desk"),
    "mining_police": _l("Mining police"),
    "border_police": _l("Border police"),
    "riverine_police": _l("Riverine police"),
    "traffic_police": _l("Traffic police"),
    "judicial_police": _l("Judicial police"),
}
PROJECT_KIND_LABELS = {
    "new_build": _l("New build"),
    "rehabilitation": _l("Rehabilitation"),
    "extension": _l("Extension"),
    "equipment": _l("Equipment"),
}
MILESTONE_LABELS = {
    "site_identification": _l("Site identification"),
    "land_allocation": _l("Land allocation"),
    "tender": _l("Tender"),
    "contract_signed": _l("Contract signed"),
    "foundations": _l("Foundations"),
    "walls": _l("Walls"),
    "roofing": _l("Roofing"),
    "finishing": _l("Finishing"),
    "equipment": _l("Equipment"),
    "provisional_handover": _l("Provisional handover"),
    "final_handover": _l("Final handover"),
}
CHECKLIST_LABELS = {
    "cells_men": _l("Separate cell for men"),
    "cells_women": _l("Separate cell for women"),
    "cells_minors": _l("Separate cell for minors"),
    "separate_sanitation": _l("Separate sanitation for women and men"),
    "reception_desk": _l("SGBV and child-protection reception desk"),
    "accessibility": _l("Accessible to people with disabilities"),
}
