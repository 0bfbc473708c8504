"""Job-mechanism fixtures: a few test handlers (registered once) and a job factory."""
import pytest

from cpms.core.errors import DomainError
from cpms.core.jobs import N_, enqueue_job, task
from cpms.core.transaction import in_transaction

RAN = []


@task("tests.echo", title=N_("Sign-in sheet"))
def echo(job, value=0, fail=None):
    job.progress(50, N_("Rendering pages"))
    RAN.append(value)
    if fail == "domain":
        raise DomainError("Nothing to do")
    job.save_result("echo.txt", f"value {value}".encode(), "text/plain")
    return N_("The sign-in sheet is ready.")


@pytest.fixture
def make_job(db):
    """make_job(owner, **params): a committed queued tests.echo job."""
    def factory(owner, **params):
        with in_transaction():
            return enqueue_job("tests.echo", params, owner, back_url="/")
    RAN.clear()
    return factory
