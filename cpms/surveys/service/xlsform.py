"""Reading an XLSForm (sheets `survey`, `choices`, optional `settings`) with openpyxl.

Only questions whose answers CPMS can analyse are kept. Metadata (start, end, deviceid, phonenumber,
username, simserial, subscriberid…), locations (geopoint, geotrace, geoshape) and media (image, audio,
video, file) never become questions, so their columns are dropped at import.
"""
from flask_babel import gettext as _

from cpms.core.errors import DomainError

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


def _name_words(name):
    import re

    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return {word for word in re.split(r"[^0-9a-zA-Z]+", spaced.lower()) if word}


def stored_by_default(kind, name):
    """Whether a question's answers are stored without the officer asking: closed answers whose name does not say
    they identify someone (a telephone typed as a number, an enumerator picked from a list are not stored)."""
    if kind not in CLOSED_TYPES:
        return False
    words = IDENTIFYING_CHOICE_WORDS if kind in SELECT_TYPES else IDENTIFYING_WORDS
    return not (_name_words(name) & words)


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


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _sheet_rows(workbook, title):
    for sheet in workbook.worksheets:
        if sheet.title.strip().lower() == title:
            rows = sheet.iter_rows(values_only=True)
            header = [_text(h).lower() for h in next(rows, ())]
            for number, row in enumerate(rows, start=2):
                values = {header[i]: _text(v) for i, v in enumerate(row) if i < len(header) and header[i]}
                if any(values.values()):
                    yield number, values
            return
    return


def _labels(values):
    labels = {"en": "", "fr": "", "": ""}
    for header, value in values.items():
        language = _language(header)
        if language is not None and value and not labels[language]:
            labels[language] = value
    return (labels["en"] or labels[""])[:500], (labels["fr"] or labels[""])[:500]


def parse_xlsform(stream):  # noqa: C901
    """{name, form_id, version, questions: [...], choices: [...]} from an XLSForm file; DomainError if unusable."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError):
        raise DomainError(_("This file is not an XLSForm: upload the .xlsx file with the sheets survey and choices."),
                          field="file")
    try:
        titles = {sheet.title.strip().lower() for sheet in workbook.worksheets}
        if "survey" not in titles:
            raise DomainError(_("The XLSForm has no sheet named survey."), field="file")
        settings = next((values for _n, values in _sheet_rows(workbook, "settings")), {})
        choices, seen_choices = [], set()
        for number, values in _sheet_rows(workbook, "choices"):
            list_name, name = values.get("list_name", values.get("list name", "")), values.get("name", "")
            if not list_name or not name:
                continue
            if (list_name, name) in seen_choices:
                raise DomainError(_("Choice %(name)s appears twice in list %(list)s (choices sheet, row %(row)s).",
                                    name=name, list=list_name, row=number), field="file")
            seen_choices.add((list_name, name))
            label_en, label_fr = _labels(values)
            choices.append(dict(list_name=list_name[:100], name=name[:100], label_en=label_en, label_fr=label_fr))
        lists = {list_name for list_name, _name in seen_choices}
        questions, names = [], set()
        for number, values in _sheet_rows(workbook, "survey"):
            if "type" not in values and "name" not in values:
                continue
            kind, *rest = values.get("type", "").split() or [""]
            name = values.get("name", "")
            if kind not in KEPT_TYPES or not name:
                continue
            list_name = rest[0] if kind in SELECT_TYPES and rest else None
            if kind in SELECT_TYPES and list_name not in lists:
                raise DomainError(_("Question %(name)s uses the choice list %(list)s, which is not in the choices "
                                    "sheet (survey sheet, row %(row)s).", name=name, list=list_name or "?", row=number),
                                  field="file")
            if name in names:
                raise DomainError(_("Two questions are named %(name)s (survey sheet, row %(row)s).", name=name,
                                    row=number), field="file")
            names.add(name)
            label_en, label_fr = _labels(values)
            questions.append(dict(name=name[:100], type=kind, list_name=list_name, label_en=label_en, label_fr=label_fr,
                                  is_identifying=not stored_by_default(kind, name)))
    finally:
        workbook.close()
    if not questions:
        raise DomainError(_("The survey sheet has no question CPMS can analyse (select, number or text)."), field="file")
    return dict(name=settings.get("form_title", "")[:200], form_id=settings.get("form_id", "")[:100],
                version=settings.get("version", "")[:100], questions=questions, choices=choices)
