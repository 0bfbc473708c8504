"""Indicators: the quarterly indicator report of the largest programme, for the whole programme (national scope).

The report computes each indicator for the quarter, the seven quarters before it (the trend) and the programme to
date: one query per computed indicator (one for both completion indicators, which share each enrolment's
completion), two for entered values, and a few for settings, targets, locks and labels
(cpms/indicators/service/reports.py) – its number of statements does not grow with the data.

The floor is independent of the app (issue 22): the minimal SQL an expert would write from each figure's definition
in the rule books – one hand-written query per figure, grouped by period (FLOOR_SQL below) – plus the user lookup,
the programme's indicators, targets and locks. In setup the floor's figures are checked against the report's own
(every total of the trend and the programme to date): a floor that computes something else fails the scenario.
"""
import math
import re
from datetime import date, datetime, time, timedelta

from bench.harness import scenario
from bench.scenarios.core import user_floor


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


# --- the independent floor: one hand-written query per figure, grouped by period ------------------------------
#
# Written from each figure's definition (docs/rules/training.md, certificates.md, deployments.md, stations.md,
# committees.md, plans.md and indicators.md), not from the app's statements: a table of the report's periods
# (the eight quarters of the trend and the programme to date) joined to the records by their date, one GROUP BY
# period per figure. Completion and retention are decided once per enrolment or certified officer, then counted in
# each period. "Latest" figures (states) are computed for the eight quarters; their programme to date is the last
# quarter's value, as the report shows it. Totals of the whole programme (a national report without a
# disaggregation), as the scenario asks.

FLOOR_SQL = {
    "TRN-ENR": """
SELECT p.idx, COUNT(DISTINCT e.trainee_id) FROM {periods}
JOIN enrolments e ON e.enrolled_on BETWEEN p.d0 AND p.d1
JOIN cohorts c ON c.id = e.cohort_id AND c.programme_id = :pid AND c.status <> 'cancelled'
GROUP BY p.idx""",
    "TRN-CMP": """
{completion}
SELECT p.idx, COUNT(DISTINCT CASE WHEN x.done = 1 THEN x.trainee_id END) FROM {periods}
JOIN decided x ON x.end_date BETWEEN p.d0 AND p.d1 GROUP BY p.idx""",
    "TRN-RATE": """
{completion}
SELECT p.idx, 100.0 * SUM(x.done) / COUNT(*) FROM {periods}
JOIN decided x ON x.end_date BETWEEN p.d0 AND p.d1 GROUP BY p.idx""",
    "TRN-GAIN": """
SELECT p.idx, AVG(e.post_score - e.pre_score) FROM {periods}
JOIN cohorts c ON c.end_date BETWEEN p.d0 AND p.d1 AND c.programme_id = :pid AND c.status <> 'cancelled'
JOIN enrolments e ON e.cohort_id = c.id AND e.pre_score IS NOT NULL AND e.post_score IS NOT NULL
GROUP BY p.idx""",
    "TRN-CRT": """
SELECT p.idx, COUNT(DISTINCT ce.trainee_id) FROM {periods}
JOIN certificates ce ON ce.status = 'valid' AND ce.certified_on BETWEEN p.d0 AND p.d1
JOIN cohorts c ON c.id = ce.cohort_id AND c.programme_id = :pid
GROUP BY p.idx""",
    "RET-12": "{retention12}",
    "RET-36": "{retention36}",
    "STN-HND": """
SELECT p.idx, COUNT(DISTINCT cp.station_id) FROM {periods}
JOIN handovers h ON h.is_final_acceptance = {true} AND h.handover_date BETWEEN p.d0 AND p.d1
JOIN construction_projects cp ON cp.id = h.project_id AND cp.programme_id = :pid
 AND cp.kind IN ('new_build', 'rehabilitation')
GROUP BY p.idx""",
    "STN-GEN": """
SELECT p.idx, 100.0 * SUM(CASE WHEN g.cells_men = {true} AND g.cells_women = {true} AND g.cells_minors = {true}
 AND g.separate_sanitation = {true} AND g.reception_desk = {true} AND g.accessibility = {true}
 AND (g.checked_on IS NULL OR g.checked_on <= p.d1) THEN 1 ELSE 0 END) / COUNT(*) FROM {quarters}
JOIN construction_projects cp ON cp.programme_id = :pid AND cp.start_date <= p.d1
LEFT JOIN gender_checklists g ON g.project_id = cp.id
GROUP BY p.idx""",
    "STN-BUD": """
SELECT p.idx, SUM(x.amount) FROM {periods}
JOIN expenditures x ON x.spent_on BETWEEN p.d0 AND p.d1
JOIN construction_projects cp ON cp.id = x.project_id AND cp.programme_id = :pid AND cp.currency = 'USD'
GROUP BY p.idx""",
    "CLSP-FUN": """
SELECT q.idx, COUNT(*) FROM (
 SELECT p.idx, m.committee_id FROM {quarters}
 JOIN committees k ON k.programme_id = :pid AND k.kind = 'clsp'
 JOIN provinces pr ON pr.id = k.province_id
 JOIN committee_meetings m ON m.committee_id = k.id AND m.status = 'held' AND {local_days}
 GROUP BY p.idx, m.committee_id HAVING COUNT(*) >= :min_meetings) q
GROUP BY q.idx""",
    "CLSP-MTG": """
SELECT p.idx, COUNT(*) FROM {periods}
JOIN committees k ON k.programme_id = :pid
JOIN provinces pr ON pr.id = k.province_id
JOIN committee_meetings m ON m.committee_id = k.id AND m.status = 'held' AND {local_days}
GROUP BY p.idx""",
    "CLSP-WOM": """
SELECT p.idx, 100.0 * SUM(CASE WHEN mb.sex = 'F' THEN 1 ELSE 0 END) / COUNT(*) FROM {quarters}
JOIN committee_members mb ON mb.start_date <= p.d1 AND (mb.end_date IS NULL OR mb.end_date >= p.d1)
JOIN committees k ON k.id = mb.committee_id AND k.programme_id = :pid
GROUP BY p.idx""",
    "CLSP-ACT": """
SELECT p.idx, 100.0 * SUM(CASE WHEN a.status = 'done' AND a.closed_on <= a.due_date THEN 1 ELSE 0 END) / COUNT(*)
FROM {periods}
JOIN committee_action_items a ON a.due_date BETWEEN p.d0 AND p.d1 AND a.status <> 'dropped'
JOIN committees k ON k.id = a.committee_id AND k.programme_id = :pid
GROUP BY p.idx""",
    "PLN-ADP": """
SELECT p.idx, COUNT(*) FROM {periods}
JOIN security_plans sp ON sp.start_date BETWEEN p.d0 AND p.d1
JOIN committees k ON k.id = sp.committee_id AND k.programme_id = :pid
GROUP BY p.idx""",
    "QIP-CMP": """
SELECT p.idx, COUNT(*) FROM {periods}
JOIN quick_impact_projects q ON q.status = 'completed' AND q.completed_on BETWEEN p.d0 AND p.d1
JOIN security_plan_actions pa ON pa.id = q.plan_action_id
JOIN security_plans sp ON sp.id = pa.plan_id
JOIN committees k ON k.id = sp.committee_id AND k.programme_id = :pid
GROUP BY p.idx""",
    "ENT-DLG": """
SELECT p.idx, SUM(v.value) FROM {periods}
JOIN indicator_values v ON v.status = 'approved' AND v.period_start >= p.d0 AND v.period_end <= p.d1
JOIN programme_indicators pi ON pi.id = v.programme_indicator_id AND pi.programme_id = :pid AND pi.code = 'ENT-DLG'
GROUP BY p.idx""",
}

# completion, decided once per enrolment of the programme's cohorts ending in the report's span: not withdrawn,
# attendance (present + late over present + late + absent, sessions held since enrolment and by today) at or above
# the course's threshold, final score at or above the pass mark, and the officer's latest vetting approved and
# unexpired at the cohort's start where the programme requires it
COMPLETION = """
WITH marks AS (
 SELECT a.enrolment_id,
  SUM(CASE WHEN a.status IN ('present', 'late') THEN 1 ELSE 0 END) AS attended,
  SUM(CASE WHEN a.status IN ('present', 'late', 'absent') THEN 1 ELSE 0 END) AS counted
 FROM cohorts c
 JOIN enrolments e ON e.cohort_id = c.id AND e.withdrawn_on IS NULL
 JOIN attendances a ON a.enrolment_id = e.id
 JOIN training_sessions s ON s.id = a.session_id AND s.is_cancelled = {false} AND s.session_date <= :today
  AND s.session_date >= e.enrolled_on
 WHERE c.programme_id = :pid AND c.status <> 'cancelled' AND c.end_date BETWEEN :first AND :last
 GROUP BY a.enrolment_id),
decided AS (
 SELECT e.trainee_id, c.end_date,
  CASE WHEN e.withdrawn_on IS NULL AND m.counted > 0
   AND ROUND(CAST(100.0 * m.attended / m.counted AS NUMERIC), 1) >= co.attendance_threshold
   AND e.final_score >= co.pass_mark
   AND (pr.requires_vetting = {false} OR (v.status = 'approved' AND (v.expires_on IS NULL
        OR v.expires_on >= c.start_date))) THEN 1 ELSE 0 END AS done
 FROM cohorts c
 JOIN programmes pr ON pr.id = c.programme_id
 JOIN courses co ON co.id = c.course_id
 JOIN enrolments e ON e.cohort_id = c.id
 LEFT JOIN marks m ON m.enrolment_id = e.id
 LEFT JOIN vettings v ON v.id = (SELECT MAX(v2.id) FROM vettings v2 WHERE v2.trainee_id = e.trainee_id)
 WHERE c.programme_id = :pid AND c.status <> 'cancelled' AND c.end_date BETWEEN :first AND :last)"""

# retention at m months, decided once per certified officer (a valid certificate of a cohort of the programme):
# the day certified_on + m months (clamped to the month's end) and whether a posting in one of the programme's
# provinces covered it; a quarter counts the officers whose day had come by its end (and by today)
RETENTION = """
WITH due AS (
 SELECT {checkpoint} AS day, ce.trainee_id
 FROM certificates ce JOIN cohorts c ON c.id = ce.cohort_id AND c.programme_id = :pid
 WHERE ce.status = 'valid'),
kept AS (
 SELECT d.day, CASE WHEN EXISTS (SELECT 1 FROM postings po JOIN programme_provinces pp
   ON pp.province_id = po.province_id AND pp.programme_id = :pid
   WHERE po.trainee_id = d.trainee_id AND po.start_date <= d.day
    AND (po.end_date IS NULL OR po.end_date >= d.day)) THEN 1 ELSE 0 END AS kept
 FROM due d)
SELECT p.idx, 100.0 * SUM(k.kept) / COUNT(*) FROM {quarters}
JOIN kept k ON k.day <= p.seen GROUP BY p.idx"""


def checkpoint_sql(kind, months):
    if kind == "postgresql":
        return f"CAST(ce.certified_on + INTERVAL '{months} months' AS DATE)"
    return (f"min(date(ce.certified_on, 'start of month', '+{months} months', "
            f"'+' || (CAST(strftime('%d', ce.certified_on) AS INTEGER) - 1) || ' days'), "
            f"date(ce.certified_on, 'start of month', '+{months + 1} months', '-1 day'))")


def _date(kind, day):
    return f"DATE '{day.isoformat()}'" if kind == "postgresql" else f"'{day.isoformat()}'"


def _instant(kind, moment):
    if kind == "postgresql":
        return f"TIMESTAMPTZ '{moment.isoformat(sep=' ')}'"
    return f"'{moment.replace(tzinfo=None).isoformat(sep=' ', timespec='microseconds')}'"


def periods_table(kind, periods, today):
    """The report's periods as a derived table p(idx, d0, d1, seen, lo_w, hi_w, lo_e, hi_e): dates, the day a state
    is seen on (the end, or today), and the UTC bounds of the local days in the west and east zones."""
    from zoneinfo import ZoneInfo

    from cpms.geo.reference import EAST, WEST

    def bound(day, zone):
        return datetime.combine(day, time.min, ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))

    rows = []
    for index, (start, end) in enumerate(periods):
        values = [str(index), _date(kind, start), _date(kind, end), _date(kind, min(end, today))]
        for zone in (WEST, EAST):
            values += [_instant(kind, bound(start, zone)), _instant(kind, bound(end + timedelta(days=1), zone))]
        rows.append(values)
    names = ["idx", "d0", "d1", "seen", "lo_w", "hi_w", "lo_e", "hi_e"]
    if kind == "postgresql":
        return "(VALUES " + ", ".join("(" + ", ".join(row) + ")" for row in rows) + f") AS p({', '.join(names)})"
    return "(" + " UNION ALL ".join("SELECT " + ", ".join(f"{v} AS {n}" for v, n in zip(row, names))
                                    for row in rows) + ") p"


def floor_statements(kind, trend, to_date, today):
    """{indicator code: SQL} of the independent floor for the trend's quarters and the programme to date."""
    from cpms.geo.reference import EAST
    spans = [(p.start, p.end) for p in trend] + [(to_date.start, to_date.end)]
    local_days = (f"m.starts_at >= CASE WHEN pr.time_zone = '{EAST}' THEN p.lo_e ELSE p.lo_w END "
                  f"AND m.starts_at < CASE WHEN pr.time_zone = '{EAST}' THEN p.hi_e ELSE p.hi_w END")
    true, false = ("TRUE", "FALSE") if kind == "postgresql" else ("1", "0")
    parts = {"periods": periods_table(kind, spans, today), "quarters": periods_table(kind, spans[:-1], today),
             "local_days": local_days, "true": true, "false": false}
    parts["completion"] = COMPLETION.format(**parts)
    for months in (12, 36):
        parts[f"retention{months}"] = RETENTION.format(checkpoint=checkpoint_sql(kind, months), **parts)
    return {code: sql.format(**parts) for code, sql in FLOOR_SQL.items()}


LATEST = {"RET-12", "RET-36", "STN-GEN", "CLSP-FUN", "CLSP-WOM"}
COUNTS = {"TRN-ENR", "TRN-CMP", "TRN-CRT", "STN-HND", "CLSP-FUN", "CLSP-MTG", "PLN-ADP", "QIP-CMP"}


def floor_figures(rows, code, length):
    """[value of each trend quarter…, programme to date] from a floor query's (idx, value) rows."""
    found = {int(index): (float(value) if value is not None else None) for index, value in rows}
    values = [found.get(i, 0.0 if code in COUNTS else None) for i in range(length + 1)]
    if code in LATEST:  # a state: the programme to date is the last quarter's value
        values[length] = next((v for v in reversed(values[:length]) if v is not None), None)
    return values


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


@scenario
class QuarterlyIndicatorReport:
    name = "National quarterly indicator report"
    role = "me_officer"
    domain = "indicators"
    target = "aggregate"
    floor_what = "one hand-written query per figure, grouped by period, checked equal to the report's figures"

    def setup(self, bench):
        import sqlalchemy as sa

        from bench.harness import Driver
        from cpms.core.permissions import Scope
        from cpms.extensions import db
        from cpms.indicators.models import ProgrammeIndicator
        from cpms.indicators.service import periods as P
        from cpms.indicators.service.framework import programme_span, settings_of
        from cpms.indicators.service.reports import build_report
        from cpms.programmes.models import Programme
        self.programme_id, self.period = report_target(bench)
        self.url = f"/indicators/programmes/{self.programme_id}/report?period={self.period}"
        html = bench.get(self.url).get_data(as_text=True)
        today = date.today()
        with bench.app.test_request_context():
            programme = db.session.get(Programme, self.programme_id)
            month = settings_of(self.programme_id).fiscal_year_start_month
            report = build_report(programme, P.parse_period(self.period, month), scope=Scope.national())
            trend = list(report.trend_periods)
            to_date = programme_span(programme, month, until=trend[-1].end)
            answer = {row.pi.code: [p.value for p in row.trend] + [row.to_date] for row in report.totals()}
        self.params = {"pid": self.programme_id, "today": today, "first": to_date.start, "last": to_date.end,
                       "min_meetings": bench.app.config["INDICATOR_CLSP_MIN_MEETINGS"]}
        self.length = len(trend)
        self.statements = floor_statements(bench.database.kind, trend, to_date, today)
        driver = Driver(bench.database)
        try:
            figures = self.figures(driver)
        finally:
            driver.close()
        missing = sorted(set(answer) - set(figures))
        if missing:
            raise AssertionError(f"the floor has no query for {', '.join(missing)}")
        wrong = {code: (figures[code], answer[code]) for code in answer
                 if not all(same(a, b) for a, b in zip(figures[code], answer[code]))}
        if wrong:
            raise AssertionError(f"the floor's figures differ from the report's: {wrong}")
        indicators = bench.scalar(sa.select(sa.func.count()).select_from(ProgrammeIndicator)
                                  .where(ProgrammeIndicator.programme_id == self.programme_id))
        if not indicators or "report-table" not in html and "<table" not in html:
            raise AssertionError(f"{self.url}: no indicators to report")
        self.detail = {"programme_id": self.programme_id, "period": self.period, "indicators": indicators,
                       "floor_checked": sorted(answer)}

    def figures(self, sql):
        """{indicator code: [figures]} of the floor; with the page's other reads (indicators, targets, locks)."""
        params = {key: self.params[key] for key in ("pid",)}
        sql.rows("SELECT pi.id, pi.code, pi.baseline_value, pi.lop_target, i.name_fr, i.unit, i.direction, "
                 "i.aggregation FROM programme_indicators pi JOIN indicators i ON i.id = pi.indicator_id "
                 "WHERE pi.programme_id = :pid ORDER BY pi.position", params)
        sql.rows("SELECT t.programme_indicator_id, t.period_kind, t.period_start, t.period_end, t.value "
                 "FROM indicator_targets t JOIN programme_indicators pi ON pi.id = t.programme_indicator_id "
                 "WHERE pi.programme_id = :pid", params)
        sql.rows("SELECT id, period_kind, period_start FROM indicator_period_locks WHERE programme_id = :pid", params)
        figures = {}
        for code, statement in self.statements.items():
            names = set(re.findall(r"(?<!:):([a-z_]+)", statement))
            rows = sql.rows(statement, {key: value for key, value in self.params.items() if key in names})
            figures[code] = floor_figures(rows, code, self.length)
        return figures

    def run(self, bench):
        bench.get(self.url)

    def floor(self, bench, sql):
        user_floor(sql, self.role)
        self.figures(sql)
