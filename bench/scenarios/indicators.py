"""Indicators: the quarterly indicator report of the largest programme, for the whole programme (national scope).

The report computes each indicator for the quarter, the seven quarters before it (the trend) and the programme to
date: one UNION ALL query per computed indicator, two for entered values, and a few for settings, targets, locks
and labels (cpms/indicators/service/reports.py) – its number of statements does not grow with the data.

The floor is the aggregate statements the report needs – every GROUP BY / COUNT / SUM / AVG the page sends, as SQL
text with its parameters, captured once in setup – run through the bare driver, plus the user lookup every page
makes. So the ratio measures what the app adds around the SQL (statement building, ORM, the page); how good the
SQL itself is shows in the floor's time.
"""
import re

from bench.harness import scenario
from bench.scenarios.core import user_floor

AGGREGATE = re.compile(r"\b(GROUP BY|count\(|sum\(|avg\()", re.IGNORECASE)


def report_target(bench):
    """(programme id, period key) of the report: the programme with the most enrolments, the last quarter ended."""
    from sqlalchemy import func, select

    from cpms.extensions import db
    from cpms.indicators.service import settings_of
    from cpms.indicators.service.reports import default_period
    from cpms.programmes.models import Programme
    from cpms.training.models import Cohort, Enrolment
    programme_id = bench.scalar(select(Cohort.programme_id).join(Enrolment, Enrolment.cohort_id == Cohort.id)
                                .group_by(Cohort.programme_id).order_by(func.count().desc(), Cohort.programme_id)
                                .limit(1))
    with bench.app.app_context():
        programme = db.session.get(Programme, programme_id)
        period = default_period(programme, settings_of(programme_id).fiscal_year_start_month)
        return programme_id, period.key


@scenario
class QuarterlyIndicatorReport:
    name = "National quarterly indicator report"
    role = "me_officer"
    domain = "indicators"
    target = "aggregate"
    floor_what = "the report's aggregate statements (captured once) through the driver"

    def setup(self, bench):
        import sqlalchemy as sa

        from cpms.extensions import db
        from cpms.indicators.models import ProgrammeIndicator
        self.programme_id, self.period = report_target(bench)
        self.url = f"/indicators/programmes/{self.programme_id}/report?period={self.period}"
        with bench.app.app_context():
            engine = db.engine
        captured = []

        def capture(conn, cursor, statement, parameters, context, executemany):
            if AGGREGATE.search(statement) and "FROM users" not in statement:
                captured.append((statement, parameters))

        sa.event.listen(engine, "before_cursor_execute", capture)
        try:
            html = bench.get(self.url).get_data(as_text=True)
        finally:
            sa.event.remove(engine, "before_cursor_execute", capture)
        self.aggregates = captured
        indicators = bench.scalar(sa.select(sa.func.count()).select_from(ProgrammeIndicator)
                                  .where(ProgrammeIndicator.programme_id == self.programme_id))
        if not indicators or "report-table" not in html and "<table" not in html:
            raise AssertionError(f"{self.url}: no indicators to report")
        self.detail = {"programme_id": self.programme_id, "period": self.period, "indicators": indicators,
                       "aggregate_statements": len(captured)}

    def run(self, bench):
        bench.get(self.url)

    def floor(self, bench, sql):
        user_floor(sql, self.role)
        for statement, parameters in self.aggregates:
            sql.rows(statement, parameters)
