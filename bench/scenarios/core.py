"""The dashboard of every role: the cards of each domain, counted for the user's area."""
import html
import re
from datetime import date, datetime, timedelta, timezone

from bench.harness import scenario

# the demo accounts: whole country, except the trainer and the project officer (Kasaï-Oriental)
PROVINCE_OF = {"trainer": "Kasaï-Oriental", "project_officer": "Kasaï-Oriental"}


def signed_in(sql, role):
    """What every page reads first, in one statement: the logged-in account (active), its areas (a row for each
    province and commune, as their names make the area label and their ids the scope) and the unread notifications
    the top bar's bell shows. The account is found by its unique e-mail (the app: by the session cookie's token,
    also unique). Returns (user id, unread notifications)."""
    from cpms.auth.demo import DEMO_USERS
    email = next(u["email"] for u in DEMO_USERS if u["role"] == role)
    rows = sql.rows(
        "SELECT u.id, u.name, u.role, u.locale, u.is_password_change_required, u.totp_enabled_at, "
        "(SELECT count(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL), "
        "p.id, p.name, c.id, c.name, c.province_id FROM users u "
        "LEFT JOIN user_provinces up ON up.user_id = u.id LEFT JOIN provinces p ON p.id = up.province_id "
        "LEFT JOIN user_communes uc ON uc.user_id = u.id LEFT JOIN communes c ON c.id = uc.commune_id "
        "WHERE u.email = :email AND u.is_active", {"email": email})
    return rows[0][0], rows[0][6]


def user_floor(sql, role):
    """The logged-in user's id, read as every page reads it (signed_in)."""
    return signed_in(sql, role)[0]


BELL = re.compile(r'<span class="bell-count">(\d+)</span>')


def page_unread(page):
    """The unread notifications the top bar's bell shows (no figure: none)."""
    found = BELL.search(page)
    return int(found.group(1)) if found else 0


def area(alias, province_id):
    return "1 = 1" if province_id is None else f"{alias}.province_id = {int(province_id)}"


class Dashboard:
    """The home page of one role. Its floor is written from each card's definition (docs/rules and the card's
    title), not from the app's statements: one minimal count per figure the page shows, through the driver. The
    figures are compared with the page's own (the warm-up stops the scenario if one differs)."""
    domain = "core"
    target = "aggregate"
    floor_what = "each card's figure from its definition, one minimal count each, through the driver"

    def setup(self, bench):
        from sqlalchemy import select

        from cpms.auth.demo import DEMO_USERS
        from cpms.auth.models import User
        from cpms.geo.models import Province
        name = PROVINCE_OF.get(self.role)
        self.province_id = bench.scalar(select(Province.id).where(Province.name == name)) if name else None
        email = next(u["email"] for u in DEMO_USERS if u["role"] == self.role)
        self.user_id = bench.scalar(select(User.id).where(User.email == email))  # the floor reads the user too
        self.months = int(bench.app.config["RETENTION_MIN_MONTHS"])

    def run(self, bench):
        return bench.get("/")

    def warmup(self, bench):
        page = self.run(bench).get_data(as_text=True)
        self.language = re.search(r'<html lang="([a-z]+)', page).group(1)
        self.shown = page_cards(page)
        self.today_lines = page_today_lines(page)
        self.unread = page_unread(page)

    def floor_warmup(self, bench, sql):
        figures, lines, unread = self.read_floor(sql)
        figures = in_language(figures, self.language, self.months)
        sql.rollback()
        if figures != self.shown:
            raise AssertionError(f"{self.name}: the floor's figures differ from the page's: floor {figures}, "
                                 f"page {self.shown}")
        if lines != self.today_lines:
            raise AssertionError(f"{self.name}: the floor reads {lines} 'today' lines, the page shows "
                                 f"{self.today_lines}")
        if unread != self.unread:
            raise AssertionError(f"{self.name}: the floor counts {unread} unread notifications, the bell shows "
                                 f"{self.unread}")

    def floor(self, bench, sql):
        return self.read_floor(sql)[0]

    def read_floor(self, sql):
        """The page's figures (by English title), its "today" lines (how many) and the bell's unread count."""
        user_id, unread = signed_in(sql, self.role)
        figures = dashboard_figures(sql, self.role, self.province_id, user_id, self.months)
        # the lines above the cards, which the page shows as well
        lines = today_floor(sql, self.role, self.province_id, user_id, figures)
        return figures, lines, unread


CARD = re.compile(r'<span class="card-value">([^<]*)</span>\s*<span class="card-title">([^<]*)</span>')


def page_cards(page):
    """{card title: figure} as the page shows them (thousands separated as the locale writes them)."""
    return {html.unescape(title).strip(): int(re.sub(r"\D", "", value)) for value, title in CARD.findall(page)}


TODAY = re.compile(r'<ul class="today">(.*?)</ul>', re.S)


def page_today_lines(page):
    """How many "today" lines the page shows above the cards."""
    found = TODAY.search(page)
    return found.group(1).count("<li") if found else 0


def today_floor(sql, role, p, user_id, figures):
    """The rows of the role's "today" lines, from their definitions (cpms/*: @today_provider), through the driver;
    returns how many lines they make. `figures`: the cards' (a line may show a card's figure)."""
    from zoneinfo import ZoneInfo

    from cpms.geo.reference import DEFAULT_ZONE
    now = datetime.now(timezone.utc)
    local = now.astimezone(ZoneInfo(DEFAULT_ZONE)).date()  # the day at the default place, as the lines count it
    jobs = sql.rows("SELECT id, kind, params, percent FROM jobs WHERE owner_id = :u AND state IN ('queued', 'running') "
                    "ORDER BY created_at, id LIMIT 5", {"u": user_id})
    return len(jobs) + TODAY_FLOORS[role](sql, p, user_id, now, local, figures)


def stamp(sql, moment):
    """A UTC moment as the column stores it (SQLite: text in UTC)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sql.kind == "sqlite" else moment


def trainer_today_floor(sql, p, user_id, now, today, figures):
    """The registers of the trainer's sessions from a week ago to six days ahead (a line for each, except a past
    one already marked), then their cohorts ending within 14 days: 12 lines at most."""
    cohorts = (f"SELECT c.id FROM cohorts c WHERE {area('c', p)} AND c.status != 'cancelled' AND c.id IN "
               f"(SELECT cohort_id FROM cohort_trainers WHERE user_id = {int(user_id)})")
    sessions = sql.rows(
        f"SELECT s.id, s.session_date, s.start_time, c.name, (SELECT count(*) FROM attendances a WHERE a.session_id = "
        f"s.id) FROM training_sessions s JOIN cohorts c ON c.id = s.cohort_id WHERE s.cohort_id IN ({cohorts}) "
        f"AND NOT s.is_cancelled AND s.session_date BETWEEN :since AND :until "
        f"ORDER BY s.session_date, s.start_time, s.id",
        {"since": (today - timedelta(days=7)).isoformat(), "until": (today + timedelta(days=6)).isoformat()})
    ending = sql.rows(f"SELECT id, name, end_date FROM cohorts WHERE id IN ({cohorts}) AND closed_on IS NULL "
                      f"AND end_date BETWEEN :today AND :until ORDER BY end_date, id",
                      {"today": today.isoformat(), "until": (today + timedelta(days=14)).isoformat()})
    shown = [row for row in sessions if str(row[1]) >= today.isoformat() or not row[4]]
    return min(12, len(shown) + len(ending))


def officer_today_floor(sql, p, user_id, now, today, figures):
    """The project officer's open action items overdue and due within a week (a line each when any), the planned
    meetings of the coming week (8 at most), the construction projects behind schedule (5, and a line for the rest)
    and those awaiting handover (5), the outreach activities ended within 30 days with nobody recorded and those
    starting within a week (12 at most)."""
    day = today.isoformat()
    overdue, soon = sql.rows(
        f"SELECT coalesce(sum(CASE WHEN a.due_date < :today THEN 1 ELSE 0 END), 0), "
        f"coalesce(sum(CASE WHEN a.due_date BETWEEN :today AND :week THEN 1 ELSE 0 END), 0) "
        f"FROM committee_action_items a JOIN committees c ON c.id = a.committee_id "
        f"WHERE {area('c', p)} AND a.status IN ('open', 'in_progress')",
        {"today": day, "week": (today + timedelta(days=7)).isoformat()})[0]
    meetings = sql.rows(
        f"SELECT m.id, m.starts_at, c.name, v.time_zone FROM committee_meetings m JOIN committees c "
        f"ON c.id = m.committee_id JOIN provinces v ON v.id = c.province_id WHERE {area('c', p)} "
        f"AND m.status = 'planned' AND m.starts_at >= :now AND m.starts_at < :until ORDER BY m.starts_at, m.id LIMIT 8",
        {"now": stamp(sql, now), "until": stamp(sql, now + timedelta(days=7))})
    accepted = "SELECT project_id FROM handovers WHERE is_final_acceptance"
    utc_day = date.today().isoformat()  # the construction and outreach lines count the server's day
    late = sql.rows(
        f"SELECT p.id, p.kind, s.name, min(m.planned_date), count(*) OVER () FROM construction_projects p "
        f"JOIN stations s ON s.id = p.station_id JOIN milestones m ON m.project_id = p.id "
        f"WHERE {area('s', p)} AND p.id NOT IN ({accepted}) AND m.actual_date IS NULL AND m.planned_date < :today "
        f"GROUP BY p.id, p.kind, s.name ORDER BY min(m.planned_date), p.id LIMIT 5", {"today": utc_day})
    finished = sql.rows(
        f"SELECT p.id, p.kind, s.name FROM construction_projects p JOIN stations s ON s.id = p.station_id "
        f"JOIN milestones m ON m.project_id = p.id WHERE {area('s', p)} AND p.id NOT IN ({accepted}) "
        f"GROUP BY p.id, p.kind, s.name HAVING count(m.actual_date) = count(*) ORDER BY s.name, p.id LIMIT 5")
    unrecorded = sql.rows(
        f"SELECT a.id, a.title, a.end_date FROM outreach_activities a WHERE {area('a', p)} "
        f"AND NOT EXISTS (SELECT 1 FROM outreach_participants r WHERE r.activity_id = a.id) "
        f"AND NOT EXISTS (SELECT 1 FROM outreach_counts n WHERE n.activity_id = a.id) "
        f"AND a.end_date < :today AND a.end_date >= :since ORDER BY a.end_date, a.id LIMIT 12",
        {"today": utc_day, "since": (date.today() - timedelta(days=30)).isoformat()})
    coming = sql.rows(
        f"SELECT a.id, a.title, a.start_date, c.name FROM outreach_activities a JOIN communes c ON c.id = a.commune_id "
        f"WHERE {area('a', p)} AND a.start_date BETWEEN :today AND :week ORDER BY a.start_date, a.id LIMIT 12",
        {"today": utc_day, "week": (date.today() + timedelta(days=7)).isoformat()})
    more = 1 if late and late[0][4] > len(late) else 0
    return ((overdue > 0) + (soon > 0) + len(meetings) + len(late) + more + len(finished)
            + min(12, len(unrecorded) + len(coming)))


def admin_today_floor(sql, p, user_id, now, today, figures):
    """Anyone's background jobs failed in the last 7 days (5 at most), and a line when active accounts have never
    been used."""
    failed = sql.rows("SELECT id, kind, params FROM jobs WHERE state = 'failed' AND created_at >= :since "
                      "ORDER BY created_at DESC, id DESC LIMIT 5", {"since": stamp(sql, now - timedelta(days=7))})
    unused = one(sql, "SELECT count(*) FROM users WHERE is_active AND last_login_at IS NULL")
    return len(failed) + (unused > 0)


def running_programmes(sql):
    """The programmes running on the server's day, with the month their fiscal year starts in."""
    return sql.rows("SELECT p.id, p.name, p.start_date, coalesce(f.fiscal_year_start_month, 1) FROM programmes p "
                    "LEFT JOIN results_frameworks f ON f.programme_id = p.id "
                    "WHERE p.start_date <= :today AND p.end_date >= :today", {"today": date.today().isoformat()})


def quarter_of(day, start_month):
    """(first day, last day) of the fiscal quarter holding `day` (quarters begin in the fiscal year's first month)."""
    index = day.year * 12 + day.month - 1 - (day.month - start_month) % 3
    first = date(index // 12, index % 12 + 1, 1)
    following = date((index + 3) // 12, (index + 3) % 12 + 1, 1)
    return first, following - timedelta(days=1)


def me_officer_today_floor(sql, p, user_id, now, today, figures):
    """The values awaiting approval (the card's figure: a line when any), and for each running programme: its last
    quarter when over and not locked (whole-country accounts), its quarter when it closes within two weeks, and its
    progress against targets."""
    day = date.today()
    running = running_programmes(sql)
    locked = set()
    if running:
        locked = {(pid, str(start)[:10]) for pid, start in sql.rows(
            f"SELECT programme_id, period_start FROM indicator_period_locks WHERE period_kind = 'quarter' "
            f"AND programme_id IN ({', '.join(str(int(r[0])) for r in running)})")}
    lines = 1 if figures.get("Indicator values awaiting approval") else 0
    for pid, _name, started, month in running:
        first, last = quarter_of(day, month)
        previous_first, previous_last = quarter_of(first - timedelta(days=1), month)
        if p is None and (pid, previous_first.isoformat()) not in locked and previous_last >= as_date(started):
            lines += 1
        if (last - day).days <= 14:
            lines += 1
    return lines + len(running)


def viewer_today_floor(sql, p, user_id, now, today, figures):
    """The running programmes, a line each (their progress against targets)."""
    return len(running_programmes(sql))


def as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


TODAY_FLOORS = {"admin": admin_today_floor, "trainer": trainer_today_floor, "project_officer": officer_today_floor,
                "me_officer": me_officer_today_floor, "viewer": viewer_today_floor}


RETAINED = "Retained in the area after %(months)d months (%%)"


def in_language(figures, language, months):
    """The floor's figures under the titles the page shows in the user's language (the app's catalogue)."""
    from babel.support import Translations

    from bench.database import ROOT
    catalogue = Translations.load(str(ROOT / "cpms" / "translations"), [language])
    retained = RETAINED % {"months": months}
    return {(catalogue.gettext(RETAINED) % {"months": months} if title == retained else catalogue.gettext(title)): value
            for title, value in figures.items()}


def one(sql, statement, params=None):
    return sql.rows(statement, params)[0][0]


STAFF = ("admin", "trainer", "project_officer", "me_officer")


def dashboard_figures(sql, role, p, user_id, months):
    """{card title (English): figure} for the cards this role sees."""
    today = date.today().isoformat()
    national = p is None
    staff = role in STAFF
    figures = {}
    # training: cohorts in the area (trainers: those they teach), trainees in the area
    figures["Cohorts"] = one(sql, f"SELECT count(*) FROM cohorts c WHERE {area('c', p)}"
                             + (f" AND EXISTS (SELECT 1 FROM cohort_trainers ct WHERE ct.cohort_id = c.id "
                                f"AND ct.user_id = {user_id})" if role == "trainer" else ""))
    figures["Trainees in your area"] = one(sql, f"SELECT count(*) FROM trainees t WHERE {area('t', p)}")
    if role == "admin":
        since = (datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=1)).isoformat(" ")
        figures["Active user accounts"] = one(sql, "SELECT count(*) FROM users WHERE is_active")
        figures["Failed logins, last 24 hours"] = one(
            sql, "SELECT count(*) FROM audit_entries WHERE action = 'login_failed' AND at >= :since", {"since": since})
    figures["Programmes in your area"] = one(sql, "SELECT count(*) FROM programmes" if national else
                                             f"SELECT count(DISTINCT programme_id) FROM programme_provinces "
                                             f"WHERE province_id = {int(p)}")
    figures["Communes in your area"] = one(sql, f"SELECT count(*) FROM communes c WHERE {area('c', p)}")
    figures["Committees and forums in your area"] = one(sql, f"SELECT count(*) FROM committees c WHERE {area('c', p)}")
    if staff:
        figures["Overdue action items"] = one(
            sql, f"SELECT count(*) FROM committee_action_items a JOIN committees c ON c.id = a.committee_id "
                 f"WHERE {area('c', p)} AND a.status IN ('open', 'in_progress') AND a.due_date < :today",
            {"today": today})
    figures["Local security plans"] = one(sql, f"SELECT count(*) FROM security_plans s JOIN committees c "
                                               f"ON c.id = s.committee_id WHERE {area('c', p)}")
    figures["Quick impact projects completed"] = one(
        sql, f"SELECT count(*) FROM quick_impact_projects q JOIN security_plan_actions a ON a.id = q.plan_action_id "
             f"JOIN security_plans s ON s.id = a.plan_id JOIN committees c ON c.id = s.committee_id "
             f"WHERE {area('c', p)} AND q.status = 'completed'")
    figures.update(place_figures(sql, role, p, user_id, today))
    figures.update(people_figures(sql, role, p, user_id, today, months))
    return figures


def place_figures(sql, role, p, user_id, today):
    """Survey rounds, outreach, stations and construction projects."""
    national, staff, figures = p is None, role in STAFF, {}
    if role != "trainer":
        figures["Survey rounds in your area"] = one(
            sql, "SELECT count(*) FROM survey_rounds" if national else
            f"SELECT count(DISTINCT rc.round_id) FROM survey_round_communes rc JOIN communes c ON c.id = rc.commune_id "
            f"WHERE {area('c', p)}")
        figures["Outreach activities in your area"], figures["People reached by outreach"] = outreach(sql, p)
    if staff:
        figures["Police stations in your area"] = one(sql, f"SELECT count(*) FROM stations s WHERE {area('s', p)}")
    if role != "trainer":
        figures["Construction projects"], figures["Construction projects behind schedule"] = projects(sql, p, today)
    return figures


def people_figures(sql, role, p, user_id, today, months):
    """Certificates, officers in post and retained, e-mails, indicators."""
    national, staff, figures = p is None, role in STAFF, {}
    figures["Valid certificates"] = certificates(sql, role, p, user_id)
    if role in ("admin", "me_officer"):
        review = one(sql, f"SELECT count(*) FROM certificates x WHERE x.status = 'valid' "
                          f"AND x.review_flagged_at IS NOT NULL AND {area('x', p)}")
        if review:
            figures["Certificates to review"] = review
    if staff:
        # a trainer's officers: those of the cohorts they teach, as a list SQLite looks up through the postings'
        # officer index (a correlated EXISTS is checked on every posting of the area: 11 against 4 ms)
        taught = ("" if role != "trainer" else
                  f" AND o.trainee_id IN (SELECT e.trainee_id FROM enrolments e WHERE e.cohort_id IN "
                  f"(SELECT cohort_id FROM cohort_trainers WHERE user_id = {user_id}))")
        figures["Trained officers in post"] = one(
            sql, f"SELECT count(DISTINCT o.trainee_id) FROM postings o WHERE {area('o', p)}{taught} "
                 f"AND o.start_date <= :today AND (o.end_date IS NULL OR o.end_date >= :today)", {"today": today})
    due, kept = retention(sql, role, p, user_id, months)
    if due:
        figures[RETAINED % {"months": months}] = round(100 * kept / due)
    if role == "admin":
        figures["E-mails waiting or failed"] = one(
            sql, "SELECT count(*) FROM outbox_messages WHERE status IN ('pending', 'sending', 'failed')")
        sql.rows("SELECT name, beat_at FROM scheduler_heartbeats")  # the card's note: is the scheduler running
        sql.rows("SELECT id, next_run_time FROM scheduler_jobs")
    programmes = ("SELECT id FROM programmes" if national else
                  f"SELECT programme_id FROM programme_provinces WHERE province_id = {int(p)}")
    figures["Indicators in the results frameworks"] = one(
        sql, f"SELECT count(*) FROM programme_indicators WHERE programme_id IN ({programmes})")
    if role in ("admin", "me_officer"):
        figures["Indicator values awaiting approval"] = one(
            sql, f"SELECT count(*) FROM indicator_values v JOIN programme_indicators i ON i.id = v.programme_indicator_id "
                 f"WHERE v.status = 'submitted' AND i.programme_id IN ({programmes})")
    return figures


def outreach(sql, p):
    """Activities in the area, and people reached: named participants plus people counted."""
    activities = one(sql, f"SELECT count(*) FROM outreach_activities a WHERE {area('a', p)}")
    people = one(sql, f"SELECT (SELECT count(*) FROM outreach_participants r JOIN outreach_activities a "
                      f"ON a.id = r.activity_id WHERE {area('a', p)}) + (SELECT coalesce(sum(n.people), 0) "
                      f"FROM outreach_counts n JOIN outreach_activities a ON a.id = n.activity_id WHERE {area('a', p)})")
    return activities, int(people)


def projects(sql, p, today):
    """Construction projects of the area's stations; behind schedule: not handed over for final acceptance, and an
    open milestone past its planned date or, when none is, the last milestone reached later than planned."""
    count, late = sql.rows(
        f"SELECT count(*), coalesce(sum(CASE WHEN h.project_id IS NULL AND (m.overdue = 1 OR l.actual_date > "
        f"l.planned_date) THEN 1 ELSE 0 END), 0) FROM construction_projects p JOIN stations s ON s.id = p.station_id "
        f"LEFT JOIN (SELECT project_id, max(CASE WHEN actual_date IS NULL AND planned_date < :today THEN 1 ELSE 0 END) "
        f"AS overdue, max(CASE WHEN actual_date IS NOT NULL AND planned_date IS NOT NULL THEN position END) AS last "
        f"FROM milestones GROUP BY project_id) m ON m.project_id = p.id "
        f"LEFT JOIN milestones l ON l.project_id = p.id AND l.position = m.last "
        f"LEFT JOIN (SELECT DISTINCT project_id FROM handovers WHERE is_final_acceptance) h ON h.project_id = p.id "
        f"WHERE {area('s', p)}", {"today": today})[0]
    return count, int(late)


def certificates(sql, role, province_id, user_id):
    """Valid certificates: of the trainer's cohorts, of cohorts or officers of the area, or all of them."""
    if role == "trainer":  # from the trainer's cohorts through the certificates' cohort index (not every certificate)
        return one(sql, f"SELECT count(*) FROM certificates x WHERE x.status = 'valid' AND x.cohort_id IN "
                 f"(SELECT cohort_id FROM cohort_trainers WHERE user_id = {user_id})")
    if province_id is None or role == "viewer":
        return one(sql, f"SELECT count(*) FROM certificates x WHERE x.status = 'valid' AND {area('x', province_id)}")
    return one(sql, f"SELECT count(*) FROM certificates x JOIN trainees t ON t.id = x.trainee_id WHERE x.status = 'valid' "
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
    return sql.rows(f"WITH certified AS MATERIALIZED (SELECT x.trainee_id, x.end_date AS certified_on, c.programme_id, "
             f"{add_months(sql.kind, 'x.end_date', int(months))} AS checkpoint FROM certificates x "
             f"JOIN cohorts c ON c.id = x.cohort_id WHERE x.status = 'valid' AND x.end_date <= :today "
             f"AND {area('c', province_id)}{taught}) "
             f"SELECT count(*), coalesce(sum(CASE WHEN EXISTS (SELECT 1 FROM postings o WHERE o.trainee_id = k.trainee_id "
             f"AND EXISTS (SELECT 1 FROM programme_provinces pp WHERE pp.programme_id = k.programme_id "
             f"AND pp.province_id = o.province_id) AND (o.end_date IS NULL OR o.end_date >= k.certified_on) "
             f"AND o.start_date <= k.checkpoint AND (o.end_date IS NULL OR o.end_date >= k.checkpoint)) "
             f"THEN 1 ELSE 0 END), 0) FROM certified k WHERE k.checkpoint <= :today",
             {"today": date.today().isoformat()})[0]


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
    """The viewer's home also shows the donor panel (cpms/indicators/service/results.py): the key results of a
    programme over the trend's quarters, with the baseline. Its floor is written from the survey indicators'
    definition (cpms/surveys/indicators.py: the latest round of each quarter, the baseline round, the weighted share
    of valid answers, empty under MIN_CELL answers): the programme's rounds and measures in one query, then one
    GROUP BY by round per measure over the rounds the panel shows. Its figures are compared with the charts'."""
    name = "Dashboard – viewer (whole country)"
    role = "viewer"
    floor_what = "each card's figure from its definition, and the donor panel's survey key results from theirs"

    def warmup(self, bench):
        from cpms.extensions import db
        from cpms.indicators.registry import computation
        from cpms.indicators.service import periods as P
        from cpms.indicators.service.framework import settings_of
        from cpms.indicators.service.reports import trend_periods
        from cpms.indicators.service.results import key_indicators
        from cpms.programmes.models import Programme
        super().warmup(bench)
        page = self.run(bench).get_data(as_text=True)
        link = re.search(r'href="/indicators/programmes/(\d+)/report\?period=([^"]+)"', page)
        self.panel = panel_figures(page)
        with bench.app.test_request_context():
            programme = db.session.get(Programme, int(link.group(1)))
            month = settings_of(programme.id).fiscal_year_start_month
            self.trend = trend_periods(programme, P.parse_period(link.group(2), month), month)
            key = key_indicators(programme)
            others = [pi.code for pi in key if not (pi.indicator.computation or "").startswith("survey_")]
            if others:
                raise AssertionError(f"{self.name}: the panel's floor has no query for {', '.join(others)}")
            self.key = {pi.id: pi.indicator.computation_param or computation(pi.indicator.computation).default_param
                        for pi in key}
        self.programme_id = programme.id

    def floor_warmup(self, bench, sql):
        super().floor_warmup(bench, sql)
        figures = panel_floor(sql, self.programme_id, self.key, self.trend)
        sql.rollback()
        if figures != self.panel:
            raise AssertionError(f"{self.name}: the panel floor's figures differ from the page's: floor {figures}, "
                                 f"page {self.panel}")

    def floor(self, bench, sql):
        figures = super().floor(bench, sql)
        panel_floor(sql, self.programme_id, self.key, self.trend)
        return figures


POINT = re.compile(r'<circle class="actual-dot"[^>]*><title>([^<]*?) – [^<:]*: ([^<]*?) %</title>')


def panel_figures(page):
    """{programme indicator id: {period label or "baseline": figure as shown}} from the panel's charts."""
    figures = {}
    for pi_id, chart in re.findall(r'<figure class="chart key-result" id="key-result-(\d+)">(.*?)</figure>', page, re.S):
        shown = {}
        for label, value in POINT.findall(chart):
            shown[html.unescape(label)] = float(value.replace("\u202f", "").replace(",", "."))
        baseline = re.search(r'<line class="baseline"[^>]*><title>[^<]*: ([^<]*?) %</title>', chart)
        if baseline:
            shown["baseline"] = float(baseline.group(1).replace("\u202f", "").replace(",", "."))
        figures[int(pi_id)] = shown
    return figures


def panel_floor(sql, programme_id, key, trend):
    """The survey key results' figures by their definition, shown as the charts show them (one decimal)."""
    from cpms.surveys.service.stats import MIN_CELL
    params = sorted(set(key.values()))
    names = ", ".join(f":q{i}" for i in range(len(params)))
    rows = sql.rows(f"SELECT r.id, r.kind, r.start_date, coalesce(r.end_date, r.start_date) AS day, q.name, m.id, "
                    f"m.question_id, m.kind, m.\"values\", m.excluded_values FROM survey_rounds r "
                    f"JOIN survey_measures m ON m.instrument_id = r.instrument_id "
                    f"JOIN survey_questions q ON q.id = m.question_id "
                    f"WHERE r.programme_id = :pid AND q.name IN ({names}) ORDER BY day, r.id, m.id",
                    {"pid": programme_id, **{f"q{i}": name for i, name in enumerate(params)}})
    figures = {}
    for pi_id, param in key.items():
        rounds = {}
        for row in rows:
            if row[4] == param:
                rounds.setdefault(row[0], row)  # the round's first measure of the question
        ordered = list(rounds.values())
        day = {r[0]: date.fromisoformat(str(r[3])[:10]) for r in ordered}
        chosen = {}
        for period in trend:
            inside = [r for r in ordered if period.start <= day[r[0]] <= period.end]
            if inside:
                chosen[period.label] = inside[-1]
        baseline = next((r for r in ordered if r[1] == "baseline"), None)
        if baseline is not None:
            chosen["baseline"] = baseline
        sums = {}
        for measure_id in sorted({r[5] for r in chosen.values()}):
            sums.update(share_by_round(sql, [r for r in chosen.values() if r[5] == measure_id]))
        shown = {}
        for label, r in chosen.items():
            n, weight, part = sums.get(r[0], (0, 0, 0))
            if n >= MIN_CELL and weight:
                shown[label] = round(100 * float(part) / float(weight), 1)
        figures[pi_id] = shown
    return figures


@scenario
class FixedCost:
    """What every page pays before its own work: session, user, menu, template. Beside it, a page whose floor
    is a millisecond cannot be within 1.5× of it."""
    name = "Fixed cost of a page (My account)"
    role = "viewer"
    domain = "core"

    def run(self, bench):
        return bench.get("/account")

    def warmup(self, bench):
        page = self.run(bench).get_data(as_text=True)
        self.unread = page_unread(page)
        self.tokens = page.count('action="/account/tokens/')

    def floor_warmup(self, bench, sql):
        unread, tokens = self.read_floor(sql)
        sql.rollback()
        if (unread, len(tokens)) != (self.unread, self.tokens):
            raise AssertionError(f"{self.name}: the floor finds {unread} unread notifications and {len(tokens)} API "
                                 f"tokens, the page shows {self.unread} and {self.tokens}")

    def floor(self, bench, sql):
        self.read_floor(sql)

    def read_floor(self, sql):
        user_id, unread = signed_in(sql, self.role)
        tokens = sql.rows("SELECT id, name, prefix, created_at, last_used_at FROM api_tokens "
                          "WHERE user_id = :id AND revoked_at IS NULL ORDER BY created_at DESC", {"id": user_id})
        return unread, tokens


def share_by_round(sql, rounds):
    """{round id: (valid answers, Σw, Σw of the measure's values)} of one measure (a share or a rate) – one GROUP BY."""
    measure = rounds[0]
    if measure[7] == "mean":
        raise AssertionError("the panel's floor has no query for a mean")
    values, excluded = measure[8].split(), measure[9].split()
    valid = f" AND a.value_text NOT IN ({', '.join(repr(v) for v in excluded)})" if excluded else ""
    share = f"CASE WHEN a.value_text IN ({', '.join(repr(v) for v in values)}) THEN s.weight ELSE 0 END"
    return {r[0]: r[1:] for r in sql.rows(
        f"SELECT s.round_id, count(*), sum(s.weight), sum({share}) FROM survey_answers a "
        f"JOIN survey_responses s ON s.id = a.response_id WHERE a.question_id = {int(measure[6])} "
        f"AND s.round_id IN ({', '.join(str(r[0]) for r in rounds)}){valid} AND (s.import_id IS NULL "
        f"OR s.import_id NOT IN (SELECT id FROM survey_imports WHERE state != 'published')) GROUP BY s.round_id")}
