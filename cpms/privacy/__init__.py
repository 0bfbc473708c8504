"""Data protection: retention of personal data (retention.py, jobs.py) and subject access (subject.py), applied
to what every domain declares in its contract (retention classes, subjects)."""
from cpms.core.contract import Domain

DOMAIN = Domain("privacy")
