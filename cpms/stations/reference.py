"""Plain reference data of the stations domain: the migration imports it, so no application imports here."""
from datetime import datetime, timezone

import sqlalchemy as sa

STATION_KINDS = ("provincial_commissariat", "commissariat", "sub_commissariat", "police_post", "training_centre",
                 "inspectorate_outpost")
STATION_STATUSES = ("planned", "under_construction", "operational")
SPECIALISED_UNITS = ("child_protection", "sgbv_desk", "mining_police", "border_police", "riverine_police",
                     "traffic_police", "judicial_police")
PROJECT_KINDS = ("new_build", "rehabilitation", "extension", "equipment")
CURRENCIES = ("USD", "CDF")

# The Democratic Republic of the Congo lies within these bounds (degrees, WGS 84), rounded outwards.
DRC_LATITUDE = (-13.5, 5.4)
DRC_LONGITUDE = (12.2, 31.4)

# The default milestone template: (code, English name, weight). Weights are relative, not percentages.
DEFAULT_MILESTONES = (
    ("site_identification", "Site identification", 2),
    ("land_allocation", "Land allocation", 3),
    ("tender", "Tender", 5),
    ("contract_signed", "Contract signed", 5),
    ("foundations", "Foundations", 15),
    ("walls", "Walls", 20),
    ("roofing", "Roofing", 15),
    ("finishing", "Finishing", 15),
    ("equipment", "Equipment", 10),
    ("provisional_handover", "Provisional handover", 5),
    ("final_handover", "Final handover", 5),
)

# Default milestones that must be reached before the final acceptance (the building itself: roof, finishing,
# equipment); admins mark others in the template.
REQUIRED_MILESTONES = ("roofing", "finishing", "equipment")

# The gender-sensitivity checklist: every item must be ticked before the handover is signed off.
CHECKLIST_ITEMS = ("cells_men", "cells_women", "cells_minors", "separate_sanitation", "reception_desk",
                   "accessibility")

_template = sa.table("milestone_template_items", sa.column("id", sa.Integer), sa.column("position", sa.Integer),
                     sa.column("code", sa.String), sa.column("name", sa.String), sa.column("weight", sa.Integer),
                     sa.column("created_at", sa.DateTime), sa.column("updated_at", sa.DateTime))


def load_default_template(connection):
    """Fill the milestone template with the defaults when it is empty; running it twice adds nothing.
    Returns whether it loaded them."""
    if connection.execute(sa.select(sa.func.count()).select_from(_template)).scalar():
        return False
    now = datetime.now(timezone.utc)
    connection.execute(sa.insert(_template), [
        {"position": index, "code": code, "name": name, "weight": weight, "created_at": now, "updated_at": now}
        for index, (code, name, weight) in enumerate(DEFAULT_MILESTONES, start=1)])
    return True


def mark_required_milestones(connection, tables=("milestone_template_items", "milestones")):
    """Mark the default required milestones (REQUIRED_MILESTONES) as required, in the template and the projects."""
    for name in tables:
        table = sa.table(name, sa.column("code", sa.String), sa.column("is_required", sa.Boolean))
        connection.execute(sa.update(table).where(table.c.code.in_(REQUIRED_MILESTONES)).values(is_required=True))


def unload_default_template(connection):
    connection.execute(sa.delete(_template).where(_template.c.code.in_([code for code, _n, _w in DEFAULT_MILESTONES])))
