"""Scheduled data-protection work."""
from cpms.core.scheduler import job


@job("retention", trigger="cron", hour=2, minute=30)
def retention(app):
    """Every night: anonymise or delete personal data past its retention class."""
    from cpms.extensions import db
    from cpms.privacy.retention import apply_retention
    with app.app_context():
        db.session.info["actor_label"] = "retention job"
        apply_retention()
        db.session.commit()
