"""Equipment: items given to police units (radios, computers, SGBV desk kits…), their signed deliveries to stations
and the condition checks that tell a donor audit what each station received and whether it still works."""
from cpms.core.contract import Domain, Panel, RetentionClass, not_personal

DOMAIN = Domain(
    "equipment",
    columns={
        **not_personal("equipment_items", "category", "description", "make_model", "serial_number", "currency",
                       "donor", "purchase_reference"),
        "equipment_deliveries.received_by_name": "personal",
        **not_personal("equipment_deliveries", "received_by_rank", "note"),
        **not_personal("equipment_checks", "condition", "note"),
    },
    tables={"equipment_deliveries": "equipment_receipt"},
    retention=(
        RetentionClass("equipment_receipt", "the name of the commander who signed for equipment: kept with the "
                                            "delivery, as part of the programme's audit record"),
    ),
    panels=(Panel("stations.station", "equipment/_station_equipment.html",
                  context="cpms.equipment.views:station_equipment_panel"),),
)
