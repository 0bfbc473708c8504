"""Data protection: retention of personal data (service/retention.py, jobs.py) and subject access (service/subject.py), applied
to what every domain declares in its contract (retention classes, subjects)."""
from cpms.core.contract import Domain

DOMAIN = Domain("privacy")
