"""Large imports: staged in short transactions, invisible until published, nothing left when cancelled or failed,
imported once however often the preview is confirmed, resumed without duplicates after an interruption."""
import io
import os
import re

import pytest
from sqlalchemy import func, select

from cpms.core.errors import DomainError
from cpms.core.jobs import run_queued_jobs
from cpms.core.transaction import in_transaction
from cpms.extensions import db as _db
from cpms.surveys import imports
from cpms.surveys.models import SurveyAnswer, SurveyImport, SurveyResponse
from cpms.surveys.service import staging
from tests.conftest import english
from tests.surveys.fixtures import csv_data, response_row

ROWS = 10


@pytest.fixture
def staged(monkeypatch):
    """Every import is staged (no direct import), three rows per transaction."""
    monkeypatch.setattr(staging, "DIRECT_ROWS", 0)
    monkeypatch.setattr(staging, "STAGE_CHUNK", 3)
    monkeypatch.setattr(staging, "STAGE_PAUSE", 0)


def counts():
    _db.session.rollback()
    return (_db.session.scalar(select(func.count()).select_from(SurveyResponse)),
            _db.session.scalar(select(func.count()).select_from(SurveyAnswer)))


def preview(web, survey_round, rows=ROWS):
    url = f"/surveys/rounds/{survey_round.id}/import"
    data = csv_data([response_row(i, trust="agree" if i < 4 else "disagree") for i in range(rows)])
    response = web.client.post(url, data={"csrf_token": web.token(url), "file": (io.BytesIO(data), "export.csv")},
                               content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[-2000:]
    return re.search(r'action="(/surveys/rounds/\d+/import/[^"]+)"', html).group(1), url


def response_count_on(client, survey_round):
    html = client.get(f"/surveys/rounds/{survey_round.id}").get_data(as_text=True)
    return int(re.search(r'id="response-count">([\d\s,. ]+)<', html).group(1).strip())


def test_staged_rows_are_invisible_until_published(staged, web, client, login_as, make_instrument, make_round,
                                                   monkeypatch):
    survey_round = make_round(make_instrument())
    login_as("me_officer")
    action, url = preview(web, survey_round)
    confirmed = client.post(action, data={"csrf_token": web.token(url), "action": "confirm"})
    assert confirmed.status_code == 302 and "/jobs/" in confirmed.headers["Location"]
    seen = {}
    publish = staging.publish_import

    def look_then_publish(import_id):  # every row is written, not yet published
        seen["stored"] = counts()
        seen["count"] = response_count_on(client, survey_round)
        seen["results"] = client.get(f"/surveys/rounds/{survey_round.id}/results").get_data(as_text=True)
        return publish(import_id)

    monkeypatch.setattr(staging, "publish_import", look_then_publish)
    assert run_queued_jobs() == 1
    assert seen["stored"][0] == ROWS and seen["count"] == 0 and "n = 10" not in seen["results"]
    assert response_count_on(client, survey_round) == ROWS
    results = client.get(f"/surveys/rounds/{survey_round.id}/results").get_data(as_text=True)
    assert "n = 10" in results and "40.0 %" in results
    job_page = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "The responses are imported" in job_page


def test_a_second_confirm_of_the_same_preview_imports_once(staged, web, client, login_as, make_instrument,
                                                           make_round):
    survey_round = make_round(make_instrument())
    login_as("me_officer")
    action, url = preview(web, survey_round)
    first = client.post(action, data={"csrf_token": web.token(url), "action": "confirm"})
    second = client.post(action, data={"csrf_token": web.token(url), "action": "confirm"})
    assert "/jobs/" in first.headers["Location"] and "/jobs/" not in second.headers["Location"]
    assert "already being imported" in client.get(second.headers["Location"]).get_data(as_text=True)
    assert run_queued_jobs() == 1
    third = client.post(action, data={"csrf_token": web.token(url), "action": "confirm"})
    assert "already imported" in client.get(third.headers["Location"]).get_data(as_text=True)
    assert run_queued_jobs() == 0
    assert counts()[0] == ROWS and response_count_on(client, survey_round) == ROWS


def test_small_preview_confirmed_twice_imports_once(web, client, login_as, make_instrument, make_round):
    survey_round = make_round(make_instrument())
    login_as("me_officer")
    action, url = preview(web, survey_round, rows=3)
    first = client.post(action, data={"csrf_token": web.token(url), "action": "confirm"})
    assert "/jobs/" not in first.headers["Location"]  # small: imported in the request
    second = client.post(action, data={"csrf_token": web.token(url), "action": "confirm"})
    assert "already imported" in client.get(second.headers["Location"]).get_data(as_text=True)
    assert counts()[0] == 3 and run_queued_jobs() == 0


def test_a_failed_import_leaves_no_rows_and_says_why(staged, web, client, login_as, make_instrument, make_round):
    survey_round = make_round(make_instrument())
    login_as("me_officer")
    action, url = preview(web, survey_round)
    job_url = client.post(action, data={"csrf_token": web.token(url), "action": "confirm"}).headers["Location"]
    os.remove(staging.preview_path(action.rsplit("/", 1)[1]))  # the preview expired before the job ran
    assert run_queued_jobs() == 1
    assert "This preview has expired" in client.get(job_url).get_data(as_text=True)
    assert counts() == (0, 0)
    assert _db.session.scalar(select(SurveyImport.state)) == "cancelled"


def test_a_bug_half_way_removes_the_staged_rows(staged, web, client, login_as, make_instrument, make_round,
                                                monkeypatch):
    survey_round = make_round(make_instrument())
    login_as("me_officer")
    action, url = preview(web, survey_round)
    client.post(action, data={"csrf_token": web.token(url), "action": "confirm"})
    insert_rows, calls = staging.insert_rows, []

    def third_chunk_breaks(*args):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return insert_rows(*args)

    monkeypatch.setattr(staging, "insert_rows", third_chunk_breaks)
    assert run_queued_jobs() == 1
    assert len(calls) == 3 and counts() == (0, 0)
    assert "Cancelled: nothing was kept" in client.get(f"/surveys/rounds/{survey_round.id}").get_data(as_text=True)


class Stop(BaseException):
    """A worker killed between two transactions."""


def _start(app, survey_round, rows=ROWS):
    data = csv_data([response_row(i) for i in range(rows)])
    with english(app):
        summary = imports.preview_import(None, survey_round, io.BytesIO(data), "export.csv")
        record = imports.start_import(None, survey_round, summary["token"])
        _db.session.commit()
    return record.id


def _stop_after(limit):
    def progress(done, total):
        if done >= limit:
            raise Stop()
    return progress


def test_an_interrupted_import_resumes_without_duplicates(staged, app, make_instrument, make_round):
    survey_round = make_round(make_instrument())
    import_id = _start(app, survey_round)
    with english(app), pytest.raises(Stop):
        staging.stage_import(import_id, progress=_stop_after(6))
    stored, answers_half = counts()
    assert stored == 6 and survey_round.id not in _visible_counts(survey_round)
    with english(app):
        record = staging.stage_import(import_id)
    assert record.state == "published" and record.rows_added == ROWS and record.rows_skipped == 0
    stored, answers = counts()
    assert stored == ROWS and answers == answers_half * ROWS // 6
    assert _visible_counts(survey_round) == {survey_round.id: ROWS}


def _visible_counts(survey_round):
    from cpms.surveys.service import response_counts
    _db.session.rollback()
    return response_counts([survey_round.id])


def test_a_cancelled_import_is_removed_and_cannot_be_resumed(staged, app, web, client, login_as, make_instrument,
                                                             make_round):
    survey_round = make_round(make_instrument())
    import_id = _start(app, survey_round)
    with english(app), pytest.raises(Stop):
        staging.stage_import(import_id, progress=_stop_after(3))
    assert counts()[0] == 3
    login_as("me_officer")
    page = f"/surveys/rounds/{survey_round.id}"
    assert "Being written" in client.get(page).get_data(as_text=True)
    cancelled = web.post(f"/surveys/imports/{import_id}/cancel", {}, page=page)
    assert cancelled.status_code == 302
    assert run_queued_jobs() == 1  # the removal
    assert counts() == (0, 0)
    with english(app), pytest.raises(DomainError, match="cancelled"):
        staging.stage_import(import_id)
    with in_transaction():
        assert staging.cancel_import(import_id) is False  # only a staging import can be cancelled


def test_webhook_submission_during_a_staged_import_is_published_at_once(staged, app, make_instrument, make_round):
    from tests.surveys.fixtures import HEADER
    survey_round = make_round(make_instrument())
    import_id = _start(app, survey_round)
    with english(app), pytest.raises(Stop):
        staging.stage_import(import_id, progress=_stop_after(3))
    with english(app):
        assert imports.receive_submission(survey_round, dict(zip(HEADER, response_row(1)))) == ("created", [])
        _db.session.commit()
        assert _visible_counts(survey_round) == {survey_round.id: 1}
        record = staging.stage_import(import_id)
    assert record.rows_added == ROWS - 1 and record.rows_skipped == 1
    assert counts()[0] == ROWS and _visible_counts(survey_round) == {survey_round.id: ROWS}


def test_one_staged_import_at_a_time_per_round(staged, app, make_instrument, make_round):
    survey_round = make_round(make_instrument())
    _start(app, survey_round)
    data = csv_data([response_row(100 + i) for i in range(4)])
    with english(app):
        summary = imports.preview_import(None, survey_round, io.BytesIO(data), "second.csv")
        with pytest.raises(DomainError, match="Another import into this round is still running"):
            imports.start_import(None, survey_round, summary["token"])


def test_an_incomplete_import_is_not_published(staged, app, make_instrument, make_round):
    survey_round = make_round(make_instrument())
    import_id = _start(app, survey_round)
    with english(app), pytest.raises(DomainError, match="not complete yet"):
        staging.publish_import(import_id)
    assert _db.session.get(SurveyImport, import_id).state == "staging"


from hypothesis import settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.stateful import (  # noqa: E402
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

LIFE_ROWS = 7


class ImportMachine(RuleBasedStateMachine):
    """One staged import of LIFE_ROWS rows into a fresh round; `context` (app, make_round, instrument) is set by
    the test."""

    context = None

    def __init__(self):
        super().__init__()
        app, make_round, instrument = self.context
        self.app = app
        self.round = make_round(instrument, name=f"Round {id(self)}")
        data = csv_data([response_row(i) for i in range(LIFE_ROWS)])
        with english(app):
            summary = imports.preview_import(None, self.round, io.BytesIO(data), "export.csv")
            self.token = summary["token"]
            self.import_id = imports.start_import(None, self.round, self.token).id
            _db.session.commit()
        self.state, self.webhook = "staging", set()

    @precondition(lambda self: self.state == "staging")
    @rule(more=st.integers(min_value=1, max_value=LIFE_ROWS))
    def stage_some(self, more):
        done = _db.session.get(SurveyImport, self.import_id).rows_done
        with english(self.app):
            try:
                staging.stage_import(self.import_id, progress=_stop_after(done + more))
                self.state = "published"
            except Stop:
                _db.session.rollback()

    @rule()
    def finish(self):
        with english(self.app):
            try:
                staging.stage_import(self.import_id)
                assert self.state != "cancelled"
                self.state = "published"
            except DomainError:
                assert self.state == "cancelled"

    @rule()
    def cancel(self):
        with in_transaction():
            cancelled = staging.cancel_import(self.import_id)
        assert cancelled == (self.state == "staging")
        if cancelled:
            self.state = "cancelled"
        staging.remove_staged_rows(self.import_id)

    @rule()
    def confirm_again(self):
        with english(self.app), pytest.raises(DomainError):
            imports.start_import(None, self.round, self.token)
        _db.session.rollback()

    @rule(number=st.integers(min_value=0, max_value=LIFE_ROWS + 2))
    def webhook(self, number):
        from tests.surveys.fixtures import HEADER
        with english(self.app):
            imports.receive_submission(self.round, dict(zip(HEADER, response_row(number))))
            _db.session.commit()
        if not (self.state == "published" and number < LIFE_ROWS):
            self.webhook.add(number)

    @invariant()
    def only_published_rows_are_seen(self):
        expected = len(self.webhook | (set(range(LIFE_ROWS)) if self.state == "published" else set()))
        assert _visible_counts(self.round).get(self.round.id, 0) == expected
        if self.state == "cancelled":
            stored = _db.session.scalar(select(func.count()).select_from(SurveyResponse).where(
                SurveyResponse.round_id == self.round.id))
            assert stored == len(self.webhook)


def test_import_life_cycle_keeps_rows_invisible_until_published(staged, app, make_instrument, make_round,
                                                                monkeypatch):
    """Stateful: whatever the order of staging steps, interruptions, cancellations, repeated confirms and webhook
    submissions, the round shows no staged row, the published import shows every row once, and a cancelled
    import leaves nothing but the webhook's submissions."""
    monkeypatch.setattr(ImportMachine, "context", (app, make_round, make_instrument()))
    run_state_machine_as_test(ImportMachine, settings=settings(max_examples=8, stateful_step_count=6,
                                                               deadline=None))


def test_the_hourly_sweep_removes_what_cancelled_imports_left(staged, app, make_instrument, make_round):
    from cpms.surveys.jobs import remove_cancelled_imports
    survey_round = make_round(make_instrument())
    import_id = _start(app, survey_round)
    with english(app), pytest.raises(Stop):
        staging.stage_import(import_id, progress=_stop_after(3))
    with in_transaction():
        staging.cancel_import(import_id)
    assert counts()[0] == 3
    assert remove_cancelled_imports(app) == 1
    assert counts() == (0, 0)
