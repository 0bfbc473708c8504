from tests.access import ANY

EXPECTED = {
    "jobs.mine": ANY,
    "jobs.show": ANY,
    "jobs.result": ANY,
    "jobs.retry": ANY,
    "jobs.cancel": ANY,
}


def samples(request):
    """A finished job with a result, owned by a user of its own: every matrix user but the admin gets 404."""
    from cpms.core.jobs import run_queued_jobs
    owner = request.getfixturevalue("make_user")("trainer", email="job-owner@test.cpms.example")
    job = request.getfixturevalue("make_job")(owner, value=1)
    run_queued_jobs()
    return {"job_id": job.id}
