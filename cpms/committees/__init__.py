"""Local security committees (CLSP) and neighbourhood forums: members, meetings, action items, security issues."""
from flask_babel import lazy_gettext as _l

from cpms.core.contract import Dimension, Domain, MapLayer, RetentionClass, Setting, not_personal

DOMAIN = Domain(
    "committees",
    # public bodies; their members' names and contacts are in committee_members (classified on the model)
    columns={
        **not_personal("committees", "name"),
        **not_personal("committee_meetings", "place", "agenda", "minutes", "decisions",
                       "offline_key"),
        **not_personal("committee_action_items", "description", "responsible_organisation", "closing_note",
                       "source_kind"),
        **not_personal("committee_security_issues", "description"),
    },
    tables={"committee_members": "committee_member"},
    retention=(
        RetentionClass("committee_member", "committee members' names and contacts: anonymised "
                                           "CPMS_RETENTION_MEMBER_YEARS after they left",
                       setting="RETENTION_MEMBER_YEARS", retire="cpms.committees.privacy:retire_committee_members"),
    ),
    settings=(
        Setting("CPMS_COMMITTEE_MIN_WOMEN_SHARE", "COMMITTEE_MIN_WOMEN_SHARE", float, 0.30),
        Setting("CPMS_COMMITTEE_MIN_YOUTH_SHARE", "COMMITTEE_MIN_YOUTH_SHARE", float, 0.20),
        Setting("CPMS_COMMITTEE_QUORUM_SHARE", "COMMITTEE_QUORUM_SHARE", float, 0.5),
        Setting("CPMS_INDICATOR_CLSP_MIN_MEETINGS", "INDICATOR_CLSP_MIN_MEETINGS", int, 3),
        Setting("CPMS_RETENTION_MEMBER_YEARS", "RETENTION_MEMBER_YEARS", float, 5),
    ),
    dimensions=(Dimension("committee_kind", labels="cpms.committees.indicators:committee_kind_labels",
                          title=_l("Kind of committee"), position=80),),
    map_layers=(MapLayer("committees", "cpms.committees.service.places:committee_layer", position=20),),
)
