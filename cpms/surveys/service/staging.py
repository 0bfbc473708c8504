"""Survey imports written in short transactions, all or nothing: stage, then publish (issue 18).

A confirmed preview becomes a `SurveyImport` (`start_import`, in the request; the preview token is unique, so a
second confirm of the same preview is refused). A small preview (at most DIRECT_ROWS rows) is imported at once
in the request's transaction. A larger one is `staging`: `stage_import` (the job surveys.import_responses)
writes its responses and answers STAGE_CHUNK rows per transaction – each a short hold of the write lock – and
records how far it got (`rows_done`), so that a job killed half-way resumes where it stopped. Staged rows are
seen by no page, export or indicator (`SurveyResponse.visible()`) until `publish_import` makes the import
`published` in one short transaction. A failed or cancelled import becomes `cancelled` and `remove_staged_rows`
deletes its rows, REMOVE_CHUNK responses per transaction; after each, the database's files are cleaned of them
(cpms/core/erasure.py).

One import stages at a time in a round; before staging, the rows left by cancelled imports of the round are
removed, so that they do not hide the same submissions in the new file.
"""
import json
import os
import time
from itertools import islice

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from cpms.core import pending as pending_files
from cpms.core.erasure import wipe_after_commit
from cpms.core.errors import DomainError
from cpms.core.models import utcnow
from cpms.core.transaction import in_transaction
from cpms.extensions import db
from cpms.surveys.models import SurveyAnswer, SurveyImport, SurveyResponse

PREVIEW_FOLDER = "survey-previews"
DIRECT_ROWS = 1000  # at most this many rows are imported within the confirming request (about 0.3 s)
STAGE_CHUNK = 250  # rows (responses and their answers) written per transaction while staging
REMOVE_CHUNK = 2000  # responses removed per transaction when an import is cancelled
ANSWER_BATCH = 5000
STAGE_PAUSE = 0.1  # seconds between two chunks on SQLite (the lock is free for other writers meanwhile)


def preview_path(token):
    return pending_files.path_for(PREVIEW_FOLDER, token, suffix=".jsonl")


def _expired():
    return DomainError(_("This preview has expired: upload the file again."))


def _read_preview(path, survey_round, actor):
    """(meta, number of rows) of a preview file that belongs to this round and this user."""
    if path is None or not os.path.exists(path):
        raise _expired()
    with open(path, encoding="utf-8") as source:
        meta = json.loads(source.readline())
        total = sum(1 for _line in source)
    if meta.get("round_id") != survey_round.id or meta.get("actor_id") != getattr(actor, "id", None):
        raise _expired()
    return meta, total


def _preview_rows(path, skip=0):
    """The previewed rows [hash, fields, answers] from the `skip`-th on."""
    with open(path, encoding="utf-8") as source:
        source.readline()
        for line in islice(source, skip, None):
            yield json.loads(line)


def _chunks(rows, size):
    while chunk := list(islice(rows, size)):
        yield chunk


def start_import(actor, survey_round, token):
    """The import of a confirmed preview: published at once when small, else `staging` (then `stage_import`)."""
    previous = db.session.scalar(select(SurveyImport).where(SurveyImport.preview_token == token)) if token else None
    if previous is not None and previous.round_id == survey_round.id:
        if previous.state == "staging":
            raise DomainError(_("This file is already being imported."))
        raise DomainError(_("This file was already imported.") if previous.state == "published"
                          else _("This import was cancelled: upload the file again."))
    path = preview_path(token)
    meta, total = _read_preview(path, survey_round, actor)
    busy = db.session.scalar(select(SurveyImport.id).where(SurveyImport.round_id == survey_round.id,
                                                           SurveyImport.state == "staging").limit(1))
    if busy is not None and total > DIRECT_ROWS:
        raise DomainError(_("Another import into this round is still running: wait until it is finished."))
    record = SurveyImport(round_id=survey_round.id, source="file", filename=meta.get("filename", ""),
                          actor_id=getattr(actor, "id", None), created_at=utcnow(), rows_added=0, rows_skipped=0,
                          rows_total=total, rows_done=0, preview_token=token,
                          state="published" if total <= DIRECT_ROWS else "staging")
    try:
        with db.session.begin_nested():  # the token is consumed here: a second confirm cannot import twice
            db.session.add(record)
    except IntegrityError:
        raise DomainError(_("This file was already imported.")) from None
    if record.state == "published":
        rows = list(_preview_rows(path))
        free_hashes(survey_round.id, [row[0] for row in rows], ("cancelled",))
        insert_rows(survey_round.id, record.id, rows)
        _count(record)
        record.rows_done, record.finished_at = total, utcnow()
        db.session.flush()
        os.remove(path)
    return record


def _count(record):
    """Rows added, and rows skipped: those already there or repeated when the file was previewed (the preview
    file's first line counts them) plus those imported by someone else since."""
    added = db.session.scalar(select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.import_id == record.id))
    record.rows_added, record.rows_skipped = added, record.rows_total - added + _skipped_in_preview(record)


def _skipped_in_preview(record):
    path = preview_path(record.preview_token) if record.preview_token else None
    if path is None or not os.path.exists(path):
        return 0
    with open(path, encoding="utf-8") as source:
        meta = json.loads(source.readline())
    return int(meta.get("already_imported", 0)) + int(meta.get("duplicates_in_file", 0))


def _claim(import_id, done, size):
    """Move the import's progress from `done` to `done + size`, if it is still staging there (a second run of the
    same job, or a cancellation, stops this one). Locks the import's row until the transaction ends."""
    record = db.session.scalar(select(SurveyImport).where(SurveyImport.id == import_id)
                               .with_for_update().execution_options(populate_existing=True))
    if record is None or record.state != "staging" or record.rows_done != done:
        return False
    record.rows_done = done + size
    db.session.flush()
    return True


def stage_import(import_id, progress=None):
    """Write a staging import's rows in short transactions, from where it stopped; then publish it. Returns the
    import. `progress(done, total)` is called after each chunk. A cancelled import's rows are removed instead."""
    record = db.session.get(SurveyImport, import_id)
    if record is None or record.state == "published":
        return record
    round_id, token, done, total = record.round_id, record.preview_token, record.rows_done, record.rows_total
    if record.state == "cancelled":
        remove_staged_rows(import_id)
        raise DomainError(_("This import was cancelled: upload the file again."))
    path = preview_path(token)
    if path is None or not os.path.exists(path):
        raise _expired()
    db.session.commit()  # end the read before the writes
    remove_leftovers(round_id)
    for chunk in _chunks(_preview_rows(path, skip=done), STAGE_CHUNK):
        prepared = prepare_rows(round_id, import_id, chunk)
        with in_transaction():
            claimed = _claim(import_id, done, len(chunk))
            if claimed:
                insert_rows(round_id, import_id, chunk, prepared)
        if not claimed:
            return _stopped(import_id)
        done += len(chunk)
        _let_others_write()
        if progress is not None:
            progress(done, total)
    return publish_import(import_id)


def _let_others_write():
    """On SQLite, pause between two chunks: a writer waiting for the lock (a register save) polls it every 100 ms
    at most, and would otherwise seldom find it free between two back-to-back chunks."""
    if db.session.get_bind().dialect.name == "sqlite":
        time.sleep(STAGE_PAUSE)


def _stopped(import_id):
    record = db.session.get(SurveyImport, import_id)
    db.session.refresh(record)
    if record.state == "cancelled":
        remove_staged_rows(import_id)
        raise DomainError(_("This import was cancelled: upload the file again."))
    return record  # another run of the same job took over (it publishes)


def publish_import(import_id):
    """Make a staged import visible, in one short transaction; the preview file is removed. Idempotent."""
    with in_transaction():
        record = db.session.scalar(select(SurveyImport).where(SurveyImport.id == import_id)
                                   .with_for_update().execution_options(populate_existing=True))
        if record.state != "staging":
            return record
        if record.rows_done < record.rows_total:
            raise DomainError(_("This import is not complete yet."))
        _count(record)
        record.state, record.finished_at = "published", utcnow()
        token = record.preview_token
    pending_files.discard(PREVIEW_FOLDER, token, suffix=".jsonl")
    return record


def cancel_import(import_id):
    """Mark a staging import cancelled (its rows stay invisible) and forget its preview; the caller's transaction
    commits it. The rows are removed by `remove_staged_rows`. Returns whether it was staging."""
    record = db.session.scalar(select(SurveyImport).where(SurveyImport.id == import_id)
                               .with_for_update().execution_options(populate_existing=True))
    if record is None or record.state != "staging":
        return False
    record.state, record.finished_at = "cancelled", utcnow()
    db.session.flush()
    pending_files.discard(PREVIEW_FOLDER, record.preview_token, suffix=".jsonl")
    return True


def fail_import(import_id):
    """A staging import that cannot finish: cancelled, then its rows removed (each step its own transaction)."""
    with in_transaction():
        cancel_import(import_id)
    remove_staged_rows(import_id)


def remove_staged_rows(import_id):
    """Delete a cancelled import's responses and answers, REMOVE_CHUNK responses per transaction."""
    while True:
        with in_transaction():
            state = db.session.scalar(select(SurveyImport.state).where(SurveyImport.id == import_id))
            if state != "cancelled":
                return
            ids = list(db.session.scalars(select(SurveyResponse.id).where(SurveyResponse.import_id == import_id)
                                          .limit(REMOVE_CHUNK)))
            if ids:
                db.session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id.in_(ids)))
                db.session.execute(delete(SurveyResponse).where(SurveyResponse.id.in_(ids)))
                wipe_after_commit()
        if not ids:
            return


def remove_leftovers(round_id):
    """Remove what cancelled imports of the round left behind (a worker may have stopped half-way)."""
    cancelled = select(SurveyImport.id).where(SurveyImport.round_id == round_id, SurveyImport.state == "cancelled")
    left = db.session.scalars(select(SurveyResponse.import_id).where(SurveyResponse.import_id.in_(cancelled))
                              .distinct()).all()
    for import_id in left:
        remove_staged_rows(import_id)


def free_hashes(round_id, hashes, states):
    """Delete the round's rows with these instance hashes that belong to imports in `states` (unpublished), so
    that a new import of the same submissions is not skipped. Bounded by the number of hashes; no commit."""
    unpublished = select(SurveyImport.id).where(SurveyImport.round_id == round_id, SurveyImport.state.in_(states))
    ids = list(db.session.scalars(select(SurveyResponse.id).where(
        SurveyResponse.round_id == round_id, SurveyResponse.instance_hash.in_(list(hashes)),
        SurveyResponse.import_id.in_(unpublished))))
    if ids:
        db.session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id.in_(ids)))
        db.session.execute(delete(SurveyResponse).where(SurveyResponse.id.in_(ids)))
        wipe_after_commit()
    return len(ids)


def _insert_ignoring_duplicates(table):
    """INSERT … ON CONFLICT (round_id, instance_hash) DO NOTHING, on SQLite and PostgreSQL."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - other databases check before inserting
        return insert(table)
    return dialect_insert(table).on_conflict_do_nothing(index_elements=["round_id", "instance_hash"])


def prepare_rows(round_id, import_id, rows):
    """The INSERT parameters of rows [hash, fields, answers], built before the write transaction so that it holds
    the lock for the database's work only: (responses, {hash: answers without their response id yet})."""
    responses = [dict(round_id=round_id, import_id=import_id, instance_hash=digest, **fields)
                 for digest, fields, _answers in rows]
    answers = {digest: [dict(response_id=None, question_id=qid, value_text=text, value_number=number)
                        for qid, text, number in row_answers] for digest, _fields, row_answers in rows}
    return responses, answers


def insert_rows(round_id, import_id, rows, prepared=None):
    """Insert rows [hash, fields, answers] of one import; submissions already in the round are skipped."""
    if not rows:
        return 0
    responses, answers = prepared or prepare_rows(round_id, import_id, rows)
    table = SurveyResponse.__table__
    db.session.execute(_insert_ignoring_duplicates(table), responses)
    ids = db.session.execute(select(table.c.instance_hash, table.c.id).where(
        table.c.round_id == round_id, table.c.import_id == import_id,
        table.c.instance_hash.in_(list(answers)))).all()
    inserted = []
    for digest, response_id in ids:
        for answer in answers[digest]:
            answer["response_id"] = response_id
        inserted.extend(answers[digest])
    for start in range(0, len(inserted), ANSWER_BATCH):
        db.session.execute(insert(SurveyAnswer.__table__), inserted[start:start + ANSWER_BATCH])
    return len(ids)
