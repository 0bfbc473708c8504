"""Outreach: public information campaigns, training of media and civil society, joint police–population
workshops; who took part (a roster or counts by sex and category) and the reach donors ask for."""
from flask_babel import lazy_gettext as _l

from cpms.core.contract import Dimension, Domain, Panel, RetentionClass, Setting, not_personal

DOMAIN = Domain(
    "outreach",
    columns={
        **not_personal("outreach_activities", "title", "quartier", "language", "partners", "currency"),
        "outreach_activities.facilitators": "personal",
        "outreach_participants.name": "personal",
        "outreach_facilitators.name": "personal",
        "outreach_facilitators.email": "personal",
        **not_personal("outreach_participants", "organisation"),
        **not_personal("outreach_counts", "estimate_source"),
        **not_personal("outreach_evidence", "stored_name", "thumbnail_name"),
        **not_personal("outreach_programme_actions", "description", "status", "note"),
        "outreach_programme_actions.responsible": "personal",
    },
    tables={"outreach_participants": "outreach_participant", "outreach_activities": "outreach_participant",
            "outreach_facilitators": "outreach_participant", "outreach_programme_actions": "outreach_participant"},
    retention=(
        RetentionClass("outreach_participant", "civil-society participants' names, facilitators (names, "
                                               "e-mail addresses) and who is responsible for the programme's agreed actions of outreach activities: anonymised CPMS_RETENTION_OUTREACH_YEARS after the "
                                               "activity's last day",
                       setting="RETENTION_OUTREACH_YEARS", retire="cpms.outreach.privacy:retire_participants"),
    ),
    settings=(Setting("CPMS_RETENTION_OUTREACH_YEARS", "RETENTION_OUTREACH_YEARS", float, 5),),
    dimensions=(
        Dimension("outreach_category", labels="cpms.outreach.indicators:category_labels",
                  title=_l("Participant category"), position=60),
    ),
    panels=(Panel("programmes.programme", "outreach/_programme_actions_panel.html",
                  context="cpms.outreach.views:programme_actions_panel"),),
)
