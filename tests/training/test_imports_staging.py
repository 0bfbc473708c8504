"""Confirmed imports: once only, all or nothing, staged in short transactions and published in one step; files
above DIRECT_ROWS rows are imported by a job whose page shows progress, the result and the way back."""
import re
from datetime import date

import pytest
from sqlalchemy import func, insert, select

from cpms.core.errors import DomainError
from cpms.core.imports import staging
from cpms.core.imports.models import ImportRecord, ImportRow
from cpms.core.jobs import Job, JobInterrupted, run_queued_jobs
from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import Enrolment, Trainee
from tests.conftest import commune_id, english
from tests.training.fixtures import TRAINEE_IMPORT_URL, confirm_url, upload

HEADER = "Matricule,Last name,First name,Sex,Commune\n"


def count(model, *where):
    return _db.session.scalar(select(func.count()).select_from(model).where(*where))


def trainee_file(n, prefix="5"):
    return (HEADER + "".join(f"{prefix}-{i:05d},Kalala{i},Paul,M,Bipemba\n" for i in range(n))).encode()


def many_trainees(n, ranks, province_id, prefix="6"):
    _db.session.execute(insert(Trainee), [
        {"matricule": f"{prefix}{i:05d}", "last_name": f"Tshibola{i:03d}", "post_name": "", "first_name": "Anne",
         "sex": "F", "commune_id": commune_id("Bipemba"), "province_id": province_id, "rank_id": ranks["AGT"].id,
         "specialty": "community", "unit": ""} for i in range(n)])
    _db.session.commit()
    return _db.session.scalars(select(Trainee).where(Trainee.matricule.like(f"{prefix}_____")).order_by(Trainee.id)).all()


def test_confirming_a_small_file_twice_imports_its_rows_once(client, web, login_as, ranks):
    login_as("project_officer", "Kasaï-Oriental")
    html = upload(web, trainee_file(3)).get_data(as_text=True)
    assert 'id="in-background"' not in html
    url = confirm_url(html)
    first = web.post(url, {"action": "confirm"}, page=TRAINEE_IMPORT_URL)
    assert "3 trainees imported." in client.get(first.headers["Location"]).get_data(as_text=True)
    second = web.post(url, {"action": "confirm"}, page=TRAINEE_IMPORT_URL)  # the back button, a double click
    assert second.status_code == 302
    assert "This file has already been imported" in client.get(second.headers["Location"]).get_data(as_text=True)
    assert count(Trainee) == 3
    assert _db.session.scalars(select(ImportRecord.status)).all() == ["published"]
    assert count(ImportRow) == 0


def test_a_large_enrolment_is_a_job_staged_then_published_once(client, web, login_as, make_cohort, ranks):
    login_as("project_officer", "Kasaï-Oriental")
    cohort = make_cohort()
    trainees = many_trainees(staging.DIRECT_ROWS + 50, ranks, cohort.province_id)
    url = f"/training/cohorts/{cohort.id}/enrol-import"
    html = upload(web, ("Matricule\n" + "\n".join(t.matricule for t in trainees)).encode(), url=url).get_data(
        as_text=True)
    assert f'id="rows-to-import">{len(trainees)}<' in html and 'id="in-background"' in html
    response = web.post(confirm_url(html), {"action": "confirm"}, page=url)
    assert re.match(r".*/jobs/\d+$", response.headers["Location"])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import from a file" in page and "Waiting to start" in page
    assert count(Enrolment) == 0 and count(ImportRow) == len(trainees)  # staged, invisible
    again = web.post(confirm_url(html), {"action": "confirm"}, page=url)
    assert again.headers["Location"] == response.headers["Location"]  # the same job, not a second one
    assert count(Job) == 1
    assert run_queued_jobs() == 1
    assert count(Enrolment, Enrolment.cohort_id == cohort.id) == len(trainees)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{len(trainees)} enrolments recorded." in page and f"/training/cohorts/{cohort.id}" in page
    record = _db.session.scalars(select(ImportRecord)).one()
    assert (record.status, record.imported) == ("published", len(trainees)) and count(ImportRow) == 0
    assert staging.run_import(record.id) == len(trainees)  # run again (a retried job): nothing more
    assert count(Enrolment) == len(trainees)


def _queued_import(web, login_as, content, prefix_user="project_officer"):
    login_as(prefix_user, "Kasaï-Oriental")
    html = upload(web, content).get_data(as_text=True)
    web.post(confirm_url(html), {"action": "confirm"}, page=TRAINEE_IMPORT_URL)
    return _db.session.scalars(select(ImportRecord)).one()


def test_a_job_that_finds_the_data_changed_fails_with_its_reason_and_saves_nothing(client, web, login_as, ranks,
                                                                                   make_trainee):
    record = _queued_import(web, login_as, trainee_file(staging.DIRECT_ROWS + 20))
    make_trainee(matricule="5-00007")  # registered meanwhile, by someone else
    assert run_queued_jobs() == 1
    job = _db.session.scalars(select(Job)).one()
    assert job.state == "failed" and "Nothing was saved" in job.error and "row 9" in job.error
    assert "Nothing was saved" in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert count(Trainee) == 1
    _db.session.refresh(record)
    assert record.status == "failed" and count(ImportRow, ImportRow.stage == "checked") == 0


def test_the_failure_reason_is_in_the_owners_language(web, login_as, ranks, make_trainee):
    _queued_import(web, lambda role, area: login_as(role, area, locale="fr"), trainee_file(staging.DIRECT_ROWS + 1))
    make_trainee(matricule="5-00000")
    run_queued_jobs()
    assert "Rien n'a été enregistré" in _db.session.scalars(select(Job.error)).one()


def test_a_publication_refused_by_a_service_leaves_nothing_visible(web, login_as, make_cohort, ranks, app):
    login_as("project_officer", "Kasaï-Oriental")
    cohort = make_cohort()
    trainees = many_trainees(staging.DIRECT_ROWS + 10, ranks, cohort.province_id)
    url = f"/training/cohorts/{cohort.id}/enrol-import"
    html = upload(web, ("Matricule\n" + "\n".join(t.matricule for t in trainees)).encode(), url=url).get_data(
        as_text=True)
    web.post(confirm_url(html), {"action": "confirm"}, page=url)
    record = _db.session.scalars(select(ImportRecord)).one()

    def enrol_one_meanwhile(percent, stage=None):
        if stage == "Publishing":  # after the checks and the staging, before the publication
            service.enrol_trainees(cohort, [trainees[-1].id])
            _db.session.commit()

    with english(app), pytest.raises(DomainError, match="Already enrolled"):
        staging.run_import(record.id, enrol_one_meanwhile)
    assert count(Enrolment) == 1  # only the one enrolled meanwhile
    _db.session.refresh(record)
    assert record.status == "failed" and "Already enrolled" in record.message


def test_an_import_interrupted_before_publication_resumes_without_duplicates(web, login_as, ranks):
    record = _queued_import(web, login_as, trainee_file(staging.DIRECT_ROWS + 5))

    def killed(percent, stage=None):
        if stage == "Publishing":
            raise JobInterrupted()

    with pytest.raises(JobInterrupted):
        staging.run_import(record.id, killed)
    assert count(Trainee) == 0 and count(ImportRow, ImportRow.stage == "checked") > 0
    assert staging.run_import(record.id) == staging.DIRECT_ROWS + 5
    assert staging.run_import(record.id) == staging.DIRECT_ROWS + 5
    assert count(Trainee) == staging.DIRECT_ROWS + 5 and count(ImportRow) == 0


def test_stale_staged_rows_are_removed(web, login_as, ranks):
    from datetime import timedelta

    from cpms.core.models import utcnow
    record = _queued_import(web, login_as, trainee_file(staging.DIRECT_ROWS + 1))
    staging.purge_stale_imports(utcnow() + timedelta(hours=7))
    _db.session.commit()
    _db.session.refresh(record)
    assert record.status == "cancelled" and count(ImportRow) == 0
    assert run_queued_jobs() == 1
    assert _db.session.scalars(select(Job.error)).one() == "This import was cancelled: nothing was saved."
    _db.session.refresh(record)
    assert count(Trainee) == 0 and record.status == "cancelled"  # and stays so: a retry cannot revive it


def test_the_next_confirmation_removes_stale_staged_rows(web, login_as, ranks, monkeypatch):
    record = _queued_import(web, login_as, trainee_file(staging.DIRECT_ROWS + 1))
    monkeypatch.setattr(staging, "STALE_AFTER", staging.STALE_AFTER * 0)
    html = upload(web, trainee_file(2, prefix="4")).get_data(as_text=True)
    web.post(confirm_url(html), {"action": "confirm"}, page=TRAINEE_IMPORT_URL)
    _db.session.refresh(record)
    assert record.status == "cancelled" and count(ImportRow) == 0 and count(Trainee) == 2


def test_a_large_vetting_result_file_is_a_job_too(client, web, login_as, ranks, make_trainee):
    login_as("project_officer", "Kasaï-Oriental")
    trainees = many_trainees(staging.DIRECT_ROWS + 1, ranks, _province("Kasaï-Oriental"))
    for trainee in trainees:
        service.record_vetting(trainee, submitted_on=date(2016, 1, 5), status="pending", batch_reference="L-1")
    _db.session.commit()
    content = "Matricule,Vetting status,Decision date\n" + "".join(f"{t.matricule},approved,2016-02-01\n"
                                                                  for t in trainees)
    html = upload(web, content.encode(), url="/training/vetting/results").get_data(as_text=True)
    response = web.post(confirm_url(html), {"action": "confirm"}, page="/training/vetting/results")
    assert re.match(r".*/jobs/\d+$", response.headers["Location"])
    assert run_queued_jobs() == 1
    assert f"{len(trainees)} vetting results recorded." in client.get(response.headers["Location"]).get_data(
        as_text=True)
    assert set(service.latest_vetting([t.id for t in trainees]).values()) and all(
        v.status == "approved" for v in service.latest_vetting([t.id for t in trainees]).values())


def _province(name):
    from tests.conftest import province_id
    return province_id(name)



def test_two_confirmations_at_the_same_moment_import_once(web, login_as, ranks, monkeypatch, app):
    """The second of two simultaneous confirmations did not see the first's record yet: the unique token stops it."""
    from cpms.core.imports import base
    from cpms.training.imports.trainees import TraineeImport
    owner = login_as("project_officer", "Kasaï-Oriental")
    html = upload(web, trainee_file(3)).get_data(as_text=True)
    token = confirm_url(html).rsplit("/", 1)[1]
    kind = TraineeImport.for_owner(owner)
    with english(app):
        assert base.confirm(kind, owner, token) == 3
        _db.session.commit()
        monkeypatch.setattr(staging, "find_import", lambda t: None)  # as if read before the first one committed
        monkeypatch.setattr(base.pending, "load", lambda *a, **k: {"kind": "trainees", "context": None, "rows": []})
        with pytest.raises(base.AlreadyConfirmed):
            base.confirm(kind, owner, token)
    assert count(Trainee) == 3 and count(ImportRecord) == 1


def test_cancelling_a_queued_import_job_cancels_the_import_and_removes_its_rows_at_once(client, web, login_as, ranks):
    record = _queued_import(web, login_as, trainee_file(staging.DIRECT_ROWS + 3))
    assert count(ImportRow) == staging.DIRECT_ROWS + 3
    job = _db.session.scalars(select(Job)).one()
    assert web.post(f"/jobs/{job.id}/cancel", {}, page=f"/jobs/{job.id}").status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Job, job.id).state == "cancelled"
    _db.session.refresh(record)
    assert record.status == "cancelled" and count(ImportRow) == 0  # not left for the sweep
    web.post(f"/jobs/{job.id}/retry", {}, page=f"/jobs/{job.id}")
    run_queued_jobs()
    assert count(Trainee) == 0
    assert "This import was cancelled: nothing was saved." in client.get(f"/jobs/{job.id}").get_data(as_text=True)
