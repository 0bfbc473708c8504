"""The narrative per outcome: written by the M&E officer for a period, audited, shown on the report page, in the PDF
report and the XLSX read-me; read-only once the period is locked."""
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from cpms.core.audit import AuditEntry
from cpms.core.errors import DomainError
from cpms.core.permissions import Scope
from cpms.extensions import db as _db
from cpms.indicators.models import OutcomeNarrative
from cpms.indicators.service import locking, narratives
from cpms.indicators.service import periods as P
from tests.indicators.fixtures import pictures_setup

TEXT = "Les patrouilles conjointes ont doublé à Kampemba.\nLa saison des pluies a retardé Bipemba."


@pytest.fixture
def setup(make_programme, make_user):
    from cpms.indicators.models import ResultNode
    officer = make_user("me_officer")
    made = pictures_setup(make_programme, officer)
    nodes = {n.level: n for n in _db.session.scalars(select(ResultNode).where(
        ResultNode.programme_id == made.programme.id))}
    made.outcome, made.output, made.officer = nodes["outcome"], nodes["output"], officer
    return made


def test_save_update_remove_and_refusals(app, setup):
    from tests.conftest import english

    quarter = P.parse_period("2016-Q3", 1)
    saved = narratives.save_narrative(setup.officer, setup.programme, setup.outcome, quarter, "  Premier jet.  ")
    _db.session.commit()
    assert (saved.text, saved.period_kind, saved.period_end) == ("Premier jet.", "quarter", date(2016, 9, 30))
    narratives.save_narrative(setup.officer, setup.programme, setup.outcome, quarter, TEXT)
    _db.session.commit()
    assert narratives.narratives_for(setup.programme.id, quarter) == [(setup.outcome, TEXT)]
    assert narratives.narratives_for(setup.programme.id, P.parse_period("2016-Q2", 1)) == []
    audit = _db.session.execute(select(AuditEntry.action, AuditEntry.changes).where(
        AuditEntry.entity == "indicator_narratives").order_by(AuditEntry.id)).all()
    assert [a for a, _c in audit] == ["create", "update"]
    with english(app), pytest.raises(DomainError, match="outcome"):
        narratives.save_narrative(setup.officer, setup.programme, setup.output, quarter, TEXT)
    with english(app), pytest.raises(DomainError, match="5000"):
        narratives.save_narrative(setup.officer, setup.programme, setup.outcome, quarter, "x" * 5001)
    narratives.save_narrative(setup.officer, setup.programme, setup.outcome, quarter, "   ")
    _db.session.commit()
    assert _db.session.scalar(select(func.count()).select_from(OutcomeNarrative)) == 0


def test_a_locked_period_refuses_a_change(app, setup):
    from tests.conftest import english

    quarter = P.parse_period("2016-Q3", 1)
    narratives.save_narrative(setup.officer, setup.programme, setup.outcome, quarter, TEXT)
    locking.lock_period(setup.officer, Scope.national(), setup.programme, "2016", today=date(2017, 2, 1))
    _db.session.commit()
    with english(app), pytest.raises(DomainError, match="2016 is locked"):
        narratives.save_narrative(setup.officer, setup.programme, setup.outcome, quarter, "Autre chose")


def test_officer_writes_it_from_the_report_and_it_is_in_the_pdf_and_the_xlsx(app, client, web, login_as, setup):
    from cpms.indicators.service import exports
    from cpms.indicators.service.reports import build_report
    from cpms.indicators.service.values import Area
    from tests.conftest import english

    login_as("me_officer")
    report_url = f"/indicators/programmes/{setup.programme.id}/report?period=2016-Q3"
    page = client.get(report_url).get_data(as_text=True)
    url = f"/indicators/programmes/{setup.programme.id}/outcomes/{setup.outcome.id}/narrative?period=2016-Q3"
    assert f'href="{url.replace("&", "&amp;")}"' in page and "Write the narrative" in page
    refused = web.post(url, {"text": "x" * 5001})
    assert refused.status_code == 422 and "At most 5000 characters" in refused.get_data(as_text=True)
    assert web.post(url, {"text": TEXT}).status_code == 302
    page = client.get(report_url).get_data(as_text=True)
    assert "Les patrouilles conjointes ont doublé à Kampemba." in page and "Edit the narrative" in page

    quarter = P.parse_period("2016-Q3", 1)
    with english(app):
        report = build_report(setup.programme, quarter, scope=Scope.national())
        pdf = exports.report_pdf(report)
        workbook = load_workbook(io.BytesIO(exports.report_xlsx(setup.programme, quarter, scope=Scope.national(),
                                                                area=Area(), area_label="All")))
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Narrative per outcome" in text and "Les patrouilles conjointes ont doublé à Kampemba." in text
    readme = [[c.value for c in row] for row in workbook["Read me"].iter_rows()]
    assert [setup.outcome.code, setup.outcome.title_en, TEXT,
            "Narrative of the outcome for 2016 Q3, by the M&E officer"] in readme


def test_a_locked_period_shows_the_narrative_read_only(client, web, login_as, setup):
    quarter = P.parse_period("2016-Q3", 1)
    narratives.save_narrative(setup.officer, setup.programme, setup.outcome, quarter, TEXT)
    locking.lock_period(setup.officer, Scope.national(), setup.programme, "2016-Q3", today=date(2017, 2, 1))
    _db.session.commit()
    login_as("me_officer")
    url = f"/indicators/programmes/{setup.programme.id}/outcomes/{setup.outcome.id}/narrative?period=2016-Q3"
    page = client.get(url).get_data(as_text=True)
    assert 'id="narrative-locked"' in page and "<textarea" not in page and "doublé à Kampemba" in page
    response = client.post(url, data={"text": "Autre chose", "csrf_token": web.token(url.split("?")[0] + "?period=2016-Q2")})
    assert response.status_code == 200
    _db.session.expire_all()
    assert _db.session.scalar(select(OutcomeNarrative.text)) == TEXT
    report = client.get(f"/indicators/programmes/{setup.programme.id}/report?period=2016-Q3").get_data(as_text=True)
    assert "doublé à Kampemba" in report and "Edit the narrative" not in report


def test_an_output_or_another_programme_s_outcome_answers_404(client, login_as, setup, make_programme):
    login_as("me_officer")
    base = f"/indicators/programmes/{setup.programme.id}/outcomes"
    assert client.get(f"{base}/{setup.output.id}/narrative").status_code == 404
    other = make_programme(provinces=["Kasaï-Oriental"], code="PDP-AUTRE")
    assert client.get(f"/indicators/programmes/{other.id}/outcomes/{setup.outcome.id}/narrative").status_code == 404
