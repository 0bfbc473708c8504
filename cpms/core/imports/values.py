"""Reading the cells of an imported row: dates, numbers, choices from a vocabulary; each unreadable cell becomes a
problem of its row (base.Check) that says what to write instead."""
import re
from datetime import datetime

from flask_babel import format_decimal
from flask_babel import gettext as _

from cpms.core.forms import read_number
from cpms.core.tabular import fold

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


def optional_number(row, key, check, language=None):
    """The number in row[key] as the user's language writes it ("1 234,50" in French, "1,234.50" in English;
    an XLSX number cell reads either way), None when empty; records an error and returns False when unreadable."""
    text = (row.get(key) or "").strip()
    if not text:
        return None
    try:
        return read_number(text, language)
    except ValueError:
        check.error(row["row"], key, _("“%(value)s” is not a number: write it as %(example)s.", value=text[:40],
                                       example=format_decimal(1234.5)))
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
