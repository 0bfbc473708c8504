"""Shared mechanisms only: base models, permissions, the request/transaction protocol, audit, pagination,
exports, PDF, jobs, imports with a preview and the domain contract (contract.py). Core imports no domain; its own
contract declares the audit log's, the scheduler's and the imports' tables."""
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
        **not_personal("jobs", "kind", "stage", "message", "locked_by", "back_url", "result_path",
                       "result_mimetype"),
        "jobs.params": "personal",  # what the work is about (ids, sometimes a file name)
        "jobs.error": "personal",  # a failure reason may name a person
        "jobs.result_filename": "personal",
        # imports with a preview (cpms/core/imports): the tables keep the names the trainee import gave them
        **not_personal("training_imports", "token", "kind", "status", "message"),
    },
    tables={"audit_entries": "audit", "jobs": "jobs", "training_import_rows": "training_import"},
    retention=(
        RetentionClass("audit", "the audit log: entries deleted after CPMS_RETENTION_AUDIT_DAYS",
                       setting="RETENTION_AUDIT_DAYS", unit="days", retire="cpms.core.privacy:retire_audit_entries"),
        RetentionClass("jobs", "background jobs and their result files (PDF, exports): deleted "
                       "CPMS_JOB_RESULT_DAYS after they finished", setting="JOB_RESULT_DAYS", unit="days",
                       retire="cpms.core.jobs.queue:purge_jobs"),
        RetentionClass("training_import", "rows of an imported file kept for its background job (trainees, "
                                          "equipment inventory…): deleted once published, else "
                                          "CPMS_RETENTION_IMPORT_ROWS_DAYS after the import was last touched",
                       setting="RETENTION_IMPORT_ROWS_DAYS", unit="days",
                       retire="cpms.core.imports.staging:retire_import_rows"),
    ),
    settings=(
        Setting("CPMS_RETENTION_AUDIT_DAYS", "RETENTION_AUDIT_DAYS", int, 1095),
        # background jobs (docs/jobs.md)
        Setting("CPMS_JOB_RESULT_DAYS", "JOB_RESULT_DAYS", int, 7),
        Setting("CPMS_JOB_LEASE_SECONDS", "JOB_LEASE_SECONDS", int, 60),
        Setting("CPMS_JOB_RETRY_SECONDS", "JOB_RETRY_SECONDS", int, 5),
        Setting("CPMS_JOB_STOP_GRACE_SECONDS", "JOB_STOP_GRACE_SECONDS", float, 2.0),
        Setting("CPMS_JOB_QUEUE_ALERT_SECONDS", "JOB_QUEUE_ALERT_SECONDS", int, 300),
        Setting("CPMS_WORKER_HEARTBEAT_SECONDS", "WORKER_HEARTBEAT_SECONDS", int, 10),
        Setting("CPMS_WORKER_STALE_SECONDS", "WORKER_STALE_SECONDS", int, 120),
        Setting("CPMS_WORKER_POLL_SECONDS", "WORKER_POLL_SECONDS", float, 1.0),
        Setting("CPMS_WORKER_WATCHDOG_SECONDS", "WORKER_WATCHDOG_SECONDS", int, 900),
        # imports with a preview whose kind names no bounds of its own (docs/configuration.md)
        Setting("CPMS_IMPORT_MAX_MB", "IMPORT_MAX_MB", float, 5),
        Setting("CPMS_IMPORT_MAX_ROWS", "IMPORT_MAX_ROWS", int, 5000),
        Setting("CPMS_RETENTION_IMPORT_ROWS_DAYS", "RETENTION_IMPORT_ROWS_DAYS", float, 1),
    ),
)
