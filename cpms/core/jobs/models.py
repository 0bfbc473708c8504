"""The `jobs` table (declared in cpms/core/models.py with the other shared tables)."""
from cpms.core.models import ACTIVE, FINISHED, STATES, Job

__all__ = ["ACTIVE", "FINISHED", "STATES", "Job"]
