"""Scheduled survey work: the rows of cancelled imports that nothing removed yet (e.g. the owner cancelled an
import job that a stopped worker had half-done) are removed, in short transactions."""
from cpms.core.scheduler import job
from cpms.core.transaction import acting_as


@job("surveys.remove_cancelled_imports", hours=1)
def remove_cancelled_imports(app):
    from sqlalchemy import select

    from cpms.extensions import db
    from cpms.surveys.models import SurveyImport, SurveyResponse
    from cpms.surveys.service.staging import remove_staged_rows
    with app.app_context(), acting_as(None, "scheduler:surveys.remove_cancelled_imports"):
        left = db.session.scalars(select(SurveyResponse.import_id).where(SurveyResponse.import_id.in_(
            select(SurveyImport.id).where(SurveyImport.state == "cancelled"))).distinct()).all()
        db.session.rollback()
        for import_id in left:
            remove_staged_rows(import_id)
        return len(left)
