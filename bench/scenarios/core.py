"""The dashboard of every role: the cards of each domain, counted for the user's area."""
from datetime import date

from bench.harness import scenario

# the demo accounts: whole country, except the trainer and the project officer (Kasaï-Oriental)
PROVINCE_OF = {"trainer": "Kasaï-Oriental", "project_officer": "Kasaï-Oriental"}


def user_floor(sql, role):
    """What every page needs first: the logged-in user and their areas."""
    from cpms.auth.demo import DEMO_USERS
    email = next(u["email"] for u in DEMO_USERS if u["role"] == role)
    user = sql.rows("SELECT * FROM users WHERE email = :email AND is_active", {"email": email})[0]
    sql.rows("SELECT p.* FROM provinces p JOIN user_provinces up ON up.province_id = p.id WHERE up.user_id = :id",
             {"id": user[0]})
    sql.rows("SELECT c.* FROM communes c JOIN user_communes uc ON uc.commune_id = c.id WHERE uc.user_id = :id",
             {"id": user[0]})
    return user[0]


def area(alias, province_id):
    return "1 = 1" if province_id is None else f"{alias}.province_id = {int(province_id)}"


class Dashboard:
    domain = "core"
    target = "aggregate"
    floor_what = "the cards' COUNT queries (and the retention and outbox figures) through the driver"

    def setup(self, bench):
        from sqlalchemy import select

        from cpms.geo.models import Province
        name = PROVINCE_OF.get(self.role)
        self.province_id = bench.scalar(select(Province.id).where(Province.name == name)) if name else None

    def run(self, bench):
        bench.get("/")

    def floor(self, bench, sql):
        user_id = user_floor(sql, self.role)
        p, today = self.province_id, {"today": date.today().isoformat()}
        cohorts = f"SELECT count(*) FROM cohorts c WHERE {area('c', p)}"
        if self.role == "trainer":
            cohorts += (f" AND EXISTS (SELECT 1 FROM cohort_trainers ct WHERE ct.cohort_id = c.id "
                        f"AND ct.user_id = {user_id})")
        sql.rows(cohorts)
        sql.rows(f"SELECT count(*) FROM trainees t WHERE {area('t', p)}")
        if self.role == "admin":
            sql.rows("SELECT count(*) FROM users WHERE is_active")
            sql.rows("SELECT count(*) FROM audit_entries WHERE action = 'login_failed' AND at >= :since",
                     {"since": "2000-01-01"})
        sql.rows("SELECT count(*) FROM programmes" if p is None else
                 f"SELECT count(*) FROM programmes g WHERE EXISTS (SELECT 1 FROM programme_provinces pp "
                 f"WHERE pp.programme_id = g.id AND pp.province_id = {int(p)})")
        sql.rows(f"SELECT count(*) FROM communes c WHERE {area('c', p)}")
        sql.rows(f"SELECT count(*) FROM committees c WHERE {area('c', p)}")
        if self.role != "viewer":
            sql.rows(f"SELECT count(*) FROM committee_action_items a JOIN committees c ON c.id = a.committee_id "
                     f"WHERE {area('c', p)} AND a.status IN ('open', 'in_progress') AND a.due_date < :today", today)
        sql.rows(f"SELECT count(*) FROM security_plans s JOIN committees c ON c.id = s.committee_id "
                 f"WHERE {area('c', p)}")
        sql.rows(f"SELECT count(*) FROM quick_impact_projects q JOIN security_plan_actions a ON a.id = q.plan_action_id "
                 f"JOIN security_plans s ON s.id = a.plan_id JOIN committees c ON c.id = s.committee_id "
                 f"WHERE {area('c', p)} AND q.status = 'completed'")
        if self.role != "trainer":
            sql.rows("SELECT count(*) FROM survey_rounds r" if p is None else
                     f"SELECT count(*) FROM survey_rounds r WHERE EXISTS (SELECT 1 FROM survey_round_communes rc "
                     f"JOIN communes c ON c.id = rc.commune_id WHERE rc.round_id = r.id AND {area('c', p)})")
        if self.role != "viewer":
            sql.rows(f"SELECT count(*) FROM stations s WHERE {area('s', p)}")
        if self.role != "trainer":
            sql.rows(f"SELECT count(*), coalesce(sum(late), 0) FROM (SELECT p.id, max(CASE WHEN h.project_id IS NULL "
                     f"AND (m.overdue = 1 OR l.actual_date > l.planned_date) THEN 1 ELSE 0 END) AS late "
                     f"FROM construction_projects p JOIN stations s ON s.id = p.station_id "
                     f"LEFT JOIN (SELECT project_id, max(CASE WHEN actual_date IS NULL AND planned_date < :today "
                     f"THEN 1 ELSE 0 END) AS overdue, max(CASE WHEN actual_date IS NOT NULL AND planned_date IS NOT "
                     f"NULL THEN position END) AS last_position FROM milestones GROUP BY project_id) m "
                     f"ON m.project_id = p.id LEFT JOIN milestones l ON l.project_id = p.id AND l.position = "
                     f"m.last_position LEFT JOIN handovers h ON h.project_id = p.id AND h.is_final_acceptance "
                     f"WHERE {area('s', p)} GROUP BY p.id) flags", today)
        # the cards the floor used to leave out: certificates, officers in post, retention, e-mails, indicators
        certificates(sql, self.role, p, user_id)
        if self.role != "viewer":
            taught = ("" if self.role != "trainer" else
                      f" AND EXISTS (SELECT 1 FROM enrolments e JOIN cohort_trainers ct ON ct.cohort_id = e.cohort_id "
                      f"WHERE e.trainee_id = o.trainee_id AND ct.user_id = {user_id})")
            sql.rows(f"SELECT count(DISTINCT o.trainee_id) FROM postings o WHERE {area('o', p)}{taught} "
                     f"AND o.start_date <= :today AND (o.end_date IS NULL OR o.end_date >= :today)", today)
        retention(sql, self.role, p, user_id, bench.app.config["RETENTION_MIN_MONTHS"])
        if self.role == "admin":
            sql.rows("SELECT status, count(*) FROM outbox_messages GROUP BY status")
            sql.rows("SELECT name, beat_at, hostname, pid FROM scheduler_heartbeats")
            sql.rows("SELECT id, next_run_time FROM scheduler_jobs")
        programmes = ("SELECT id FROM programmes" if p is None else
                      f"SELECT programme_id FROM programme_provinces WHERE province_id = {int(p)}")
        sql.rows(f"SELECT count(*) FROM programme_indicators WHERE programme_id IN ({programmes})")
        if self.role in ("admin", "me_officer"):
            sql.rows(f"SELECT count(*) FROM indicator_values WHERE status = 'submitted' AND programme_indicator_id IN "
                     f"(SELECT id FROM programme_indicators WHERE programme_id IN ({programmes}))")


def certificates(sql, role, province_id, user_id):
    """Valid certificates: of the trainer's cohorts, of cohorts or officers of the area, or all of them."""
    if role == "trainer":
        sql.rows(f"SELECT count(*) FROM certificates x WHERE x.status = 'valid' AND EXISTS (SELECT 1 FROM "
                 f"cohort_trainers ct WHERE ct.cohort_id = x.cohort_id AND ct.user_id = {user_id})")
    elif province_id is None or role == "viewer":
        sql.rows(f"SELECT count(*) FROM certificates x WHERE x.status = 'valid' AND {area('x', province_id)}")
    else:
        sql.rows(f"SELECT count(*) FROM certificates x JOIN trainees t ON t.id = x.trainee_id WHERE x.status = 'valid' "
                 f"AND ({area('x', province_id)} OR {area('t', province_id)})")


def add_months(kind, value, months):
    """A date plus whole months, clamped to the end of the month (as cpms.deployments.service.retention.add_months)."""
    if kind == "postgresql":
        return f"CAST({value} + INTERVAL '{months} months' AS DATE)"
    return (f"min(date({value}, 'start of month', '+{months} months', '+' || (CAST(strftime('%d', {value}) AS INTEGER) "
            f"- 1) || ' days'), date({value}, 'start of month', '+{months + 1} months', '-1 day'))")


def retention(sql, role, province_id, user_id, months):
    """Certified officers due at the minimum period and those still posted in their programme's area then."""
    taught = ("" if role != "trainer" else
              f" AND EXISTS (SELECT 1 FROM cohort_trainers ct WHERE ct.cohort_id = c.id AND ct.user_id = {user_id})")
    sql.rows(f"WITH certified AS MATERIALIZED (SELECT x.trainee_id, x.end_date AS certified_on, c.programme_id, "
             f"{add_months(sql.kind, 'x.end_date', int(months))} AS checkpoint FROM certificates x "
             f"JOIN cohorts c ON c.id = x.cohort_id WHERE x.status = 'valid' AND x.end_date <= :today "
             f"AND {area('c', province_id)}{taught}) "
             f"SELECT count(*), coalesce(sum(CASE WHEN EXISTS (SELECT 1 FROM postings o WHERE o.trainee_id = k.trainee_id "
             f"AND EXISTS (SELECT 1 FROM programme_provinces pp WHERE pp.programme_id = k.programme_id "
             f"AND pp.province_id = o.province_id) AND (o.end_date IS NULL OR o.end_date >= k.certified_on) "
             f"AND o.start_date <= k.checkpoint AND (o.end_date IS NULL OR o.end_date >= k.checkpoint)) "
             f"THEN 1 ELSE 0 END), 0) FROM certified k WHERE k.checkpoint <= :today",
             {"today": date.today().isoformat()})


@scenario
class AdminDashboard(Dashboard):
    name = "Dashboard – admin (whole country)"
    role = "admin"


@scenario
class TrainerDashboard(Dashboard):
    name = "Dashboard – trainer (one province)"
    role = "trainer"


@scenario
class ProjectOfficerDashboard(Dashboard):
    name = "Dashboard – project officer (one province)"
    role = "project_officer"


@scenario
class MeOfficerDashboard(Dashboard):
    name = "Dashboard – M&E officer (whole country)"
    role = "me_officer"


@scenario
class ViewerDashboard(Dashboard):
    name = "Dashboard – viewer (whole country)"
    role = "viewer"


@scenario
class FixedCost:
    """What every page pays before its own work: session, user, menu, template. Beside it, a page whose floor
    is a millisecond cannot be within 1.5× of it."""
    name = "Fixed cost of a page (My account)"
    role = "viewer"
    domain = "core"

    def run(self, bench):
        bench.get("/account")

    def floor(self, bench, sql):
        user_id = user_floor(sql, self.role)
        sql.rows("SELECT * FROM api_tokens WHERE user_id = :id AND revoked_at IS NULL ORDER BY id", {"id": user_id})
