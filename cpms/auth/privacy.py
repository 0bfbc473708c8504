"""What auth contributes to data protection: the retirement of deactivated accounts and revoked API tokens."""
import sqlalchemy as sa

from cpms.auth.models import ApiToken, User
from cpms.extensions import db
from cpms.privacy.service.retention import ANON_PREFIX, anonymise


def retire_accounts(before):
    """Anonymise accounts deactivated before `before` and delete API tokens revoked before it."""
    tokens = db.session.execute(sa.delete(ApiToken).where(ApiToken.revoked_at < before)).rowcount
    users = anonymise(User.__table__, sa.and_(User.is_active.is_(False), User.updated_at < before,
                                              ~User.email.startswith(ANON_PREFIX)), "account")
    return users + tokens
