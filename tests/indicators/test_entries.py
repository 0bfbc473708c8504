"""Entered values: evidence, area, breakdowns, approval; only approved values count; aggregation over time and areas."""
import io
import os
from datetime import date

import pytest
from werkzeug.datastructures import FileStorage

from cpms.core.errors import DomainError
from cpms.core.permissions import Scope
from cpms.extensions import db as _db
from cpms.indicators.service import entries
from cpms.indicators.service import periods as P
from cpms.indicators.service.values import Area, compute
from tests.conftest import commune_id, english, province_id
from tests.helpers.pdf import pdf_pages, rewritten, scanned_pdf, script_link

PDF = scanned_pdf(1)  # a workshop's report, scanned
NATIONAL = Scope.national()


def kasai_scope():
    pid = province_id("Kasaï-Oriental")
    return Scope(full_province_ids={pid}, commune_ids=set(), province_ids={pid})


def bipemba_scope():
    return Scope(full_province_ids=set(), commune_ids={commune_id("Bipemba")},
                 province_ids={province_id("Kasaï-Oriental")})


def pdf(name="minutes.pdf", data=PDF):
    return FileStorage(stream=io.BytesIO(data), filename=name)


@pytest.fixture
def entered(make_framework, make_indicator, add_to_framework, make_user):
    framework = make_framework(provinces=["Kasaï-Oriental", "Haut-Katanga"])
    indicator = make_indicator(code="CLSP-WS", unit="count", disaggregations=["sex", "province", "commune"])
    pi = add_to_framework(framework, indicator)
    me = make_user("me_officer")
    return framework.programme, pi, me


def enter(programme, pi, actor=None, scope=NATIONAL, **fields):
    values = dict(period="2016-Q2", value=12, evidence_url="https://drive.example.org/clsp-workshop.pdf",
                  comment="Atelier CLSP de Bipemba")
    values.update(fields)
    row = entries.save_value(actor, scope, programme, pi, today=date(2017, 1, 10), **values)
    _db.session.commit()
    return row


def figures(programme, pi, periods, **kwargs):
    return compute(programme.id, [pi], [P.parse_period(k, 1) for k in periods], scope=kwargs.pop("scope", NATIONAL),
                   **kwargs)


def test_only_approved_values_count(app, entered):
    programme, pi, me = entered
    with english(app):
        row = enter(programme, pi, commune_id=commune_id("Bipemba"), breakdowns={"sex": {"F": 7, "M": 5}})
        assert row.province_id == province_id("Kasaï-Oriental") and row.status == "submitted"
        assert figures(programme, pi, ["2016-Q2"]).get(pi.id, 0) is None
        entries.review_value(me, row, approve=True)
        _db.session.commit()
    result = figures(programme, pi, ["2016-Q2"], dimension="sex")
    assert (result.get(pi.id, 0), result.get(pi.id, 0, "F"), result.get(pi.id, 0, "M")) == (12.0, 7.0, 5.0)


def test_quarters_and_areas_combine_by_aggregation(app, entered, make_indicator, add_to_framework):
    programme, pi, me = entered
    with english(app):
        rows = [enter(programme, pi, period="2016-Q1", value=3, province_id=province_id("Kasaï-Oriental")),
                enter(programme, pi, period="2016-Q2", value=4, province_id=province_id("Kasaï-Oriental")),
                enter(programme, pi, period="2016-Q2", value=6, province_id=province_id("Haut-Katanga"))]
        for row in rows:
            entries.review_value(me, row, approve=True)
        _db.session.commit()
    result = figures(programme, pi, ["2016-Q1", "2016-Q2", "2016-H1"], dimension="province")
    assert [result.get(pi.id, i) for i in range(3)] == [3.0, 10.0, 13.0]  # counts add up over areas and quarters
    assert result.get(pi.id, 2, str(province_id("Haut-Katanga"))) == 6.0
    kasai = figures(programme, pi, ["2016-H1"], area=Area(province_id=province_id("Kasaï-Oriental")))
    assert kasai.get(pi.id, 0) == 7.0


def test_percentages_average_over_areas_and_latest_keeps_the_last_quarter(app, entered, make_indicator,
                                                                          add_to_framework, make_framework):
    programme, _pi, me = entered
    from types import SimpleNamespace

    from cpms.indicators.service import programme_nodes
    output = next(n for n in programme_nodes(programme.id) if n.level == "output")
    share = add_to_framework(SimpleNamespace(programme=programme, output=output),
                             make_indicator(unit="percentage", aggregation="latest"))
    with english(app):
        for period, province, value in (("2016-Q1", "Kasaï-Oriental", 20), ("2016-Q2", "Kasaï-Oriental", 30),
                                        ("2016-Q2", "Haut-Katanga", 50)):
            entries.review_value(me, enter(programme, share, period=period, value=value,
                                           province_id=province_id(province)), approve=True)
        _db.session.commit()
    result = figures(programme, share, ["2016-Q1", "2016-H1"])
    assert [result.get(share.id, 0), result.get(share.id, 1)] == [20.0, 40.0]


def test_refusals(app, entered, make_user):
    programme, pi, me = entered
    with english(app):
        cases = [
            (dict(evidence_url=""), "Attach the evidence"),
            (dict(evidence_url="javascript:alert(1)"), "must be a web address"),
            (dict(evidence_url="", evidence_file=pdf("virus.exe", b"MZ\x90\x00")), "must be a PDF"),
            (dict(evidence_url="", evidence_file=pdf("rapport.pdf", rewritten(PDF, script_link))),
             "rapport.pdf holds scripts, automatic actions or attached files"),
            (dict(evidence_url="", evidence_file=pdf("coupe.pdf", PDF[:200])), "coupe.pdf is damaged or incomplete"),
            (dict(value=-1), "cannot be negative"),
            (dict(period="2017-Q2"), "has not begun"),
            (dict(period="2016"), "Values are entered per quarter"),
            (dict(breakdowns={"sex": {"F": 7, "M": 6}}), "The values by sex add up to 13, but the total is 12"),
            (dict(breakdowns={"rank": {"1": 3}}), "not broken down by Rank"),
            (dict(commune_id=commune_id("Kampemba"), scope=kasai_scope()), "outside yours"),
            (dict(scope=kasai_scope()), "limited to an area"),
            (dict(province_id=province_id("Ituri")), "does not cover this province"),
            (dict(province_id=province_id("Kasaï-Oriental"), scope=bipemba_scope()), "choose the commune"),
        ]
        for fields, message in cases:
            scope = fields.pop("scope", NATIONAL)
            with pytest.raises(DomainError, match=message):
                entries.save_value(None, scope, programme, pi, today=date(2017, 1, 10),
                                   **{**dict(period="2016-Q2", value=12, evidence_url="https://x.example.org/a.pdf"),
                                      **fields})
            _db.session.rollback()
        row = enter(programme, pi)
        with pytest.raises(DomainError, match="already entered"):
            enter(programme, pi)
        _db.session.rollback()
        with pytest.raises(DomainError, match="Say why the value is rejected"):
            entries.review_value(me, row, approve=False)
        with pytest.raises(DomainError, match="Only M&E officers"):
            entries.review_value(make_user("project_officer"), row, approve=True)
        entries.review_value(me, row, approve=False, note="Le compte rendu ne mentionne que 10 participants.")
        _db.session.commit()
        enter(programme, pi, value=10)  # a rejected value may be entered again


def test_evidence_file_is_checked_and_stored_under_a_random_name(app, entered):
    programme, pi, _me = entered
    with english(app):
        row = enter(programme, pi, evidence_url="", evidence_file=pdf("Rapport atelier.pdf"))
    assert row.evidence_name == "Rapport atelier.pdf" and row.evidence_type == "application/pdf"
    assert row.evidence_stored.endswith(".pdf") and "Rapport" not in row.evidence_stored
    with app.test_request_context():
        with open(entries.evidence_path(row), "rb") as handle:
            assert pdf_pages(handle.read()) == 1  # kept as its page, written again
        os.remove(entries.evidence_path(row))
