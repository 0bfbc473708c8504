"""The demo frameworks: fiscal years, targets, entered values in every state, one locked period with a difference."""
from sqlalchemy import func, select

from cpms.extensions import db as _db
from cpms.indicators.models import IndicatorValue, PeriodLock, ProgrammeIndicator, ResultsFramework
from cpms.programmes.demo import CURRENT_CODE
from cpms.programmes.models import Programme


def test_demo_frameworks_values_and_locked_period(app, demo, client, web):
    historical = select(Programme.id).where(Programme.code != CURRENT_CODE)  # the one running today: test_aggregation_rules
    months = dict(_db.session.execute(select(ResultsFramework.programme_id, ResultsFramework.fiscal_year_start_month)
                                      .where(ResultsFramework.programme_id.in_(historical))).all())
    assert sorted(months.values()) == [4, 10, 10]
    assert _db.session.scalar(select(func.count()).select_from(ProgrammeIndicator)) >= 25
    states = dict(_db.session.execute(select(IndicatorValue.status, func.count())
                                      .join(ProgrammeIndicator)
                                      .where(ProgrammeIndicator.programme_id.in_(historical))
                                      .group_by(IndicatorValue.status)).all())
    assert states["submitted"] == 1 and states["rejected"] == 1 and states["approved"] > 20
    lock = _db.session.scalar(select(PeriodLock))
    web.post("/login", {"email": "bailleur@demo.cpms.example", "password": "Cpms-demo-Kasai-06"})
    html = client.get(f"/indicators/programmes/{lock.programme_id}/report?period=FY2017-Q1").get_data(as_text=True)
    assert "Rapport trimestriel envoyé à INL" in html
    assert "(+1,850)" in html or "(+1 850)" in html or "(+1\u202f850)" in html
