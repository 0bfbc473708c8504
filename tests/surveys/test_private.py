"""Private by default (issue 20): an export full of identifying values leaves none of them in any file of the
database; free text kept on purpose is scrubbed, and erased from the files when it is no longer kept."""
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cpms.core.audit import AuditEntry
from cpms.extensions import db as _db
from cpms.surveys.models import SurveyAnswer, SurveyInstrument, SurveyQuestion, SurveyResponse
from cpms.surveys.service import instrument_questions, keep_questions, staging
from tests.surveys.fixtures import (
    HEADER,
    QUESTIONS,
    create_test_instrument,
    csv_data,
    do_import,
    keep_free_text,
    response_row,
)

# a telephone typed as a number, an enumerator typed by hand, and a column of the export that is not in the form
IDENTIFYING_QUESTIONS = QUESTIONS + [("integer", "phone_number", "Telephone", "Téléphone"),
                                     ("text", "enumerator", "Enumerator", "Enquêteur")]
IDENTIFYING_HEADER = HEADER + ["phone_number", "enumerator", "respondent_email"]


def identifying_row(n):
    """A row of the export whose every identifying cell holds a value found nowhere else."""
    row = response_row(n, full_name=f"Kapinga Tshiala{n:03d}", comment=f"Le voisin Mukendi Zola{n:03d} a vu le vol")
    row[1], row[2] = f"imei:99017{n:09d}", f"+24399777{n:04d}"  # deviceid, phonenumber
    row[7], row[8] = f"-6.4242{n:03d} 23.5151{n:03d} 612 4", f"-6.4242{n:03d}"  # gps, _gps_latitude
    row[16] = f"enq_ngalula{n:03d}"  # _submitted_by
    return row + [f"24381555{n:04d}", f"Ngalula Kabedi{n:03d}", f"kabedi{n:03d}@exemple.cd"]


def identifying_values(n):
    row = identifying_row(n)
    return [row[1], row[2], row[5], row[7], row[8], row[12], row[16], row[-3], row[-2], row[-1]]


def database_files():
    """Every file of the SQLite database: the database, its -wal, -shm and -journal files (those that exist)."""
    path = _db.engine.url.database
    return [Path(path + suffix) for suffix in ("", "-wal", "-shm", "-journal") if os.path.exists(path + suffix)]


def found_in_files(values, files):
    contents = [file.read_bytes() for file in files]
    return [value for value in values if any(value.encode() in content for content in contents)]


@pytest.fixture
def sqlite_only(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the files of a PostgreSQL cluster are not the test's to read (docs/rules/privacy.md)")


def test_an_export_full_of_identifying_values_leaves_none_in_any_file_of_the_database(
        app, sqlite_only, make_round, monkeypatch):
    instrument = create_test_instrument(questions=IDENTIFYING_QUESTIONS)
    dropped = {q.name for q in instrument_questions(instrument) if q.is_identifying}
    assert dropped == {"full_name", "comment", "phone_number", "enumerator"}
    small, large = make_round(instrument), make_round(instrument, name="Endline 2017", kind="endline")
    summary, record = do_import(app, small, csv_data([identifying_row(n) for n in range(3)], IDENTIFYING_HEADER))
    assert record.rows_added == 3 and "respondent/full_name" in summary["dropped_columns"]
    monkeypatch.setattr(staging, "DIRECT_ROWS", 2)  # the second file is staged in chunks, then published
    monkeypatch.setattr(staging, "STAGE_CHUNK", 2)
    monkeypatch.setattr(staging, "STAGE_PAUSE", 0)
    _summary, record = do_import(app, large, csv_data([identifying_row(n) for n in range(3, 8)], IDENTIFYING_HEADER))
    assert record.state == "published" and record.rows_added == 5
    assert _db.session.scalar(select(func.count()).select_from(SurveyAnswer).join(SurveyQuestion).where(
        SurveyQuestion.name == "trust")) == 8
    stored_hash = _db.session.scalar(select(SurveyResponse.instance_hash).limit(1))
    _db.session.remove()

    files = database_files()
    assert files[0].suffix == ".sqlite3" and any(str(f).endswith("-wal") for f in files)
    assert found_in_files([stored_hash], files) == [stored_hash]  # what is stored is found in the files
    secrets = [value for n in range(8) for value in identifying_values(n)]
    assert found_in_files(secrets, files) == []
    leftovers = [p for p in Path(app.instance_path).rglob("*") if p.is_file()]
    assert found_in_files(secrets, leftovers) == []  # nor in the uploads or previews kept under instance/


def test_free_text_kept_is_scrubbed_and_leaves_the_files_when_no_longer_kept(app, sqlite_only, make_round):
    instrument = create_test_instrument()
    keep_free_text(instrument)
    survey_round, instrument_id = make_round(instrument), instrument.id
    rows = [response_row(n, comment=f"Kalala Wumba{n} +243 81 234 56{n:02d}, wumba{n}@exemple.cd, patrouilles")
            for n in range(3)]
    do_import(app, survey_round, csv_data(rows))
    assert _db.session.scalar(select(SurveyAnswer.value_text).join(SurveyQuestion).where(
        SurveyQuestion.name == "comment").order_by(SurveyAnswer.value_text).limit(1)) == "Kalala Wumba0 […], […], patrouilles"
    _db.session.remove()
    names = [f"Kalala Wumba{n}" for n in range(3)]
    assert found_in_files(names, database_files()) == names
    assert found_in_files([f"wumba{n}@exemple.cd" for n in range(3)] + ["234 5601"], database_files()) == []

    instrument = _db.session.get(SurveyInstrument, instrument_id)
    keep_questions(instrument, [q.id for q in instrument_questions(instrument) if q.name != "comment"
                                and not q.is_identifying], "")
    _db.session.commit()
    _db.session.remove()
    assert _db.session.scalar(select(func.count()).select_from(SurveyAnswer).join(SurveyQuestion).where(
        SurveyQuestion.name == "comment")) == 0
    assert found_in_files(names, database_files()) == []


def test_a_question_is_kept_only_with_a_reason_which_is_logged(web, client, login_as, make_instrument):
    instrument = make_instrument()
    comment = next(q for q in instrument_questions(instrument) if q.name == "comment")
    login_as("me_officer")
    page = client.get(f"/surveys/instruments/{instrument.id}").get_data(as_text=True)
    assert "comment <strong>(not stored)</strong>" in page
    url = f"/surveys/instruments/{instrument.id}/kept"
    refused = web.post(url, {"questions": [comment.id], "reason": ""}, page=f"/surveys/instruments/{instrument.id}")
    assert refused.status_code == 302
    assert "Say why the answers" in client.get(refused.headers["Location"]).get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(SurveyQuestion, comment.id).is_identifying
    kept = web.post(url, {"questions": [comment.id], "reason": "Suggestions for the quarterly report"},
                    page=f"/surveys/instruments/{instrument.id}")
    assert kept.status_code == 302
    page = client.get(kept.headers["Location"]).get_data(as_text=True)
    assert "comment <strong>(stored: Suggestions for the quarterly report)</strong>" in page
    _db.session.expire_all()
    assert _db.session.get(SurveyQuestion, comment.id).is_identifying is False
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "survey_question_kept"))
    assert entry.detail == "comment: Suggestions for the quarterly report" and entry.actor_label
