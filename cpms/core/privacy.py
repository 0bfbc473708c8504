"""What core contributes to data protection: the audit log's retention class."""
import sqlalchemy as sa

from cpms.core.audit import AuditEntry
from cpms.extensions import db


def retire_audit_entries(before):
    """Delete the audit log's entries recorded before `before`."""
    return db.session.execute(sa.delete(AuditEntry).where(AuditEntry.at < before)).rowcount
