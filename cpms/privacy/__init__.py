"""Data protection: retention of personal data (retention.py, jobs.py) and subject access (subject.py)."""
