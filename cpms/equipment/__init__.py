"""Equipment: items given to police units (radios, computers, SGBV desk kits…), their signed deliveries to stations
and the condition checks that tell a donor audit what each station received and whether it still works."""
from flask_babel import lazy_gettext as _l

from cpms.core.contract import Dimension, Domain, MapLayer, Panel, RetentionClass, not_personal

DOMAIN = Domain(
    "equipment",
    columns={
        **not_personal("equipment_items", "category", "description", "make_model", "serial_number", "currency",
                       "donor", "purchase_reference"),
        "equipment_deliveries.received_by_name": "personal",
        **not_personal("equipment_deliveries", "received_by_rank", "note"),
        **not_personal("equipment_checks", "condition", "note"),
        **not_personal("equipment_items", "disposal_reason", "disposal_note"),
        "equipment_items.disposal_authorised_by": "personal",
        **not_personal("equipment_maintenance", "work", "currency"),
        "equipment_maintenance.done_by": "personal",
        **not_personal("equipment_losses", "circumstances", "police_report_reference", "status", "closing_note"),
        "equipment_transfers.received_by_name": "personal",
        **not_personal("equipment_transfers", "received_by_rank", "note"),
        **not_personal("equipment_photos", "kind", "stored_name", "thumbnail_name", "content_type"),
    },
    tables={"equipment_deliveries": "equipment_receipt", "equipment_transfers": "equipment_receipt",
            "equipment_items": "equipment_receipt", "equipment_maintenance": "equipment_receipt"},
    retention=(
        RetentionClass("equipment_receipt", "the names of the commanders who signed for equipment, of whoever "
                                            "repaired it and of whoever authorised its disposal: kept with the "
                                            "item, as part of the programme's audit record"),
    ),
    dimensions=(Dimension("equipment_category", labels="cpms.equipment.indicators:category_labels",
                          title=_l("Equipment category"), position=92),
                Dimension("equipment_donor", labels="cpms.equipment.indicators:donor_labels",
                          title=_l("Donor"), position=93)),
    panels=(Panel("stations.station", "equipment/_station_equipment.html",
                  context="cpms.equipment.views:station_equipment_panel"),),
    map_layers=(MapLayer("equipment", "cpms.equipment.service.places:equipment_layer", position=40),),
)
