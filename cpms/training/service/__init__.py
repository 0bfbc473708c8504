"""Training rules and writes, by topic:

- trainees.py: the officers' records, searched within the user's area;
- vetting.py: human-rights vetting records and submission batches;
- cohorts.py: courses, cohorts and enrolment (and the dashboard's training cards);
- attendance.py: sessions, the attendance register, rates, scores and completion.

What other modules use is imported here (`from cpms.training import service; service.enrol_trainees(...)`);
the topic modules import one another directly, never this package.
"""
from cpms.training.service import attendance, vetting
from cpms.training.service.attendance import training_history
from cpms.training.service.cohorts import (
                                           can_see_cohort,
                                           check_cohort_open,
                                           close_cohort,
                                           cohort_sessions,
                                           enrol_trainees,
                                           enrolment_counts,
                                           refresh_cohort_statuses,
                                           save_cohort,
                                           save_course,
                                           training_cards,
                                           visible_cohorts,
                                           withdraw_enrolment,
)
from cpms.training.service.trainees import (
                                           can_see_trainee,
                                           count_trainees,
                                           create_trainee,
                                           normalise_matricule,
                                           rank_choices,
                                           search_trainee_rows,
                                           search_trainees,
                                           update_trainee,
)
from cpms.training.service.vetting import latest_vetting, record_vetting, vetting_is_valid, vetting_reason

__all__ = ["attendance", "vetting", "training_history", "can_see_cohort", "check_cohort_open", "close_cohort", "cohort_sessions", "enrol_trainees",
           "enrolment_counts", "refresh_cohort_statuses", "save_cohort", "save_course", "training_cards", "visible_cohorts",
           "withdraw_enrolment", "can_see_trainee", "create_trainee", "normalise_matricule", "search_trainees",
           "search_trainee_rows", "count_trainees", "rank_choices",
           "update_trainee", "latest_vetting", "record_vetting", "vetting_is_valid", "vetting_reason"]
