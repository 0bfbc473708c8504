"""Reading an XLSForm (sheets `survey`, `choices`, optional `settings`) with pyxform, the reference implementation
of XLSForm: its validation messages (with their sheet row) are shown; groups are entered, repeat groups counted
(their answers are not in the main sheet of an export), `or_other` gives an `other` choice and a free-text
`<name>_other` question, labels in several languages (`label::Français (fr)`) and choice filters are read.
The file is bounded before pyxform reads it: MAX_BYTES on disk, MAX_UNZIPPED_BYTES once unzipped.

Only questions whose answers CPMS can analyse are kept. Metadata (start, end, deviceid, phonenumber,
username, simserial, subscriberid…), locations (geopoint, geotrace, geoshape) and media (image, audio,
video, file) never become questions, so their columns are dropped at import.
"""
import hashlib
import io
import json
import zipfile

from flask_babel import gettext as _
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from cpms.core.errors import DomainError

MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024  # a questionnaire of 5,000 questions is about 2 MB unzipped
# pyxform's type names, as the XLSForm spells them
TYPE_NAMES = {"select one": "select_one", "select all that apply": "select_multiple"}

KEPT_TYPES = ("select_one", "select_multiple", "integer", "decimal", "range", "text", "date", "calculate")
SELECT_TYPES = ("select_one", "select_multiple")
NUMERIC_TYPES = ("integer", "decimal", "range", "calculate")
# closed answers, stored by default; the others (free text, calculations that may join texts) are not stored
# unless the officer keeps the question with a reason
CLOSED_TYPES = ("select_one", "select_multiple", "integer", "decimal", "range", "date")
# words of a question's name that say its answer identifies someone or something (a person, a device, a place)
IDENTIFYING_WORDS = frozenset({
    "name", "names", "nom", "noms", "prenom", "postnom", "fullname", "surname", "phone", "telephone", "tel", "mobile",
    "msisdn", "email", "mail", "courriel", "gps", "geopoint", "latitude", "longitude", "address", "adresse",
    "contact", "signature", "photo", "birth", "naissance", "id", "idcard", "passport", "enumerator", "enqueteur",
    "interviewer", "agent", "device", "deviceid", "imei", "username", "user"})
# in a list of choices, only these say the answer names the person collecting, not the respondent's opinion
IDENTIFYING_CHOICE_WORDS = frozenset({"enumerator", "enqueteur", "interviewer", "device", "imei", "username"})


def name_words(name):
    import re

    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return {word for word in re.split(r"[^0-9a-zA-Z]+", spaced.lower()) if word}


def stored_by_default(kind, name):
    """Whether a question's answers are stored without the officer asking: closed answers whose name does not say
    they identify someone (a telephone typed as a number, an enumerator picked from a list are not stored)."""
    if kind not in CLOSED_TYPES:
        return False
    words = IDENTIFYING_CHOICE_WORDS if kind in SELECT_TYPES else IDENTIFYING_WORDS
    return not (name_words(name) & words)


def _language(header):
    """'en', 'fr', '' (default label) or None for a label column header."""
    lowered = header.strip().lower()
    if lowered == "label":
        return ""
    if not lowered.startswith("label::"):
        return None
    language = lowered[len("label::"):].strip()
    if language in ("en", "english") or "(en)" in language or language.startswith("english"):
        return "en"
    if language in ("fr", "french", "français", "francais") or "(fr)" in language or language.startswith(("french", "fran")):
        return "fr"
    return None


def _labels(label):
    """(English, French) from pyxform's label: a text, or {language: text} (languages as in `label::<language>`)."""
    if not isinstance(label, dict):
        text = str(label or "")[:500]
        return text, text
    found = {"en": "", "fr": "", "": ""}
    for language, text in label.items():
        key = _language("label" if language == "default" else f"label::{language}")
        if key is not None and text and not found[key]:
            found[key] = str(text)
    default = found[""] or next((str(t) for t in label.values() if t), "")
    return (found["en"] or default)[:500], (found["fr"] or default)[:500]


def _read_bounded(stream):
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DomainError(_("This XLSForm is larger than %(size)s MB.", size=MAX_BYTES // (1024 * 1024)), field="file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise DomainError(_("This file is not an XLSForm: upload the .xlsx file with the sheets survey and choices."),
                          field="file") from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise DomainError(_("This XLSForm is larger than %(size)s MB.", size=MAX_UNZIPPED_BYTES // (1024 * 1024)),
                          field="file")
    return data


def _read_form(stream):
    """(pyxform's form as a dict, the settings row) of an XLSForm; DomainError with pyxform's message if invalid."""
    data = _read_bounded(stream)
    try:
        workbook = get_xlsform(io.BytesIO(data), file_type=".xlsx")
        if "survey" not in {name.strip().lower() for name in workbook.sheet_names or ()}:
            raise DomainError(_("The XLSForm has no sheet named survey."), field="file")
        form = workbook_to_json(workbook_dict=workbook, fallback_form_name="data", warnings=[])
    except PyXFormError as error:
        raise DomainError(_("The XLSForm is not valid: %(message)s", message=str(error)[:500]), field="file") from None
    return form, (workbook.settings or [{}])[0]


def _questions(children, found, in_repeat=False):
    """Walk pyxform's tree: the questions CPMS keeps, in order; `found` counts those inside repeat groups."""
    for child in children:
        kind = TYPE_NAMES.get(child.get("type"), child.get("type"))
        if kind in ("group", "repeat"):
            if child.get("name") != "meta":  # instanceID and other metadata, read by the import
                yield from _questions(child.get("children", []), found, in_repeat or kind == "repeat")
        elif kind in KEPT_TYPES and child.get("name"):
            if in_repeat:
                found["repeats"] += 1
            else:
                yield kind, child


def _question(kind, child, names):
    name = str(child["name"])
    if name in names:
        raise DomainError(_("Two questions are named %(name)s: CPMS needs names unique in the whole form.", name=name),
                          field="file")
    names.add(name)
    label_en, label_fr = _labels(child.get("label"))
    list_name = child.get("list_name") if kind in SELECT_TYPES else None
    return dict(name=name[:100], type=kind, list_name=list_name and str(list_name)[:100], label_en=label_en,
                label_fr=label_fr, is_identifying=not stored_by_default(kind, name))


def _choices(form):
    choices = []
    for list_name, items in (form.get("choices") or {}).items():
        for item in items:
            label_en, label_fr = _labels(item.get("label"))
            choices.append(dict(list_name=str(list_name)[:100], name=str(item.get("name", ""))[:100],
                                label_en=label_en, label_fr=label_fr))
    return [c for c in choices if c["name"]]


def parse_xlsform(stream):
    """{name, form_id, version, questions, choices, repeat_questions, content_hash} from an XLSForm file; DomainError if unusable
    (pyxform's validation message, with its row)."""
    form, settings = _read_form(stream)
    found, names = {"repeats": 0}, set()
    questions = [_question(kind, child, names) for kind, child in _questions(form.get("children", []), found)]
    if not questions:
        raise DomainError(_("The survey sheet has no question CPMS can analyse (select, number or text)."), field="file")
    parsed = dict(name=str(settings.get("form_title", ""))[:200], form_id=str(settings.get("form_id", ""))[:100],
                  version=str(settings.get("version", ""))[:100], questions=questions, choices=_choices(form),
                  repeat_questions=found["repeats"])
    # what the form says, not the bytes of the file: the same form saved again is recognised
    parsed["content_hash"] = hashlib.sha256(json.dumps(parsed, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return parsed
