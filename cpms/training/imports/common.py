"""What the training imports (trainees, enrolment, attendance marks, vetting results) share on top of the
imports core offers (cpms/core/imports): their bounds (CPMS_TRAINING_IMPORT_MAX_MB and _MAX_ROWS) and the job that
imports a large file (registered in cpms/training/tasks.py)."""
from cpms.core.imports.base import ImportKind

JOB_KIND = "training.import"


class TrainingImportKind(ImportKind):
    job_kind = JOB_KIND
    max_mb_setting = "TRAINING_IMPORT_MAX_MB"
    max_rows_setting = "TRAINING_IMPORT_MAX_ROWS"
