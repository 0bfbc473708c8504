"""Shared mechanisms only: base models, permissions, the request/transaction protocol, audit, pagination,
exports, PDF, jobs and the domain contract (contract.py). Core imports no domain; its own contract declares the
audit log's and the scheduler's tables."""
from cpms.core.contract import Domain, RetentionClass, Setting, not_personal

DOMAIN = Domain(
    "core",
    columns={
        **not_personal("audit_entries", "action", "entity", "entity_id"),
        "audit_entries.actor_label": "personal",  # who did what from where
        "audit_entries.ip": "personal",
        "audit_entries.detail": "personal",
        "audit_entries.changes": "personal",
        **not_personal("scheduler_heartbeats", "hostname"),
        **not_personal("scheduler_jobs", "job_state"),
    },
    tables={"audit_entries": "audit"},
    retention=(
        RetentionClass("audit", "the audit log: entries deleted after CPMS_RETENTION_AUDIT_DAYS",
                       setting="RETENTION_AUDIT_DAYS", unit="days", retire="cpms.core.privacy:retire_audit_entries"),
    ),
    settings=(Setting("CPMS_RETENTION_AUDIT_DAYS", "RETENTION_AUDIT_DAYS", int, 1095),),
)
