"""Deployment of trained officers: postings to stations or communes, retention in the programme's area after
certification, and coaching visits with their follow-up actions."""
from cpms.core.contract import Domain, Panel, Setting, not_personal

DOMAIN = Domain(
    "deployments",
    columns={
        **not_personal("coaching_visits", "coach_organisation"),
        "coaching_visits.observations": "personal",
        **not_personal("postings", "function"),
        "postings.end_note": "sensitive",
        **not_personal("coaching_actions", "description"),
        "coaching_actions.responsible": "personal",
    },
    tables={"postings": "trainee", "coaching_visits": "trainee", "coaching_actions": "programme"},
    settings=(Setting("CPMS_RETENTION_MIN_MONTHS", "RETENTION_MIN_MONTHS", int, 36),),
    panels=(Panel("training.trainee", "deployments/_trainee_postings.html",
                  context="cpms.deployments.views.blueprint:trainee_postings_panel", position=10),),
)
