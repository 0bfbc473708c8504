"""Issue 20, point 7: exports built the way KoBoToolbox and ODK Central write them (tests/surveys/fixtures.py:
kobo_export, central_export) are imported, and every figure is checked against values computed here from the rows."""
import pytest

from cpms.core.permissions import Scope
from cpms.surveys.service import results
from tests.conftest import english
from tests.surveys.fixtures import (
    EXPORT_VERSIONS,
    central_export,
    create_export_instrument,
    do_import,
    export_rows,
    kobo_export,
)

EXPORTS = {
    "kobo-csv-semicolon-xml-both": lambda rows: (kobo_export(rows), "export.csv"),
    "kobo-csv-comma-labels-space": lambda rows: (kobo_export(rows, labels=True, multiple="space", delimiter=","),
                                                 "export.csv"),
    "kobo-csv-labels-split-only": lambda rows: (kobo_export(rows, labels=True, multiple="split"), "export.csv"),
    "kobo-xlsx-xml-split-only": lambda rows: (kobo_export(rows, multiple="split", fmt="xlsx"), "export.xlsx"),
    "kobo-xlsx-labels-both": lambda rows: (kobo_export(rows, labels=True, fmt="xlsx"), "export.xlsx"),
    "central-csv-comma-space": lambda rows: (central_export(rows), "perception_export.csv"),
    "central-csv-split-only": lambda rows: (central_export(rows, multiple="split"), "perception_export.csv"),
    "central-csv-semicolon-both": lambda rows: (central_export(rows, multiple="both", delimiter=";"),
                                                "perception_export.csv"),
}


def share(rows, valid, counts):
    valid_rows = [r for r in rows if valid(r)]
    return len(valid_rows), sum(1 for r in valid_rows if counts(r)) / len(valid_rows)


def expected(rows):
    """{measure: (n, estimate)} computed from the rows of the file, as an evaluator would by hand."""
    scores = [r["score"] for r in rows]
    return {
        "Trusts the police": share(rows, lambda r: True, lambda r: r["trust"] in ("agree", "strongly_agree")),
        "Feels unsafe": share(rows, lambda r: r["unsafe"] != "dont_know", lambda r: r["unsafe"] == "yes"),
        "Safety score": (len(scores), sum(scores) / len(scores)),
        "Theft or violence": share(rows, lambda r: r["problems"], lambda r: {"theft", "violence"} & set(r["problems"])),
    }


def figures(app, survey_round):
    with english(app):
        measured = results.round_results(survey_round, Scope.national())
    overall = {r.measure.name_en: (r.overall.later.n, r.overall.later.value) for r in measured}
    by_sex = {(r.measure.name_en, cell.key): (cell.later.n, cell.later.value)
              for r in measured for cell in r.breakdowns["sex"]}
    return overall, by_sex


@pytest.mark.parametrize("kind", list(EXPORTS))
def test_a_real_export_imports_with_figures_computed_from_its_rows(app, make_round, kind):
    survey_round = make_round(create_export_instrument())
    rows = export_rows()
    data, filename = EXPORTS[kind](rows)
    summary, record = do_import(app, survey_round, data, filename)
    assert not summary["has_errors"], summary["problems"]
    kept = [r for r in rows if r["review"] != "not_approved"]
    # rows marked "not approved" (KoBoToolbox) or rejected (ODK Central) are left out, and the preview says how many
    assert summary["not_approved"] == len(rows) - len(kept) > 0
    assert summary["rows"] == len(rows) and record.rows_added == summary["new"] == len(kept)
    assert dict(summary["versions"]) == {v: sum(1 for r in kept if r["version"] == v) for v in EXPORT_VERSIONS}
    # personal columns are dropped, never stored; the submitter's name is one of them
    assert {"deviceid"} <= set(summary["dropped_columns"])
    assert not {"SubmitterName", "_submitted_by"} & set(summary["ignored_columns"])
    overall, by_sex = figures(app, survey_round)
    for name, (n, value) in expected(kept).items():
        assert overall[name][0] == n and overall[name][1] == pytest.approx(value), name
    for sex in ("female", "male"):
        n, value = expected([r for r in kept if r["sex"] == sex])["Theft or violence"]
        assert by_sex[("Theft or violence", sex)][0] == n and by_sex[("Theft or violence", sex)][1] == pytest.approx(value)


def test_rows_not_approved_are_imported_when_the_officer_asks(app, make_round):
    import io

    from cpms.extensions import db as _db
    from cpms.surveys import imports
    survey_round = make_round(create_export_instrument())
    rows = export_rows()
    with english(app):
        summary = imports.preview_import(None, survey_round, io.BytesIO(kobo_export(rows)), "export.csv",
                                         include_not_approved=True)
        record = imports.confirm_import(None, survey_round, summary["token"])
        _db.session.commit()
    assert summary["not_approved"] == 0 and record.rows_added == len(rows)
    overall, _by_sex = figures(app, survey_round)
    assert overall["Safety score"] == (len(rows), pytest.approx(sum(r["score"] for r in rows) / len(rows)))
