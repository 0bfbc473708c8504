"""Personal-data classification of every column, and the retention class of the rows that hold it.

Each column is `personal` (identifies a person or reaches them: names, matricules, e-mail, telephone,
addresses, birth dates), `sensitive` (secrets, and data whose disclosure harms: vetting findings, reasons
for a withdrawal) or `none`. A column is classified, in this order, by:

1. `info=personal(kind, retention)` on the column in its model (cpms/core/models.py);
2. COLUMNS below, for columns whose model does not say;
3. the defaults: primary and foreign keys, numbers, booleans, dates and times, and text limited to a fixed
   list of values by a CHECK constraint are `none`.

Every personal or sensitive value has a retention class: the column's own, or its table's
(TABLE_RETENTION). cpms/privacy/retention.py applies each class; tests/security/test_classification.py
fails for any column left unclassified, so a new model must classify its text columns.
"""
import re

import sqlalchemy as sa

from cpms.core.models import UTCDateTime

PII_KINDS = ("personal", "sensitive", "none")

# Retention classes; the periods are CPMS_RETENTION_* settings (see cpms/privacy/retention.py).
RETENTION_CLASSES = {
    "account": "user accounts: anonymised once deactivated for CPMS_RETENTION_ACCOUNT_DAYS; revoked API "
               "tokens deleted after the same period",
    "trainee": "officers and what is recorded about them: anonymised CPMS_RETENTION_TRAINEE_YEARS after their "
               "last training",
    "vetting": "vetting notes: erased CPMS_RETENTION_VETTING_YEARS after the decision",
    "committee_member": "committee members' names and contacts: anonymised CPMS_RETENTION_MEMBER_YEARS after "
                        "they left",
    "survey": "free-text survey answers: erased CPMS_RETENTION_SURVEY_TEXT_YEARS after the round",
    "audit": "the audit log: entries deleted after CPMS_RETENTION_AUDIT_DAYS",
    "programme": "part of the programme's record (e.g. who received a station at its handover): kept",
}

TABLE_RETENTION = {
    "users": "account",
    "api_tokens": "account",
    "audit_entries": "audit",
    "trainees": "trainee",
    "enrolments": "trainee",
    "vettings": "vetting",
    "committee_members": "committee_member",
    "survey_answers": "survey",
    "survey_rounds": "programme",
    "handovers": "programme",
    "certificates": "trainee",
    "certificate_files": "trainee",
    "postings": "trainee",
    "coaching_visits": "trainee",
    "coaching_actions": "programme",
    "certificate_signatories": "programme",
    "notifications": "account",
    "outbox_messages": "account",
}

_NONE = "none"
COLUMNS = {
    # audit log: who did what from where
    "audit_entries.actor_label": "personal",
    "audit_entries.ip": "personal",
    "audit_entries.detail": "personal",
    "audit_entries.changes": "personal",
    "audit_entries.action": _NONE, "audit_entries.entity": _NONE, "audit_entries.entity_id": _NONE,
    "api_tokens.prefix": _NONE, "api_tokens.name": _NONE,
    "scheduler_heartbeats.hostname": _NONE,
    # reference data
    "provinces.name": _NONE, "cities.name": _NONE, "communes.name": _NONE, "quartiers.name": _NONE,
    "ranks.code": _NONE, "ranks.name_fr": _NONE, "ranks.name_en": _NONE,
    "programmes.code": _NONE, "programmes.name": _NONE, "programmes.donors": _NONE, "programmes.description": _NONE,
    # training
    "courses.code": _NONE, "courses.title_fr": _NONE, "courses.title_en": _NONE, "courses.topics": _NONE,
    "cohorts.name": _NONE, "cohorts.training_centre": _NONE,
    "training_sessions.topic": _NONE,
    "trainees.unit": _NONE,
    "enrolments.withdrawal_reason": "sensitive",
    "vettings.batch_reference": _NONE,
    # committees and plans (public bodies; members are in committee_members)
    "committees.name": _NONE,
    "committee_meetings.place": _NONE, "committee_meetings.agenda": _NONE, "committee_meetings.minutes": _NONE,
    "committee_meetings.decisions": _NONE,
    "committee_action_items.description": _NONE, "committee_action_items.responsible_organisation": _NONE,
    "committee_action_items.closing_note": _NONE,
    "committee_security_issues.description": _NONE,
    "security_diagnostics.summary": _NONE,
    "security_problems.description": _NONE, "security_problems.place": _NONE,
    "security_plans.title": _NONE,
    "security_plan_actions.activity": _NONE, "security_plan_actions.responsible": _NONE,
    "security_plan_actions.partners": _NONE, "security_plan_actions.success_measure": _NONE,
    "security_plan_reviews.summary": _NONE,
    "quick_impact_projects.name": _NONE, "quick_impact_projects.implementer": _NONE,
    # stations
    "stations.name": _NONE, "stations.notes": _NONE, "stations.specialised_units": _NONE,
    "construction_projects.contractor": _NONE, "construction_projects.description": _NONE,
    "milestone_template_items.code": _NONE, "milestone_template_items.name": _NONE,
    "milestones.code": _NONE, "milestones.name": _NONE,
    "progress_reports.narrative": _NONE, "progress_reports.problems": _NONE,
    "expenditures.description": _NONE,
    "gender_checklists.notes": _NONE,
    "handovers.defects": _NONE,
    "station_photos.stored_name": _NONE, "station_photos.thumbnail_name": _NONE,
    # surveys: responses are anonymous; free text may still name someone
    "survey_instruments.name": _NONE, "survey_instruments.form_id": _NONE, "survey_instruments.form_version": _NONE,
    "survey_questions.name": _NONE, "survey_questions.type": _NONE, "survey_questions.list_name": _NONE,
    "survey_questions.label_en": _NONE, "survey_questions.label_fr": _NONE,
    "survey_choices.list_name": _NONE, "survey_choices.name": _NONE, "survey_choices.label_en": _NONE,
    "survey_choices.label_fr": _NONE,
    "survey_measures.name_en": _NONE, "survey_measures.name_fr": _NONE, "survey_measures.values": _NONE,
    "survey_measures.excluded_values": _NONE,
    "survey_rounds.name": _NONE, "survey_rounds.sampling_notes": _NONE, "survey_rounds.weight_column": _NONE,
    "survey_rounds.sex_question": _NONE, "survey_rounds.age_question": _NONE,
    "survey_rounds.commune_question": _NONE,
    "survey_rounds.webhook_token_hash": "sensitive",
    "survey_imports.source": _NONE, "survey_imports.filename": _NONE,
    "survey_responses.instance_hash": _NONE,  # an HMAC of the submission id, never of a person
    "survey_responses.sex": _NONE, "survey_responses.age_group": _NONE,
    "survey_answers.value_text": "personal",
    # certificates, deployments, notifications, indicators (aggregates and configuration are not personal;
    # a verification code opens a certificate, so it is kept like a secret)
    "dhis2_category_option_combos.dimension": _NONE,
    "dhis2_category_option_combos.category": _NONE,
    "dhis2_category_option_combos.category_option_combo": _NONE,
    "indicators.code": _NONE,
    "indicators.name_en": _NONE,
    "indicators.name_fr": _NONE,
    "indicators.definition": _NONE,
    "indicators.computation": _NONE,
    "indicators.computation_param": _NONE,
    "indicators.disaggregations": _NONE,
    "scheduler_jobs.job_state": _NONE,
    "certificate_profiles.programme_logo": _NONE,
    "certificate_profiles.donor_logo": _NONE,
    "certificate_templates.html": _NONE,
    "certificate_templates.css": _NONE,
    "certificate_templates.note": _NONE,
    "dhis2_data_elements.data_element": _NONE,
    "dhis2_data_elements.disaggregation": _NONE,
    "dhis2_data_elements.category_option_combo": _NONE,
    "indicator_period_locks.note": _NONE,
    "outbox_messages.dedup_key": _NONE,
    "outbox_messages.kind": _NONE,
    "outbox_messages.locale": _NONE,
    "outbox_messages.last_error": _NONE,
    "result_nodes.code": _NONE,
    "result_nodes.title_en": _NONE,
    "result_nodes.title_fr": _NONE,
    "certificate_signatories.title": _NONE,
    "notifications.kind": _NONE,
    "notifications.object_key": _NONE,
    "notifications.locale": _NONE,
    "notifications.link_endpoint": _NONE,
    "notifications.link_values": _NONE,
    "programme_indicators.code": _NONE,
    "programme_indicators.notes": _NONE,
    "cohorts.certificate_language": _NONE,
    "dhis2_org_units.org_unit": _NONE,
    "indicator_snapshot_values.dimension": _NONE,
    "indicator_snapshot_values.category": _NONE,
    "indicator_values.comment": _NONE,
    "indicator_values.evidence_url": _NONE,
    "indicator_values.evidence_name": _NONE,
    "indicator_values.evidence_stored": _NONE,
    "indicator_values.evidence_type": _NONE,
    "indicator_values.review_note": _NONE,
    "certificate_batches.base_url": _NONE,
    "certificate_batches.error": _NONE,
    "certificate_batches.pdf_name": _NONE,
    "certificate_batches.zip_name": _NONE,
    "coaching_visits.coach_organisation": _NONE,
    "indicator_value_breakdowns.dimension": _NONE,
    "indicator_value_breakdowns.category": _NONE,
    "postings.function": _NONE,
    "certificates.serial": _NONE,
    # administrative reasons, kept in the audit trail as the issue asks ("re-issue and revocation audited")
    "certificates.correction_note": _NONE, "certificates.revocation_reason": _NONE,
    "certificates.course_title": _NONE,
    "coaching_actions.description": _NONE,
    "certificate_files.sha256": _NONE,
    "certificate_signatories.signature": "personal",
    "notifications.recipient_key": "personal",
    "coaching_visits.observations": "personal",
    "coaching_actions.responsible": "personal",
    "postings.end_note": "sensitive",
    "certificates.verification_code": "sensitive",
    "certificates.verification_url": "sensitive",
}

_PLAIN_TYPES = (sa.Integer, sa.Numeric, sa.Float, sa.Boolean, sa.Date, sa.DateTime, sa.Time, UTCDateTime)


def _checked_values(column):
    """True when a CHECK constraint limits the column to a fixed list of values (an enumeration)."""
    pattern = re.compile(rf"\b{re.escape(column.name)}\s+IN\s*\(", re.IGNORECASE)
    return any(isinstance(c, sa.CheckConstraint) and pattern.search(str(c.sqltext)) for c in column.table.constraints)


def column_kind(column):
    """'personal', 'sensitive', 'none', or None when the column is not classified."""
    if column.info.get("pii"):
        return column.info["pii"]
    key = f"{column.table.name}.{column.name}"
    if key in COLUMNS:
        return COLUMNS[key]
    if column.primary_key or column.foreign_keys or isinstance(column.type, _PLAIN_TYPES):
        return _NONE
    if isinstance(column.type, sa.String) and _checked_values(column):
        return _NONE
    return None


def column_retention(column):
    """The retention class of a personal or sensitive column (its own, else its table's), or None."""
    return column.info.get("retention") or TABLE_RETENTION.get(column.table.name)


def column_class(column):
    """(kind, retention class) of a column."""
    return column_kind(column), column_retention(column)


def is_personal(column):
    return column_kind(column) in ("personal", "sensitive")


def personal_columns(table):
    return [column for column in table.columns if is_personal(column)]
