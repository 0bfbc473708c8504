"""The steps every training import shares (trainees, enrolments, vetting results, attendance marks).

1. The file is read by cpms.core.tabular: CSV (UTF-8 with or without BOM, or Latin-1/Windows-1252; comma,
   semicolon or tab) or XLSX, at most TRAINING_IMPORT_MAX_MB and TRAINING_IMPORT_MAX_ROWS.
2. Its header row is matched to the kind's columns, in English or in French (case, accents, spaces and
   punctuation ignored).
3. Every row is checked. Each problem names its row (numbered as in a spreadsheet: the header is row 1),
   its column and the reason. Errors block the import; warnings do not.
4. Without errors, the rows wait server-side (cpms.core.pending, owned by the uploader) until the user
   confirms. Confirming checks them again against the database and applies them all, or nothing, once:
   small files at once, larger ones through a job that stages the rows in short transactions and publishes them
   in one short step (staging.py).
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from cpms.core import pending
from cpms.core.audit import MASK, AuditEntry, current_actor_fields
from cpms.core.classification import is_personal
from cpms.core.errors import DomainError
from cpms.core.models import utcnow
from cpms.core.permissions import scope_of
from cpms.core.tabular import cell_text, fold, read_rows
from cpms.extensions import db
from cpms.training.imports import staging
from cpms.training.models import TrainingImport

PENDING_FOLDER = "training-imports"
EXTENSIONS = ("csv", "txt", "xlsx")
MAX_PROBLEMS_SHOWN = 1000


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    fr: str
    required: bool = False
    aliases: tuple = ()

    def header(self, language=None):
        language = language or get_locale().language
        return self.fr if language == "fr" else self.en

    def names(self):
        return {fold(name) for name in (self.key, self.en, self.fr, *self.aliases)}


@dataclass
class Problem:
    row: int | None
    column: str
    message: str
    severity: str = "error"


class ProblemList:
    problems: list

    @property
    def errors(self):
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self):
        return [p for p in self.problems if p.severity == "warning"]


@dataclass
class Check(ProblemList):
    """What checking the rows finds: problems, and the items to apply (one per usable row)."""

    problems: list = field(default_factory=list)
    items: list = field(default_factory=list)

    def error(self, row, column, message):
        self.problems.append(Problem(row, column, message, "error"))

    def warning(self, row, column, message):
        self.problems.append(Problem(row, column, message, "warning"))


KINDS = {}  # name: ImportKind subclass (staging.py finds a confirmed import's kind here)


class ImportKind:
    """One kind of import. Subclasses set `name` and `columns` (and `informative`: columns recognised and
    left unused), and implement `validate(rows, context, check)` and `apply(context, items)` (on behalf of the acting user)."""

    name = ""
    columns = ()
    informative = ()
    display_headers = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.name:
            KINDS[cls.name] = cls

    @classmethod
    def for_owner(cls, owner):
        """The kind as `owner` uses it (within their area); the job of a confirmed import rebuilds it so."""
        return cls(scope_of(owner))

    def load_context(self, context_id):
        """The context (cohort, session) named by `context_key`, or None."""
        return None

    def imported_message(self, count):
        """What the user reads once `count` rows are imported."""
        return _("%(n)d rows imported.", n=count)

    def context_key(self, context):
        return getattr(context, "id", None)

    def validate(self, rows, context, check):
        raise NotImplementedError

    def apply(self, context, items):
        raise NotImplementedError

    def display(self, item):
        """The cells shown for an item in the preview, under `display_headers`."""
        return []


@dataclass
class Preview(ProblemList):
    kind: ImportKind
    rows: int
    problems: list
    items: list
    token: str | None = None

    @property
    def shown_problems(self):
        return self.problems[:MAX_PROBLEMS_SHOWN]


def template_headers(kind, language):
    return [column.header(language) for column in kind.columns]


def _match_header(kind, header_cells):
    """({column index: key}, {key: header as written in the file}, problems) for the header row."""
    known = {name: column for column in kind.columns for name in column.names()}
    informative = {name for column in kind.informative for name in column.names()}
    positions, written, problems, ignored = {}, {}, [], []
    for index, raw in enumerate(header_cells):
        text = cell_text(raw).lstrip("\ufeff")
        if not text:
            continue
        column = known.get(fold(text))
        if column is None:
            if fold(text) not in informative:
                ignored.append(text)
            continue
        if column.key in written:
            problems.append(Problem(1, text, _("The column %(name)s appears twice; keep only one.", name=text)))
            continue
        positions[index], written[column.key] = column.key, text
    for column in kind.columns:
        if column.required and column.key not in written:
            problems.append(Problem(1, column.header(), _(
                "The required column %(en)s (in French: %(fr)s) is missing. Download the template to see the columns.",
                en=column.en, fr=column.fr)))
    if ignored:
        problems.append(Problem(1, ", ".join(ignored)[:200], _("These columns are not used and will be ignored."),
                                "warning"))
    return positions, written, problems


def read_table(kind, stream, filename):
    """(rows, problems with the header, {key: header as written}) of an upload. Each row is a dict
    {"row": spreadsheet row number, key: text}; blank rows are skipped."""
    config = current_app.config
    max_rows = config["TRAINING_IMPORT_MAX_ROWS"]
    cells = read_rows(stream, filename or "", fallback_encoding="cp1252",
                      max_bytes=int(config["TRAINING_IMPORT_MAX_MB"] * 1024 * 1024), extensions=EXTENSIONS)
    header = next(cells, None)
    if header is None or not any(cell_text(h) for h in header):
        raise DomainError(_("The file is empty."), field="file")
    positions, written, problems = _match_header(kind, header)
    rows = []
    for number, values in enumerate(cells, start=2):
        texts = [cell_text(v) for v in values]
        if not any(texts):
            continue
        if len(rows) >= max_rows:
            raise DomainError(_("The file has more than %(max)d rows: split it into smaller files.", max=max_rows),
                              field="file")
        row = {"row": number}
        for index, key in positions.items():
            row[key] = texts[index] if index < len(texts) else ""
        rows.append(row)
    if not rows:
        raise DomainError(_("The file has a header row but no data."), field="file")
    return rows, problems, written


def preview(kind, actor, stream, filename, context=None):
    """Check an upload without saving anything; a Preview whose `token` (set when there is no error) lets
    `confirm` apply it."""
    rows, header_problems, written = read_table(kind, stream, filename)
    check = Check(problems=list(header_problems))
    if not check.errors:
        kind.validate(rows, context, check)
    labels = {column.key: column.header() for column in kind.columns}
    for problem in check.problems:  # kinds name columns by key; show them as the file does
        problem.column = written.get(problem.column) or labels.get(problem.column, problem.column)
    result = Preview(kind, len(rows), check.problems, check.items)
    if not check.errors and check.items:
        result.token = pending.save(PENDING_FOLDER, actor, {"kind": kind.name, "context": kind.context_key(context),
                                                             "rows": rows})
    return result


class AlreadyConfirmed(DomainError):
    """A second confirmation of a preview: `record` is the import the first one started."""

    def __init__(self, record):
        super().__init__(_("This file has already been imported (or is being imported): nothing more was saved."))
        self.record = record


def confirm(kind, actor, token, context=None, direct_rows=staging.DIRECT_ROWS):
    """Confirm a previewed upload, once: a second confirmation of the same token raises AlreadyConfirmed.

    Up to `direct_rows` rows, checks them again (the database may have changed since the preview) and applies
    them all or none, in the caller's transaction; returns the number imported. Larger files are staged for a
    job (staging.run_import); returns the queued TrainingImport, for the caller to enqueue that job."""
    if staging.find_import(token) is not None:
        raise AlreadyConfirmed(staging.find_import(token))
    payload = pending.load(PENDING_FOLDER, token, actor)
    staging.purge_stale_imports()  # rows staged by imports left unpublished (failed, cancelled, given up)
    if payload.get("kind") != kind.name or payload.get("context") != kind.context_key(context):
        raise DomainError(_("This preview has expired: upload the file again."))
    rows = payload["rows"]
    record = TrainingImport(token=token, kind=kind.name, context_id=kind.context_key(context),
                            owner_id=getattr(actor, "id", None), rows=len(rows), status="queued")
    db.session.add(record)
    try:
        db.session.flush()  # the unique token: a concurrent second confirmation stops here
    except IntegrityError:
        db.session.rollback()
        raise AlreadyConfirmed(staging.find_import(token)) from None
    if len(rows) > direct_rows:
        staging.stage_rows(record, "file", rows)
        pending.discard(PENDING_FOLDER, token)
        return record
    check = Check()
    kind.validate(rows, context, check)
    if check.errors:
        pending.discard(PENDING_FOLDER, token)
        raise DomainError(staging.problems_message(check.errors))
    record.imported = kind.apply(context, check.items)
    record.status, record.published_at = "published", utcnow()
    db.session.flush()
    pending.discard(PENDING_FOLDER, token)
    return record.imported


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
    return value.isoformat() if isinstance(value, date) else value


def discard(token):
    pending.discard(PENDING_FOLDER, token)


# --- Values ------------------------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(text):
    """A date written YYYY-MM-DD or DD/MM/YYYY (also with - or .), or from an XLSX date cell; ValueError if not."""
    text = text.strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}T", text):
        text = text[:10]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def quiet_date(text):
    """The date in a text, or None when it is empty or unreadable."""
    try:
        return parse_date(text or "")
    except ValueError:
        return None


def date_problem(text):
    return _("“%(value)s” is not a date: write it as YYYY-MM-DD or DD/MM/YYYY.", value=text[:40])


def optional_date(row, key, column, check):
    """The date in row[key], None when empty; records an error and returns False when unreadable."""
    text = (row.get(key) or "").strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        check.error(row["row"], column, date_problem(text))
        return False


def choice(text, synonyms):
    """The value whose synonyms (folded) include the folded text, or None."""
    folded = fold(text)
    for value, names in synonyms.items():
        if folded in {fold(n) for n in names}:
            return value
    return None


def required_choice(row, key, synonyms, check, unknown, missing):
    """The value written in row[key] (see `choice`), or None with an error recorded: `missing` when the cell
    is empty, else `unknown(text)`."""
    text = (row.get(key) or "").strip()
    value = choice(text, synonyms) if text else None
    if value is None:
        check.error(row["row"], key, unknown(text[:30]) if text else missing)
    return value


def chunks(values, size=500):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]
