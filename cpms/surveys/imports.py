"""Survey data imports: CSV/XLSX exports from KoBoToolbox or ODK, and single JSON submissions (webhook).

Files are streamed row by row and never kept. A preview checks every row and writes the rows to keep to
a temporary file under instance/ (keyed by a random token); confirming imports them all or nothing: a large
file is staged in short transactions and published in one short step (cpms/surveys/service/staging.py). Only answers to known questions are kept: personal metadata columns (deviceid, phonenumber,
username, simserial, subscriberid, locations, _submitted_by, _attachments…) and questions marked as
not stored are dropped: by default every question but closed answers (cpms/surveys/service/xlsform.py), and
free text that an officer keeps is scrubbed of telephone numbers and e-mail addresses. Instance ids are kept only as a keyed hash, to recognise re-imports.
"""
import hashlib
import hmac
import json
import os

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from cpms.core import pending as pending_files
from cpms.core.errors import DomainError
from cpms.core.labels import age_group_of
from cpms.core.models import utcnow
from cpms.core.tabular import cell_text as _cell_text
from cpms.core.tabular import fold as _fold
from cpms.core.tabular import read_rows
from cpms.extensions import db
from cpms.surveys.models import (
    SurveyChoice,
    SurveyImport,
    SurveyInstrumentVersion,
    SurveyQuestion,
    SurveyResponse,
)
from cpms.surveys.service import staging
from cpms.surveys.service.scrub import scrub_text
from cpms.surveys.service.xlsform import NUMERIC_TYPES, SELECT_TYPES

CHUNK = 1000
MAX_PROBLEMS = 30
PREVIEW_MAX_AGE = 24 * 3600
META_WIDTH = 2000  # the preview file's first line (JSON padded with spaces)
PERSONAL_COLUMNS = frozenset({"gps", "geopoint", "location", "deviceid", "phonenumber", "username", "simserial", "subscriberid", "imei",
                              "_submitted_by", "_attachments", "_geolocation", "start-geopoint", "email",
                              "submittername", "submitterid"})
INSTANCE_COLUMNS = ("instanceid", "meta-instanceid", "_uuid", "key", "instance_id")
VERSION_COLUMNS = ("__version__", "_version_", "_version", "formversion")
FORM_ID_COLUMNS = ("_xform_id_string", "_xform_id", "formid", "form_id", "id_string")
VALIDATION_COLUMNS = ("_validation_status", "validation_status", "reviewstate", "review_state")
# KoBoToolbox's "Not approved" (uid validation_status_not_approved, its label, in English or French) and ODK
# Central's review state "rejected"
NOT_APPROVED = frozenset({"notapproved", "nonapprouve", "rejected", "rejete"})
TRUE_CELLS = frozenset({"1", "1.0", "true", "yes", "oui", "vrai"})


def not_approved(value):
    return _fold(value or "").removeprefix("validationstatus") in NOT_APPROVED


def instance_hash(instance_id):
    """Keyed hash (HMAC-SHA256 with the app's secret key) of a submission's instance id."""
    cleaned = instance_id.strip()
    if cleaned.lower().startswith("uuid:"):
        cleaned = cleaned[5:]
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"survey-instance:" + cleaned.lower().encode(), hashlib.sha256).hexdigest()


class Problems:
    """Problems found in a file: errors block the import, warnings do not. Repeated ones are counted."""

    def __init__(self):
        self.items = {}

    def add(self, key, message, severity="error"):
        if key in self.items:
            self.items[key]["count"] += 1
        elif len(self.items) < MAX_PROBLEMS:
            self.items[key] = {"message": message, "severity": severity, "count": 1}

    @property
    def errors(self):
        return [p for p in self.items.values() if p["severity"] == "error"]

    def as_list(self):
        return list(self.items.values())


class RowMapper:
    """Maps the columns of an export to the instrument's questions and turns rows into responses."""

    def __init__(self, survey_round, headers, problems, check_missing=True, include_not_approved=False):  # noqa: C901
        self.round = survey_round
        self.problems = problems
        self.include_not_approved, self.not_approved = include_not_approved, 0
        self.validation_index = None
        self.split = {}  # select_multiple question name → [(column index, choice name)] of its split 0/1 columns
        instrument_id = survey_round.instrument_id
        questions = db.session.scalars(select(SurveyQuestion).where(SurveyQuestion.instrument_id == instrument_id)
                                       .order_by(SurveyQuestion.position)).all()  # the form's order, as shown
        self.questions = {q.name: q for q in questions}
        self.choices = {}
        for choice in db.session.scalars(select(SurveyChoice).where(SurveyChoice.instrument_id == instrument_id)):
            names, labels = self.choices.setdefault(choice.list_name, ({}, {}))
            names[choice.name] = choice.name
            for text in (choice.name, choice.label_en, choice.label_fr):
                if text:
                    labels.setdefault(_fold(text), choice.name)
        by_label = {}
        for q in questions:
            for text in (q.label_en, q.label_fr):
                if text:
                    by_label.setdefault(_fold(text), q)
        self.communes = {_fold(c.name): c.id for c in survey_round.communes}
        commune_list = self.questions[survey_round.commune_question].list_name \
            if survey_round.commune_question in self.questions else None
        self.choice_communes = {}  # choice name → commune, when the choice's label is the commune's name
        for name in self.choices.get(commune_list, ({}, {}))[0]:
            for folded, choice_name in self.choices[commune_list][1].items():
                if choice_name == name and folded in self.communes:
                    self.choice_communes[name] = self.communes[folded]
        self.columns = []  # (index, question)
        self.instance_index = self.version_index = self.weight_index = self.form_index = None
        self.dropped, self.ignored = [], []
        self.versions = {}  # form version found in the rows → number of rows
        self.answered = {}  # form version → names of the questions answered in at least one of its rows
        self.known_versions = {v.version: set(v.names) for v in db.session.scalars(select(SurveyInstrumentVersion).where(
            SurveyInstrumentVersion.instrument_id == instrument_id))}
        instance_rank = len(INSTANCE_COLUMNS)
        found = set()
        for index, raw in enumerate(headers):
            header = (raw or "").strip().lstrip("\ufeff")
            last = header.rsplit("/", 1)[-1]
            lowered = last.lower()
            question = self.questions.get(last) or self.questions.get(header) or by_label.get(_fold(header)) \
                or by_label.get(_fold(last))  # a labels export: `Group label/Question label`
            if question is None and "-" in last and last not in self.questions:
                question = self.questions.get(last.rsplit("-", 1)[-1])  # ODK Briefcase: group-question
            split = self._split_column(header, by_label)
            if split is not None:
                self.split.setdefault(split[0].name, []).append((index, split[1]))
            elif survey_round.weight_column and last == survey_round.weight_column:
                self.weight_index = index
            elif lowered in VALIDATION_COLUMNS:
                self.validation_index = index
            elif lowered in INSTANCE_COLUMNS or header.lower() in INSTANCE_COLUMNS:
                rank = INSTANCE_COLUMNS.index(lowered if lowered in INSTANCE_COLUMNS else header.lower())
                if rank < instance_rank:
                    self.instance_index, instance_rank = index, rank
            elif lowered in VERSION_COLUMNS:
                self.version_index = index
            elif lowered in FORM_ID_COLUMNS and question is None:
                self.form_index = index
            elif lowered in PERSONAL_COLUMNS or lowered.startswith(("_gps", "gps")) or lowered.endswith(
                    ("_latitude", "_longitude", "_altitude", "_precision")):
                self.dropped.append(header)
            elif question is not None and question.name not in found:
                if question.is_identifying:
                    self.dropped.append(header)
                else:
                    self.columns.append((index, question))
                found.add(question.name)
            elif header:
                self.ignored.append(header)
        # select_multiple split in 0/1 columns (`q/choice`): read from them when the export has no `q` column
        self.split_columns = []
        for name, columns in self.split.items():
            question = self.questions[name]
            if name in found:
                continue
            found.add(name)
            if question.is_identifying:
                self.dropped.extend(headers[i] for i, _c in columns)
            else:
                self.split_columns.append((question, columns))
        self._check_headers(found, check_missing)

    def _split_column(self, header, by_label):
        """(question, choice name) when the header is a select_multiple's split column `group/q/choice` (or
        `group-q/choice`, or with labels), else None."""
        parts = header.split("/")
        if len(parts) < 2:
            return None
        parent = parts[-2]
        question = self.questions.get(parent) or self.questions.get(parent.rsplit("-", 1)[-1]) or by_label.get(
            _fold(parent))
        if question is None or question.type != "select_multiple":
            return None
        choice = self._choice(question, parts[-1])
        return (question, choice) if choice else None

    def _check_headers(self, found, check_missing):
        r = self.round
        if self.instance_index is None:
            self.problems.add("no-instance", _("No instance id column (meta/instanceID, _uuid or KEY): CPMS needs it "
                                               "to recognise submissions already imported."))
        if r.weight_column and self.weight_index is None:
            self.problems.add("no-weight", _("The weight column %(name)s of this round is missing.", name=r.weight_column))
        needed = self._needed()
        for name, question in self.questions.items():
            if name in found or question.is_identifying or not check_missing:
                continue
            if name in needed:
                self.problems.add(("missing", name), _("Column %(name)s is missing: it is needed for the results.",
                                                       name=name))
            else:
                self.problems.add(("missing", name), _("Column %(name)s is missing; its answers will be empty.",
                                                       name=name), severity="warning")
        if not self.columns and not self.split_columns:
            self.problems.add("no-question", _("No column matches a question of the form %(form)s.",
                                               form=r.instrument.name))

    def _needed(self):
        r = self.round
        return {m.question.name for m in self._measures()} | {q for q in (r.sex_question, r.age_question,
                                                                          r.commune_question) if q}

    def version_details(self):
        """Per form version found in the rows: [{version, rows, known, missing, added}], where `missing` and `added`
        are [{name, treatment}] – the questions of the round's current version that the version lacks, and those it
        has that the current version does not. A version never uploaded is read by column name: `missing` then lists
        the questions no row of that version answers."""
        current_version = self.round.instrument.form_version
        stored = {q.name for q in self.questions.values() if not q.is_identifying}
        current = self.known_versions.get(current_version, set(self.questions))
        in_file = {q.name for _i, q in self.columns} | {q.name for q, _c in self.split_columns}
        needed = self._needed()
        details = []
        for version, rows in sorted(self.versions.items()):
            names = self.known_versions.get(version)
            if names is None:
                absent = [n for n in self.questions if n in in_file and n not in self.answered.get(version, set())]
                added = []
            else:
                absent = [n for n in self.questions if n in current and n in stored and n not in names]
                added = [n for n in self.questions if n in names and n not in current]
            details.append({
                "version": version, "rows": rows, "known": names is not None,
                "current": version == current_version,
                "missing": [{"name": n, "treatment": _("no answer in these rows; they are not counted in the results "
                                                       "that need it") if n in needed else
                             _("left empty in these rows")} for n in absent],
                "added": [{"name": n, "treatment": _("stored") if n in in_file else
                           _("not stored (personal or free text)") if self.questions[n].is_identifying else
                           _("no column in the file")} for n in added]})
        return details

    def _measures(self):
        from cpms.surveys.models import SurveyMeasure
        return db.session.scalars(select(SurveyMeasure).where(SurveyMeasure.instrument_id == self.round.instrument_id)).all()

    def _choice(self, question, value):
        names, labels = self.choices.get(question.list_name, ({}, {}))
        return names.get(value) or labels.get(_fold(value))

    def convert(self, values, row_number):  # noqa: C901
        """(hash, fields, answers) for one row, or None when the row is unusable (a problem is recorded)."""
        def cell(index):
            if index is None or index >= len(values):
                return ""
            return _cell_text(values[index])

        instance_id = cell(self.instance_index)
        if self.instance_index is not None and not instance_id:
            self.problems.add("empty-instance", _("Row %(row)s has no instance id.", row=row_number))
            return None
        if not self._same_form(cell(self.form_index), row_number):
            return None
        if not self.include_not_approved and not_approved(cell(self.validation_index)):
            self.not_approved += 1
            return None
        version = cell(self.version_index)[:100]
        # every version of the form is accepted (a form redeployed during collection, ODK Central's date-like
        # version strings, KoBo's deployment ids): the rows of each version are counted and shown in the preview
        if version not in self.versions and len(self.versions) >= MAX_PROBLEMS:
            version = "…"
        self.versions[version] = self.versions.get(version, 0) + 1
        answers, fields, ok = [], {"weight": 1.0, "sex": None, "age_group": None, "commune_id": None}, True
        answered = self.answered.setdefault(version, set())
        for index, question in self.columns:
            raw = cell(index)
            if not raw:
                continue
            converted = self._answer(question, raw, row_number)
            if converted is None:
                ok = False
                continue
            answers.extend(converted)
            answered.add(question.name)
            first_text, first_number = converted[0][1], converted[0][2]
            if question.name == self.round.sex_question:
                fields["sex"] = first_text[:100]
            if question.name == self.round.age_question:
                fields["age_group"] = age_group_of(first_number) if first_number is not None else first_text[:100]
            if question.name == self.round.commune_question:
                commune_id = self.communes.get(_fold(first_text)) or self.choice_communes.get(first_text)
                if commune_id is None:
                    ok = False
                    self.problems.add(("commune", first_text), _("Commune %(value)s (row %(row)s) is not a commune of "
                                                                 "this round.", value=first_text, row=row_number))
                fields["commune_id"] = commune_id
        for question, columns in self.split_columns:
            chosen = [choice for index, choice in columns if cell(index).strip().lower() in TRUE_CELLS]
            if chosen:
                answers.extend((question.id, name, _number(name)) for name in dict.fromkeys(chosen))
                answered.add(question.name)
        if self.weight_index is not None:
            weight = _number(cell(self.weight_index))
            if weight is None or weight <= 0:
                self.problems.add("weight", _("Row %(row)s has no positive weight.", row=row_number))
                ok = False
            else:
                fields["weight"] = weight
        if not ok:
            return None
        return instance_hash(instance_id), fields, answers

    def _same_form(self, form_id, row_number):
        """Rows of any version of the round's form are accepted; rows of another form (another form_id) are not."""
        expected = self.round.instrument.form_id
        if not form_id or not expected or form_id == expected:
            return True
        self.problems.add(("form", form_id[:100]), _(
            "Row %(row)s was collected with the form %(found)s, but the form of this round is %(expected)s: upload "
            "an export of %(expected)s.", row=row_number, found=form_id[:100], expected=expected))
        return False

    def _answer(self, question, raw, row_number):
        """[(question_id, text, number)] for one cell, or None (problem recorded)."""
        if question.type in SELECT_TYPES:
            if question.type == "select_one":
                names = [self._choice(question, raw)]
            else:
                names = [self._choice(question, token) for token in raw.split()]
                if None in names:  # labels, which contain spaces, separated by commas or semicolons
                    names = [self._choice(question, token) for token in raw.replace(";", ",").split(",")]
                    if None in names:
                        names = [self._choice(question, raw)]
            if None in names:
                self.problems.add(("choice", question.name, raw[:50]),
                                  _("Unknown answer %(value)s to question %(name)s (row %(row)s): it is not in the "
                                    "choice list %(list)s.", value=raw[:50], name=question.name, row=row_number,
                                    list=question.list_name))
                return None
            return [(question.id, name, _number(name)) for name in dict.fromkeys(names)]
        if question.type in NUMERIC_TYPES:
            number = _number(raw)
            if number is None:
                if question.type == "calculate":
                    return [(question.id, scrub_text(raw)[:2000], None)]
                self.problems.add(("number", question.name), _("Answer %(value)s to question %(name)s (row %(row)s) "
                                                               "is not a number.", value=raw[:50], name=question.name,
                                                               row=row_number))
                return None
            return [(question.id, raw[:100], number)]
        return [(question.id, scrub_text(raw)[:2000], None)]


def _number(text):
    try:
        number = float(str(text).strip().replace(",", "."))
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


# --- Reading files ---------------------------------------------------------------------------

# --- Preview and confirm ---------------------------------------------------------------------

def _preview_path(token):
    return staging.preview_path(token)


UPLOAD_FOLDER = "survey-uploads"
PREVIEW_DIRECT_BYTES = 200_000  # an export up to this size (about 1,000 rows) is previewed within the request


def upload_size(stream):
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def keep_upload(stream, filename):
    """Keep an uploaded export (owner-only file under instance/) for the preview job; returns its token."""
    pending_files.remove_stale(UPLOAD_FOLDER, PREVIEW_MAX_AGE)
    token = pending_files.new_token()
    path = pending_files.path_for(UPLOAD_FOLDER, token, suffix=os.path.splitext(filename or "")[1][:5] or ".bin")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        while block := stream.read(1024 * 1024):
            out.write(block)
    return token


def kept_upload(token, filename):
    path = pending_files.path_for(UPLOAD_FOLDER, token, suffix=os.path.splitext(filename or "")[1][:5] or ".bin")
    return path if path and os.path.exists(path) else None


def preview_summary_path(job_id):
    """Where a preview job keeps its summary for the preview page (not a download)."""
    return pending_files.path_for(staging.PREVIEW_FOLDER, f"job-{int(job_id)}", suffix=".summary.json")


def _remove_stale_previews():
    pending_files.remove_stale(staging.PREVIEW_FOLDER, PREVIEW_MAX_AGE)


def _existing_hashes(round_id, hashes, visible_only=False):
    """The hashes already in the round: published, or (unless `visible_only`) being imported."""
    taken = SurveyResponse.visible() if visible_only else or_(
        SurveyResponse.import_id.is_(None), SurveyResponse.import_id.not_in(
        select(SurveyImport.id).where(SurveyImport.state == "cancelled")))
    return set(db.session.scalars(select(SurveyResponse.instance_hash).where(
        SurveyResponse.round_id == round_id, SurveyResponse.instance_hash.in_(list(hashes)), taken)))


def preview_import(actor, survey_round, stream, filename="", include_not_approved=False):  # noqa: C901
    """Check a whole export; returns a summary dict. When it has no error, the rows to import wait in a
    temporary file under instance/ and `summary["token"]` lets `confirm_import` insert them. Rows marked "not
    approved" in KoBoToolbox (or rejected in ODK Central) are left out and counted, unless `include_not_approved`."""
    _remove_stale_previews()
    problems = Problems()
    rows = read_rows(stream, filename)
    headers = next(rows, None)
    if not headers or not any(_cell_text(h) for h in headers):
        raise DomainError(_("The file is empty."), field="file")
    mapper = RowMapper(survey_round, [_cell_text(h) for h in headers], problems,
                       include_not_approved=include_not_approved)
    token = pending_files.new_token()
    path = _preview_path(token)
    seen, pending = set(), []
    summary = {"rows": 0, "new": 0, "already_imported": 0, "duplicates_in_file": 0,
               "dropped_columns": mapper.dropped, "ignored_columns": mapper.ignored[:50],
               "questions": [q.name for _i, q in mapper.columns] + [q.name for q, _c in mapper.split_columns]}
    with open(path, "w", encoding="utf-8") as out:
        meta = {"round_id": survey_round.id, "actor_id": getattr(actor, "id", None), "filename": filename[:255]}
        out.write(json.dumps(meta).ljust(META_WIDTH) + "\n")

        def flush_pending():
            existing = _existing_hashes(survey_round.id, [p[0] for p in pending])
            for row in pending:
                if row[0] in existing:
                    summary["already_imported"] += 1
                else:
                    summary["new"] += 1
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
            pending.clear()

        for number, values in enumerate(rows, start=2):
            if not any(_cell_text(v) for v in values):
                continue
            summary["rows"] += 1
            converted = mapper.convert(values, number)
            if converted is None:
                continue
            digest, fields, answers = converted
            short = int(digest[:16], 16)  # 64 bits are plenty to spot repeats within one file, and compact
            if short in seen:
                summary["duplicates_in_file"] += 1
                continue
            seen.add(short)
            pending.append([digest, fields, answers])
            if len(pending) >= CHUNK:
                flush_pending()
        flush_pending()
        # the first line, rewritten in place, also counts the rows skipped: the result can say so
        meta.update(already_imported=summary["already_imported"], duplicates_in_file=summary["duplicates_in_file"])
        out.seek(0)
        out.write(json.dumps(meta).ljust(META_WIDTH))
    summary["versions"] = sorted(mapper.versions.items())
    summary["not_approved"] = mapper.not_approved
    summary["version_details"] = mapper.version_details()
    if summary["rows"] == 0:
        problems.add("no-rows", _("The file has a header row but no data."))
    summary["problems"] = problems.as_list()
    summary["has_errors"] = bool(problems.errors)
    if problems.errors:
        os.remove(path)
    else:
        summary["token"] = token
    return summary


def discard_preview(token):
    path = _preview_path(token)
    if path and os.path.exists(path):
        os.remove(path)


def start_import(actor, survey_round, token):
    """The import of a confirmed preview: done at once when small, else staging (see confirm_import)."""
    return staging.start_import(actor, survey_round, token)


def confirm_import(actor, survey_round, token, progress=None):
    """Import the previewed rows (skipping any imported since), all or nothing, in short transactions when the
    file is large (cpms/surveys/service/staging.py); returns the published SurveyImport."""
    record = staging.start_import(actor, survey_round, token)
    if record.state == "staging":
        record = staging.stage_import(record.id, progress=progress)
    return record


def receive_submission(survey_round, payload):
    """Store one JSON submission from a KoBoToolbox REST service; (status, problems) where status is "created",
    "already_received" or "not_approved" (marked "Not approved" in KoBoToolbox or rejected in ODK Central: left
    out, as a file import leaves it out). Idempotent."""
    if not isinstance(payload, dict):
        raise DomainError(_("Send one submission as a JSON object."))
    problems = Problems()
    headers = list(payload.keys())
    mapper = RowMapper(survey_round, headers, problems, check_missing=False)
    values = [_json_value(payload[h]) for h in headers]
    converted = mapper.convert(values, 1) if not problems.errors else None
    if problems.errors:
        return None, [p["message"] for p in problems.errors]
    if converted is None:
        return ("not_approved" if mapper.not_approved else None), [p["message"] for p in problems.errors]
    digest, fields, answers = converted
    if _existing_hashes(survey_round.id, [digest], visible_only=True):
        return "already_received", []
    # a file being imported (or cancelled) may hold the same submission: the one sent now is published at once
    staging.free_hashes(survey_round.id, [digest], ("staging", "cancelled"))
    record = SurveyImport(round_id=survey_round.id, source="webhook", created_at=utcnow(), rows_added=1,
                          rows_skipped=0, rows_total=1, rows_done=1, state="published", finished_at=utcnow())
    db.session.add(record)
    db.session.flush()
    staging.insert_rows(survey_round.id, record.id, [[digest, fields, answers]])
    db.session.flush()
    return "created", []


def _json_value(value):
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    if isinstance(value, dict):  # KoBoToolbox's _validation_status: {"uid": "validation_status_approved", …}
        return str(value.get("uid") or "")[:100]
    return value
