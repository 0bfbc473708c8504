"""The steps every import shares.

1. The file is read by cpms.core.tabular: CSV (UTF-8 with or without BOM, or Latin-1/Windows-1252; comma,
   semicolon or tab) or XLSX, within the kind's bounds (`max_mb_setting`, `max_rows_setting`: the size in MB and
   the number of data rows, read from the configuration).
2. Its header row is matched to the kind's columns, in English or in French (case, accents, spaces and
   punctuation ignored).
3. Every row is checked. Each problem names its row (numbered as in a spreadsheet: the header is row 1),
   its column and the reason. Errors block the import; warnings do not.
4. Without errors, the rows wait server-side (cpms.core.pending, owned by the uploader) until the user
   confirms. Confirming checks them again against the database and applies them all, or nothing, once:
   small files at once, larger ones through a job that stages the rows in short transactions and publishes them
   in one short step (staging.py).
"""
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from cpms.core import pending
from cpms.core.errors import DomainError
from cpms.core.imports import staging
from cpms.core.imports.models import ImportRecord
from cpms.core.models import utcnow
from cpms.core.permissions import scope_of
from cpms.core.tabular import cell_text, fold, read_rows
from cpms.extensions import db

PENDING_FOLDER = "imports"
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
    """One kind of import. Subclasses set `name` (unique across domains) and `columns` (and `informative`:
    columns recognised and left unused), and implement `validate(rows, context, check)` and
    `apply(context, items)` (on behalf of the acting user).

    `job_kind` names the job (cpms/core/jobs) that imports a large file: the domain's tasks.py registers it with
    staging.import_job, and importing that tasks.py must register the kind too (the worker finds both there).
    `max_mb_setting` and `max_rows_setting` name the configuration keys that bound an upload."""

    name = ""
    columns = ()
    informative = ()
    display_headers = ()
    job_kind = ""
    max_mb_setting = "IMPORT_MAX_MB"
    max_rows_setting = "IMPORT_MAX_ROWS"

    def __init__(self, scope=None):
        self.scope = scope  # the acting user's area (cpms.core.permissions.Scope), for kinds that check it

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
        """What ties a confirmation to its preview: the context's id (None for a kind without context)."""
        return getattr(context, "id", None)

    def validate(self, rows, context, check):
        raise NotImplementedError

    def apply(self, context, items):
        raise NotImplementedError

    def display(self, item):
        """The cells shown for an item in the preview, under `display_headers`."""
        return []

    def limits(self):
        """(largest file in MB, most data rows) accepted."""
        config = current_app.config
        return config[self.max_mb_setting], config[self.max_rows_setting]


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
    max_mb, max_rows = kind.limits()
    cells = read_rows(stream, filename or "", fallback_encoding="cp1252", max_bytes=int(max_mb * 1024 * 1024),
                      extensions=EXTENSIONS)
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


def confirm(kind, actor, token, context=None, direct_rows=None):
    """Confirm a previewed upload, once: a second confirmation of the same token raises AlreadyConfirmed.

    Up to `direct_rows` rows (staging.DIRECT_ROWS), checks them again (the database may have changed since the
    preview) and applies them all or none, in the caller's transaction; returns the number imported. Larger
    files are staged for a job (staging.run_import); returns the queued ImportRecord, for the caller to enqueue
    the kind's `job_kind`."""
    direct_rows = staging.DIRECT_ROWS if direct_rows is None else direct_rows
    if staging.find_import(token) is not None:
        raise AlreadyConfirmed(staging.find_import(token))
    payload = pending.load(PENDING_FOLDER, token, actor)
    staging.purge_stale_imports()  # rows staged by imports left unpublished (failed, cancelled, given up)
    if payload.get("kind") != kind.name or payload.get("context") != kind.context_key(context):
        raise DomainError(_("This preview has expired: upload the file again."))
    rows = payload["rows"]
    record = ImportRecord(token=token, kind=kind.name, context_id=kind.context_key(context),
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


def discard(token):
    pending.discard(PENDING_FOLDER, token)
