import pytest


@pytest.fixture(autouse=True)
def fresh_rate_limits(app):
    """The verification pages are rate-limited per address, and every test comes from 127.0.0.1."""
    from cpms.extensions import limiter
    limiter.reset()
    yield
