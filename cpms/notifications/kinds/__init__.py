"""The reminder kinds for what CPMS tracks so far, one module per watched domain (see ../registry.py)."""
from cpms.notifications.kinds import committees, stations, surveys, training  # noqa: F401
