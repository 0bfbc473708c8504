"""The rule book's table of computed indicators (docs/rules/indicators.md) is generated from the registry: every
registered computation appears in it, with the aggregation, date and commune it declares, so that the two cannot
drift apart. After changing a computation, rewrite the table with
`CPMS_WRITE_RULE_BOOK=1 .venv/bin/python -m pytest -q tests/indicators/test_rule_book.py`."""
import os
from pathlib import Path

import pytest
from flask_babel import force_locale

from cpms.indicators.registry import AGGREGATIONS, RULE_BOOK_END, RULE_BOOK_START, computations, rule_book_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules" / "indicators.md"


def _generated(app):
    with app.test_request_context(), force_locale("en"):
        return rule_book_table()


def test_every_computed_indicator_is_in_the_rule_book(app):
    table = _generated(app)
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(RULE_BOOK_START), text.index(RULE_BOOK_END) + len(RULE_BOOK_END)
    if os.environ.get("CPMS_WRITE_RULE_BOOK"):
        DOC.write_text(text[:start] + table + text[end:], encoding="utf-8")
        text = DOC.read_text(encoding="utf-8")
        start, end = text.index(RULE_BOOK_START), text.index(RULE_BOOK_END) + len(RULE_BOOK_END)
    assert text[start:end] == table, "the rule book is out of date: see this module's docstring to rewrite it"
    for code in computations():
        assert f"| `{code}` |" in text


def test_every_computation_declares_its_rules(app):
    with app.test_request_context(), force_locale("en"):
        for code, comp in computations().items():
            assert comp.aggregation in AGGREGATIONS, code
            assert str(comp.dated_by).strip() and str(comp.place).strip() and str(comp.description).strip(), code


def test_a_computation_without_an_aggregation_is_refused():
    from cpms.indicators.registry import computed_indicator
    with pytest.raises(TypeError):
        computed_indicator("no_rule", label="x", unit="count", dated_by="d", place="p", description="x")
    with pytest.raises(ValueError):
        computed_indicator("bad_rule", label="x", unit="count", aggregation="median", dated_by="d", place="p",
                           description="x")


def test_the_library_form_shows_each_computations_rules(client, login_as):
    login_as("me_officer")
    html = client.get("/indicators/library/new").get_data(as_text=True)
    assert "Last quarter's value" in html  # functional CLSPs, retention, survey shares…
    assert "Distinct count" in html and "Period decided by: The cohort's end date." in html
    assert "Commune: The training venue's commune" in html and "Officer's home commune" in html
