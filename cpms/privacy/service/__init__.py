"""The privacy domain's services: retention of personal data (retention.py) and subject access (subject.py),
applied to what each domain declares in its contract."""
from cpms.privacy.service import retention, subject  # noqa: F401
