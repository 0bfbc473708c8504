"""/livez for a load balancer; /healthz for monitoring: 503 naming the scheduler, the workers or the queue."""
from datetime import timedelta

from sqlalchemy import update

from cpms.core.jobs import Job
from cpms.core.models import SchedulerHeartbeat, utcnow
from cpms.core.service import beat
from cpms.core.transaction import in_transaction
from cpms.extensions import db as _db


def problems(client):
    response = client.get("/healthz")
    return response.status_code, [p for p in response.get_json()["problems"] if p != "migrations not current"]


def fresh_heartbeats():
    with in_transaction():
        beat("scheduler")
        beat("worker:test:1")


def test_livez_answers_while_the_database_does(client, monkeypatch):
    assert client.get("/livez").status_code == 200
    from cpms.core import service
    monkeypatch.setattr(service, "text", lambda sql: "not SQL")  # the SELECT 1 fails
    response = client.get("/livez")
    assert response.status_code == 503 and response.get_json() == {"status": "error"}


def test_healthz_names_a_stale_scheduler_and_a_missing_worker(client, app):
    assert problems(client)[1] == ["scheduler never seen", "workers never seen"]
    fresh_heartbeats()
    assert problems(client)[1] == []
    with in_transaction():
        _db.session.execute(update(SchedulerHeartbeat).values(beat_at=utcnow() - timedelta(hours=1)))
    assert problems(client) == (503, ["scheduler stale", "workers stale"])


def test_healthz_503_when_the_oldest_queued_job_waits_too_long(client, make_user, make_job, monkeypatch, app):
    fresh_heartbeats()
    job = make_job(make_user("trainer"))
    assert problems(client)[1] == []
    with in_transaction():
        _db.session.get(Job, job.id).run_after = utcnow() - timedelta(seconds=app.config["JOB_QUEUE_ALERT_SECONDS"] + 5)
    status, found = problems(client)
    assert status == 503 and found == ["jobs waiting too long"]
    assert client.get("/healthz").get_json()["queue"]["queued"] == 1
