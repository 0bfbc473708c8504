"""Confirmed imports: staged in short transactions, published in one short step, all or nothing.

A preview (base.preview) keeps the checked file server-side under a token. Confirming it (base.confirm):

1. claims the token: an ImportRecord row carrying it (unique), so that a second confirmation of the same
   preview – a double click, the back button, two tabs – finds it and imports nothing;
2. a small file (at most DIRECT_ROWS rows) is checked again and applied at once, inside the request;
3. a larger file has its rows staged (ImportRow, stage "file": one insert, invisible to every page)
   and a job (the kind's `job_kind`, registered by its domain's tasks.py with `import_job`) runs `run_import`: it checks the rows again against the database (reads
   only), stages the checked rows in chunks of STAGE_CHUNK (short transactions of their own), then `publish`
   applies them in one short transaction, which also marks the import published – only an import still queued
   (or failed, for a retry) can be, so the token is consumed there and a second run imports nothing.

A failure (a problem found by the checks, a DomainError from a service) leaves nothing visible: the import is
marked failed with its reason; its file rows stay so that the job can be retried, until `purge_stale_imports`
removes them (after STALE_AFTER, like an unconfirmed preview). A job killed half-way starts again from
the file rows: the checked rows are staged again (replaced), and publishing happens once.
"""
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select, update

from cpms.core.audit import MASK, AuditEntry, current_actor_fields
from cpms.core.classification import is_personal
from cpms.core.errors import DomainError
from cpms.core.imports.models import ImportRecord, ImportRow
from cpms.core.jobs import N_, task
from cpms.core.jobs.signals import job_cancelled
from cpms.core.models import utcnow
from cpms.core.transaction import in_transaction
from cpms.extensions import db

DIRECT_ROWS = 100  # up to this many rows a confirmation imports within the request; above, a job does it
STAGE_CHUNK = 500  # rows per staging transaction
STALE_AFTER = timedelta(hours=6)


def kinds():
    """{name: ImportKind subclass} of every import registered so far (a kind registers itself when its module
    is imported: by its domain's views in the web process, by its domain's tasks.py in the worker)."""
    from cpms.core.imports.base import KINDS
    return dict(KINDS)


def kind_for(record):
    """(kind, context) of an import, for its owner: the kind sees what the owner may see."""
    registered = kinds().get(record.kind)
    if registered is None:
        raise DomainError(_("Nothing was saved: this kind of import is no longer known."))
    kind = registered.for_owner(record.owner)
    context = kind.load_context(record.context_id)
    if record.context_id is not None and context is None:
        raise DomainError(_("Nothing was saved: what the file was imported into no longer exists."))
    return kind, context


def find_import(token):
    return db.session.scalar(select(ImportRecord).where(ImportRecord.token == token)) if token else None


def stage_rows(record, stage, rows):
    """Insert rows (dicts) as `stage` rows of an import, in the current transaction."""
    if rows:
        db.session.execute(insert(ImportRow), [
            {"import_id": record.id, "stage": stage, "position": position, "data": row}
            for position, row in enumerate(rows)])


def staged_rows(import_id, stage):
    return list(db.session.scalars(select(ImportRow.data).where(
        ImportRow.import_id == import_id, ImportRow.stage == stage)
        .order_by(ImportRow.position)))


def _clear(import_id, stage=None):
    statement = delete(ImportRow).where(ImportRow.import_id == import_id)
    if stage:
        statement = statement.where(ImportRow.stage == stage)
    db.session.execute(statement)


def problems_message(errors):
    details = "; ".join(_("row %(row)s: %(message)s", row=p.row, message=p.message) if p.row else p.message
                        for p in errors[:5])
    return _("Nothing was saved: the data changed since the preview (%(details)s). Upload the file again.",
             details=details)


def _noop_progress(percent, stage=None):
    return None


def run_import(import_id, progress=_noop_progress):
    """Check, stage and publish a queued import (the job's work); returns the number of rows imported.
    Run again after an interruption or a failure, it starts again from the file's rows; run again after
    publishing, it imports nothing and returns the same number."""
    from cpms.core.imports.base import Check

    record = db.session.get(ImportRecord, import_id)
    if record is None or record.status == "cancelled":
        raise DomainError(_("This import was cancelled: nothing was saved."))
    if record.status == "published":
        return record.imported or 0
    progress(10, N_("Checking the rows again"))
    check = Check()
    try:
        kind, context = kind_for(record)
        kind.validate(staged_rows(record.id, "file"), context, check)
    except DomainError as error:  # e.g. the session of an attendance import was cancelled meanwhile
        db.session.rollback()
        fail_import(import_id, error.message)
    db.session.rollback()  # the checks only read: no transaction stays open
    if check.errors:
        fail_import(import_id, problems_message(check.errors))
    progress(40, N_("Staging the checked rows"))
    with in_transaction():
        _clear(import_id, "checked")  # left by an interrupted run
    for start in range(0, len(check.items), STAGE_CHUNK):
        with in_transaction():
            db.session.execute(insert(ImportRow), [
                {"import_id": import_id, "stage": "checked", "position": position, "data": item}
                for position, item in enumerate(check.items[start:start + STAGE_CHUNK], start=start)])
        progress(40 + 40 * min(start + STAGE_CHUNK, len(check.items)) // max(len(check.items), 1))
    progress(85, N_("Publishing"))
    return publish(import_id)


def publish(import_id):
    """Apply the checked rows of an import in one transaction, which also marks it published: all rows or none,
    and once only (a second call imports nothing and returns the number imported the first time)."""
    record = db.session.get(ImportRecord, import_id)
    kind, context = kind_for(record)
    items = staged_rows(import_id, "checked")  # read before the first write: the write lock is not held yet
    try:
        with in_transaction():
            claimed = db.session.execute(
                update(ImportRecord).where(ImportRecord.id == import_id,
                                             ImportRecord.status.in_(("queued", "failed")))
                .values(status="published", published_at=utcnow(), message="")).rowcount
            if claimed != 1:  # published by another run meanwhile (or cancelled)
                db.session.rollback()
                return _already(import_id)
            count = kind.apply(context, items)
            db.session.execute(update(ImportRecord).where(ImportRecord.id == import_id).values(imported=count))
    except DomainError as error:
        fail_import(import_id, error.message)
    with in_transaction():  # the staged rows go after the publication, which they would only lengthen
        _clear(import_id)
    return count


def _already(import_id):
    record = db.session.get(ImportRecord, import_id)
    db.session.refresh(record)
    if record.status != "published":
        raise DomainError(_("This import was cancelled: nothing was saved."))
    return record.imported or 0


def fail_import(import_id, message):
    """Record the failure (its reason, in the owner's language) and raise it as a DomainError."""
    with in_transaction():
        _clear(import_id, "checked")
        db.session.execute(update(ImportRecord).where(ImportRecord.id == import_id,  # never a published or
                                                        ImportRecord.status.in_(("queued", "failed")))  # cancelled one
                           .values(status="failed", message=message[:500]))
    raise DomainError(message)


def cancel_import(import_id):
    """The import's job was cancelled before it started: the import is cancelled and its staged rows removed at
    once (flush only); a retry of the job then says "This import was cancelled: nothing was saved"."""
    db.session.execute(update(ImportRecord).where(ImportRecord.id == import_id,
                                                    ImportRecord.status.in_(("queued", "failed")))
                       .values(status="cancelled"))
    db.session.execute(delete(ImportRow).where(ImportRow.import_id == import_id))


def purge_stale_imports(now=None):
    """Remove the staged rows of imports never published and left for STALE_AFTER (failed, cancelled, or whose
    job was given up), and of published ones; the import rows themselves stay (they name no one)."""
    limit = (now or utcnow()) - STALE_AFTER
    stale = db.session.scalars(select(ImportRecord.id).where(
        ImportRecord.updated_at < limit,
        select(ImportRow.import_id).where(ImportRow.import_id == ImportRecord.id).exists())).all()
    if stale:
        db.session.execute(update(ImportRecord).where(ImportRecord.id.in_(stale),
                                                        ImportRecord.status == "queued").values(status="cancelled"))
        db.session.execute(delete(ImportRow).where(ImportRow.import_id.in_(stale)))
    return len(stale)


def retire_import_rows(before):
    """Delete the staged rows of imports last touched before `before` (published ones have none left): the
    retention class "training_import" (CPMS_RETENTION_IMPORT_ROWS_DAYS)."""
    return purge_stale_imports(now=before + STALE_AFTER)


def insert_audited(model, rows):
    """Insert many rows of an audited model in one statement, each with its "create" entry in the audit log (as
    the ORM's audit listener writes them, personal values masked); returns their ids in order. 5,000 officers
    take a fraction of a second this way, against several seconds through the ORM's unit of work."""
    table = model.__table__
    now = utcnow()
    rows = [{"created_at": now, "updated_at": now, **row} for row in rows]
    ids = [row_id for (row_id,) in db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                                       rows)]
    ignored = {"created_at", "updated_at", *getattr(model, "__audit_ignore__", ())}
    masked = {c.key: is_personal(c) for c in table.columns if c.key not in ignored and c.key != "id"}
    actor_id, label, ip = current_actor_fields()
    entity = getattr(model, "__audit_entity__", None) or table.name
    entries = [{"action": "create", "entity": entity, "entity_id": str(row_id), "at": now, "actor_id": actor_id,
                "actor_label": label, "ip": ip,
                "changes": {key: MASK if mask else _jsonable(row[key]) for key, mask in masked.items()
                            if row.get(key) is not None}} for row_id, row in zip(ids, rows)]
    if entries:
        db.session.execute(insert(AuditEntry.__table__), entries)
    return ids


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- the job of a large file ------------------------------------------------------------------

JOB_KINDS = set()  # the job kinds registered by import_job


def import_job(job, import_id):
    """The work of a domain's import job (its tasks.py registers it: `task(kind.job_kind)(import_job)`, having
    imported the kind): check the confirmed import again, stage its rows in short transactions and publish them in
    one (once, all or nothing); returns the message the owner reads."""
    count = run_import(import_id, job.progress)
    kind, _context = kind_for(db.session.get(ImportRecord, import_id))
    db.session.rollback()
    return kind.imported_message(count)


def register_import_job(job_kind, title):
    """Register `import_job` as the handler of `job_kind` (from a domain's tasks.py)."""
    JOB_KINDS.add(job_kind)
    return task(job_kind, title=title)(import_job)


@job_cancelled.connect
def _import_job_cancelled(sender, job, **extra):
    """A confirmed import whose job is cancelled before it starts: nothing stays staged until the sweep."""
    if job.kind in JOB_KINDS and (job.params or {}).get("import_id"):
        cancel_import(job.params["import_id"])
