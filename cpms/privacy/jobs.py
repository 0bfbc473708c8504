"""Scheduled data-protection work."""
from cpms.core.scheduler import job
from cpms.core.transaction import in_transaction


@job("retention", trigger="cron", hour=2, minute=30)
def retention(app):
    """Every night: anonymise or delete personal data past its retention class."""
    from cpms.privacy.service.retention import apply_retention
    with in_transaction("retention job"):
        apply_retention()
