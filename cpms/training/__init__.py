"""Training: courses, cohorts, trainees (officers), enrolment, attendance, tests and close-out, vetting."""
from flask_babel import lazy_gettext as _l

from cpms.core.contract import Dimension, Domain, RetentionClass, Setting, Subject, not_personal

DOMAIN = Domain(
    "training",
    columns={
        **not_personal("ranks", "code", "name_fr", "name_en"),
        **not_personal("courses", "code", "title_fr", "title_en", "topics"),
        **not_personal("cohorts", "name", "training_centre", "certificate_language"),
        **not_personal("training_sessions", "topic"),
        **not_personal("trainees", "unit"),
        "enrolments.withdrawal_reason": "sensitive",
        **not_personal("vettings", "batch_reference"),
    },
    tables={"trainees": "trainee", "enrolments": "trainee", "vettings": "vetting"},
    retention=(
        RetentionClass("trainee", "officers and what is recorded about them: anonymised "
                                  "CPMS_RETENTION_TRAINEE_YEARS after their last training",
                       setting="RETENTION_TRAINEE_YEARS", retire="cpms.training.privacy:retire_trainees"),
        RetentionClass("vetting", "vetting notes: erased CPMS_RETENTION_VETTING_YEARS after the decision",
                       setting="RETENTION_VETTING_YEARS", retire="cpms.training.privacy:retire_vetting_notes"),
    ),
    settings=(
        Setting("CPMS_TRAINING_ABSENCE_STREAK", "TRAINING_ABSENCE_STREAK", int, 3),
        Setting("CPMS_TRAINING_IMPORT_MAX_MB", "TRAINING_IMPORT_MAX_MB", float, 5),
        Setting("CPMS_TRAINING_IMPORT_MAX_ROWS", "TRAINING_IMPORT_MAX_ROWS", int, 5000),
        Setting("CPMS_RETENTION_TRAINEE_YEARS", "RETENTION_TRAINEE_YEARS", float, 10),
        Setting("CPMS_RETENTION_VETTING_YEARS", "RETENTION_VETTING_YEARS", float, 5),
    ),
    subjects=(Subject("trainees", find="cpms.training.privacy:find_trainee"),),
    dimensions=(
        Dimension("home_commune", labels="cpms.training.indicators:home_commune_labels",
                  title=_l("Officer's home commune"), position=35),
        Dimension("course_type", labels="cpms.training.indicators:course_type_labels",
                  categories="cpms.training.indicators:course_type_categories", title=_l("Course type"), position=40),
        Dimension("rank", labels="cpms.training.indicators:rank_labels",
                  categories="cpms.training.indicators:rank_categories", title=_l("Rank"), position=50),
        Dimension("specialty", labels="cpms.training.indicators:specialty_labels",
                  categories="cpms.training.indicators:specialty_categories", title=_l("Specialty"), position=60),
    ),
)
