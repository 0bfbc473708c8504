"""Issue 21, finding 6: the rate limits live in the database by default, so every worker sees the same
counts (with two workers, 120 quick requests against a limit of 30 let 60 through)."""
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from cpms.config import default_config


def test_the_default_storage_is_the_database(tmp_path):
    assert default_config(str(tmp_path))["RATELIMIT_STORAGE_URI"] == "cpms+db://"


def test_two_workers_share_one_count(app, db):
    limit = RateLimitItemPerMinute(30)
    with app.app_context():
        workers = [FixedWindowRateLimiter(storage_from_string("cpms+db://")) for _ in range(2)]
        passed = sum(workers[n % 2].hit(limit, "certificate-verification", "10.4.4.4") for n in range(120))
        assert passed == 30
        assert workers[0].hit(limit, "certificate-verification", "10.4.4.5")  # another address has its own count
        workers[0].storage.reset()


def test_memory_storage_would_not_share(app):
    limit = RateLimitItemPerMinute(30)
    workers = [FixedWindowRateLimiter(storage_from_string("memory://")) for _ in range(2)]
    assert sum(workers[n % 2].hit(limit, "verification", "10.4.4.4") for n in range(120)) == 60
