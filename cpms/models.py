"""Imports every domain's models so that the metadata (and Alembic) sees all tables."""
from cpms.core.models import SchedulerHeartbeat  # noqa: F401
from cpms.core.audit import AuditEntry  # noqa: F401
from cpms.geo.models import City, Commune, Province, Quartier  # noqa: F401
from cpms.auth.models import ApiToken, User  # noqa: F401
from cpms.programmes.models import Programme  # noqa: F401
