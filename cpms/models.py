"""Imports every domain's models so that the metadata (and Alembic) sees all tables."""
import cpms.core.audit  # noqa: F401  (AuditEntry)
from cpms.domains import domain_modules

domain_modules("models")
