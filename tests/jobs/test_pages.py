"""The job's page: progress that refreshes itself, the result, the failure reason in the reader's language, retry;
only the owner (and admins) see it."""
from cpms.core.jobs import Job, run_queued_jobs
from cpms.extensions import db as _db


def test_a_running_job_s_page_refreshes_itself_and_shows_its_stage_in_french_and_english(client, web, login_as, make_job):
    owner = login_as("trainer", locale="en")
    job = make_job(owner, value=1)
    row = _db.session.get(Job, job.id)
    row.state, row.percent, row.stage = "running", 40, "Rendering pages"
    _db.session.commit()
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "In progress" in page and "40 %" in page and "Sign-in sheet" in page
    web.post("/language", {"lang": "fr", "next": f"/jobs/{job.id}"}, page=f"/jobs/{job.id}")
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "En cours" in page and "Feuille d&#39;émargement" in page and "refresh" in page


def test_a_finished_job_offers_its_result_and_stops_refreshing(client, login_as, make_job):
    owner = login_as("trainer", locale="en")
    job = make_job(owner, value=5)
    run_queued_jobs()
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Finished" in page and "refresh" not in page and "Download echo.txt" in page
    response = client.get(f"/jobs/{job.id}/result")
    assert response.status_code == 200 and response.get_data() == b"value 5"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "Sign-in sheet" in client.get("/jobs/").get_data(as_text=True)


def test_a_failed_job_says_why_and_can_be_retried(client, web, login_as, make_job):
    owner = login_as("trainer", locale="en")
    job = make_job(owner, fail="domain")
    run_queued_jobs()
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Failed" in page and "Nothing to do" in page and "Retry" in page
    assert web.post(f"/jobs/{job.id}/retry", page=f"/jobs/{job.id}").status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Job, job.id).state == "queued"


def test_an_unexpected_failure_is_explained_in_the_reader_s_language(client, web, login_as, make_job):
    owner = login_as("trainer", locale="fr")
    job = make_job(owner)
    row = _db.session.get(Job, job.id)
    row.state, row.error = "failed", "An unexpected error stopped this work; the administrators can find it in the log."
    _db.session.commit()
    web.post("/language", {"lang": "fr", "next": "/"}, page=f"/jobs/{job.id}")
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Une erreur inattendue a arrêté ce travail" in page


def test_another_user_gets_404_and_an_admin_sees_it(client, web, login_as, make_user, make_job):
    owner = make_user("trainer")
    job = make_job(owner, value=2)
    run_queued_jobs()
    login_as("trainer")
    assert client.get(f"/jobs/{job.id}").status_code == 404
    assert client.get(f"/jobs/{job.id}/result").status_code == 404
    assert "Sign-in sheet" not in client.get("/jobs/").get_data(as_text=True)
    web.post("/logout", page="/jobs/")
    login_as("admin")
    assert client.get(f"/jobs/{job.id}").status_code == 200
