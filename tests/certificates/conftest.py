import pytest


@pytest.fixture(autouse=True)
def no_request_counted(fresh_rate_limits):
    """The verification pages are rate-limited per address, and every test comes from 127.0.0.1: each test starts
    with no request counted (tests/conftest.py)."""
    yield
