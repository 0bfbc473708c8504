"""The reminder kinds for what CPMS tracks so far, one module per watched domain (see ../registry.py)."""
from cpms.notifications.kinds import (  # noqa: F401
    certificates, committees, deployments, indicators, stations, surveys, training)
