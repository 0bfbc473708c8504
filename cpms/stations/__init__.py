"""Police stations and their construction projects: milestones, progress reports with photos,
expenditure, the gender-sensitivity checklist and the handover record."""
from flask_babel import lazy_gettext as _l

from cpms.core.contract import Dimension, Domain, MapLayer, not_personal

DOMAIN = Domain(
    "stations",
    columns={
        **not_personal("stations", "name", "notes", "specialised_units"),
        **not_personal("construction_projects", "contractor", "description"),
        **not_personal("milestone_template_items", "code", "name"),
        **not_personal("milestones", "code", "name"),
        **not_personal("progress_reports", "narrative", "problems", "offline_key"),
        **not_personal("expenditures", "description"),
        **not_personal("gender_checklists", "notes"),
        **not_personal("handovers", "defects", "override_reason"),
        **not_personal("station_photos", "stored_name", "thumbnail_name"),
    },
    tables={"handovers": "programme"},
    dimensions=(Dimension("project_kind", labels="cpms.stations.indicators:project_kind_labels",
                          title=_l("Kind of work"), position=90),),
    map_layers=(MapLayer("stations", "cpms.stations.service.places:station_layer", position=10),),
)
