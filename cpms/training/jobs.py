"""Scheduler job: keep the cohorts' stored status (a cache of their phase, for SQL filters) in step with the
calendar; the rules themselves use Cohort.phase(today) (docs/rules/training.md)."""
from cpms.core.scheduler import job


@job("training.cohort-statuses", trigger="cron", hour=0, minute=5)
def refresh_cohort_statuses(app):
    """Once a day, just after midnight: planned → running → completed as the dates pass."""
    from cpms.training.service.cohorts import refresh_cohort_statuses as refresh
    return refresh()
