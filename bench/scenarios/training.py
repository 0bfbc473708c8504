"""Training: trainee search, the register of a 450-trainee session (load and save), a cohort's attendance rates."""
from datetime import date
from urllib.parse import quote

from bench.app import csrf_token
from bench.harness import scenario
from bench.scenarios.core import user_floor

SEARCH = "kab"  # Kabongo, Kabeya, Kabamba…: about one officer in ten


def register_session(bench):
    """(cohort id, session id, day) of the register the generator left open in the 450-trainee cohort."""
    from sqlalchemy import func, select

    from bench.generate.training import REGISTER_COHORT
    from cpms.training.models import Attendance, Cohort, TrainingSession
    cohort_id = bench.scalar(select(Cohort.id).where(Cohort.name == REGISTER_COHORT))
    marked = select(Attendance.session_id).where(Attendance.session_id == TrainingSession.id).exists()
    session = bench.scalar(select(func.max(TrainingSession.id)).where(
        TrainingSession.cohort_id == cohort_id, TrainingSession.session_date <= date.today(), ~marked))
    day = bench.scalar(select(TrainingSession.session_date).where(TrainingSession.id == session))
    return cohort_id, session, day


def enrolled_sql():
    return ("FROM enrolments e JOIN trainees t ON t.id = e.trainee_id WHERE e.cohort_id = :cohort "
            "AND e.enrolled_on <= :day AND (e.withdrawn_on IS NULL OR e.withdrawn_on > :day)")


class TraineeSearch:
    """The admin searches the whole country. The floor is the query an expert would write against the same index
    (SQLite: the FTS5 trigram table, the count read from the index alone; PostgreSQL: LIKE on the trigram-indexed
    key), written here from the index's definition (migration 0031), not from the app's statements; its count of
    matches is checked against the app's in floor_warmup. A look-up, not an aggregate: its bare query takes 0.5–25 ms,
    beside which the fixed cost of any page weighs most, so its target is 1.5× (floor + the fixed cost of a page of
    the same run) – bench/harness.py."""

    role = "admin"
    domain = "training"
    target = "lookup"
    floor_what = "the count and first page from the search index, through the driver"
    term = SEARCH

    def run(self, bench):
        bench.get(f"/training/trainees?q={quote(self.term)}")
        self.detail = {"matches": self.matches}

    def setup(self, bench):
        from sqlalchemy import func, select

        from cpms.core.permissions import Scope
        from cpms.extensions import db
        from cpms.training.service import search_trainees
        with bench.app.app_context():  # the app's own answer, to check the floor's against
            self.matches = db.session.scalar(select(func.count()).select_from(
                search_trainees(Scope.national(), term=self.term).order_by(None).subquery()))

    def floor_warmup(self, bench, sql):
        count = self._floor(sql)
        if count != self.matches:
            raise AssertionError(f"the floor finds {count} officers for {self.term!r}, the app {self.matches}")

    def floor(self, bench, sql):
        self._floor(sql)

    def _floor(self, sql):
        from cpms.training.search import ACCENTED, PLAIN
        user_floor(sql, self.role)
        words = ["".join(c for c in word.translate(str.maketrans(ACCENTED, PLAIN)).lower() if c not in '"%_')
                 for word in self.term.split()]
        if sql.kind == "sqlite":
            query = " AND ".join(f'"{word}"' for word in words)
            count = sql.rows("SELECT count(*) FROM trainees_search WHERE trainees_search MATCH :q", {"q": query})[0][0]
            where = "t.id IN (SELECT rowid FROM trainees_search WHERE trainees_search MATCH :q)"
            params = {"q": query}
        else:
            key = "t.search_key"  # the stored folded key (migration 0039), indexed by trigrams
            where = " AND ".join(f"{key} LIKE :w{n}" for n in range(len(words)))
            params = {f"w{n}": f"%{word}%" for n, word in enumerate(words)}
            count = sql.rows(f"SELECT count(*) FROM trainees t WHERE {where}", params)[0][0]
        sql.rows(f"SELECT t.*, r.*, c.* FROM trainees t LEFT JOIN ranks r ON r.id = t.rank_id "
                 f"JOIN communes c ON c.id = t.commune_id WHERE {where} "
                 f"ORDER BY t.last_name, t.first_name, t.id LIMIT 50", params)
        sql.rows("SELECT * FROM ranks ORDER BY position")
        return count


@scenario
class TraineeSearchBroad(TraineeSearch):
    name = f"Trainee search (“{SEARCH}”, first page of 50)"
    # a name fragment shared by about one officer in ten: its count grows with the table, index or not


@scenario
class TraineeSearchName(TraineeSearch):
    name = "Trainee search by name, typed without accents (“kabongo therese”)"
    term = "kabongo therese"


@scenario
class TraineeSearchMatricule(TraineeSearch):
    name = "Trainee search by part of a matricule (7 digits)"

    def setup(self, bench):
        from sqlalchemy import func, select

        from cpms.training.models import Trainee
        middle = bench.scalar(select(func.max(Trainee.id))) // 2
        self.term = bench.scalar(select(Trainee.matricule).where(Trainee.id >= middle).order_by(Trainee.id)
                                 .limit(1))[2:]  # the serial, without the province's two digits
        super().setup(bench)


@scenario
class RegisterLoad:
    name = "Register of a 450-trainee session – load"
    role = "trainer"
    domain = "training"

    def setup(self, bench):
        self.cohort_id, self.session_id, self.day = register_session(bench)

    def run(self, bench):
        html = bench.get(f"/training/sessions/{self.session_id}/register").get_data(as_text=True)
        self.detail = {"rows": html.count('value="present"')}

    def floor(self, bench, sql):
        user_floor(sql, self.role)
        sql.rows("SELECT s.*, c.* FROM training_sessions s JOIN cohorts c ON c.id = s.cohort_id WHERE s.id = :id",
                 {"id": self.session_id})
        sql.rows("SELECT user_id FROM cohort_trainers WHERE cohort_id = :id", {"id": self.cohort_id})
        params = {"cohort": self.cohort_id, "day": self.day.isoformat()}
        sql.rows(f"SELECT e.*, t.* {enrolled_sql()} ORDER BY t.last_name, t.first_name, t.id", params)
        sql.rows("SELECT enrolment_id, status FROM attendances WHERE session_id = :id", {"id": self.session_id})


@scenario
class RegisterSave:
    name = "Register of a 450-trainee session – save (all marks)"
    role = "trainer"
    domain = "training"

    def setup(self, bench):
        self.cohort_id, self.session_id, self.day = register_session(bench)
        html = bench.get(f"/training/sessions/{self.session_id}/register").get_data(as_text=True)
        import re
        ids = re.findall(r'name="m(\d+)" value="present"', html)
        statuses = ["present"] * 8 + ["late", "absent"]
        self.form = {f"m{enrolment_id}": statuses[n % len(statuses)] for n, enrolment_id in enumerate(ids)}
        self.form["csrf_token"] = csrf_token(html)
        self.detail = {"marks": len(ids)}

    def run(self, bench):
        bench.post(f"/training/sessions/{self.session_id}/register", self.form)

    def cleanup(self, bench):
        """The register is empty again for the next run (the trainer's first save of the day)."""
        from sqlalchemy import delete

        from cpms.training.models import Attendance
        bench.execute(delete(Attendance).where(Attendance.session_id == self.session_id))

    def floor(self, bench, sql):
        user_floor(sql, self.role)
        sql.rows("SELECT s.*, c.* FROM training_sessions s JOIN cohorts c ON c.id = s.cohort_id WHERE s.id = :id",
                 {"id": self.session_id})
        sql.rows(f"SELECT e.id {enrolled_sql()}", {"cohort": self.cohort_id, "day": self.day.isoformat()})
        now = "2026-01-01 00:00:00"
        sql.many("INSERT INTO attendances (session_id, enrolment_id, status, recorded_at, recorded_by_id) "
                 "VALUES (:session, :enrolment, :status, :now, NULL) ON CONFLICT (session_id, enrolment_id) "
                 "DO UPDATE SET status = excluded.status, recorded_at = excluded.recorded_at",
                 [{"session": self.session_id, "enrolment": int(key[1:]), "status": value, "now": now}
                  for key, value in self.form.items() if key != "csrf_token"])
        sql.commit()

    def floor_cleanup(self, bench, sql):
        sql.rows("DELETE FROM attendances WHERE session_id = :id", {"id": self.session_id})
        sql.commit()


@scenario
class CohortAttendanceRates:
    name = "Cohort attendance rates (450 trainees, ~85 sessions)"
    role = "project_officer"
    domain = "training"
    target = "aggregate"
    floor_what = "rates, absence streaks, enrolments, sessions and scores through the driver"

    def setup(self, bench):
        self.cohort_id, _session, _day = register_session(bench)

    def run(self, bench):
        bench.get(f"/training/cohorts/{self.cohort_id}")

    def floor(self, bench, sql):
        user_floor(sql, self.role)
        params = {"cohort": self.cohort_id, "today": date.today().isoformat()}
        sql.rows("SELECT c.*, k.*, g.* FROM cohorts c JOIN courses k ON k.id = c.course_id "
                 "JOIN programmes g ON g.id = c.programme_id WHERE c.id = :cohort", params)
        held = "s.is_cancelled = :false AND s.session_date <= :today"
        params["false"] = False
        sql.rows("SELECT e.id, sum(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END), "
                 "sum(CASE WHEN a.status = 'late' THEN 1 ELSE 0 END), "
                 "sum(CASE WHEN a.status = 'excused' THEN 1 ELSE 0 END), "
                 "sum(CASE WHEN a.status = 'absent' THEN 1 ELSE 0 END) "
                 "FROM enrolments e JOIN training_sessions s ON s.cohort_id = e.cohort_id AND "
                 f"{held} AND s.session_date >= e.enrolled_on AND (e.withdrawn_on IS NULL OR "
                 "s.session_date < e.withdrawn_on) JOIN attendances a ON a.session_id = s.id AND a.enrolment_id = e.id "
                 "WHERE e.cohort_id = :cohort GROUP BY e.id", params)
        # streaks of absences from their definition: one ordered read of the marks and one pass (issue 22)
        longest, current, run = {}, None, 0
        for enrolment_id, status in sql.rows(
                "SELECT a.enrolment_id, a.status FROM attendances a JOIN training_sessions s ON s.id = a.session_id "
                f"WHERE s.cohort_id = :cohort AND {held} ORDER BY a.enrolment_id, s.session_date, s.id", params):
            run = run + 1 if status == "absent" and enrolment_id == current else (1 if status == "absent" else 0)
            current = enrolment_id
            longest[enrolment_id] = max(longest.get(enrolment_id, 0), run)
        sql.rows("SELECT e.*, t.* FROM enrolments e JOIN trainees t ON t.id = e.trainee_id WHERE e.cohort_id = :cohort "
                 "ORDER BY t.last_name, t.first_name, t.id", params)
        sql.rows("SELECT u.* FROM users u JOIN cohort_trainers ct ON ct.user_id = u.id WHERE ct.cohort_id = :cohort",
                 params)
        # the latest vetting of each officer (the programme requires it)
        sql.rows("SELECT v.* FROM vettings v JOIN (SELECT v.trainee_id, max(v.id) AS id FROM vettings v "
                 "JOIN enrolments e ON e.trainee_id = v.trainee_id WHERE e.cohort_id = :cohort GROUP BY v.trainee_id) "
                 "latest ON latest.id = v.id", params)
        sql.rows("SELECT * FROM training_sessions WHERE cohort_id = :cohort ORDER BY session_date, start_time", params)
        sql.rows("SELECT t.sex, count(*), avg(e.pre_score), avg(e.post_score) FROM enrolments e JOIN trainees t "
                 "ON t.id = e.trainee_id WHERE e.cohort_id = :cohort AND e.pre_score IS NOT NULL AND "
                 "e.post_score IS NOT NULL GROUP BY t.sex", params)


SIGNIN_FLOOR_CSS = ("@page { size: A4; margin: 14mm 12mm 16mm } body { font-family: 'DejaVu Sans', sans-serif; "
                    "font-size: 9.5pt } table { border-collapse: collapse; width: 100% } "
                    "thead { display: table-header-group } th, td { border: 1px solid #888; height: 8.5mm; "
                    "padding: 0 1.5mm; text-align: left }")


def signin_floor_html(rows):
    """A sign-in sheet written by hand, independently of the app's template: one simple table of the same officers
    (number, name, matricule, rank, two empty cells to sign in), its header repeated on every page."""
    from html import escape
    body = "".join(f"<tr><td>{n}</td><td>{escape(name)}</td><td>{escape(matricule)}</td><td>{escape(rank)}</td>"
                   "<td></td><td></td></tr>" for n, (name, matricule, rank) in enumerate(rows, start=1))
    return (f"<!doctype html><html><head><meta charset='utf-8'><style>{SIGNIN_FLOOR_CSS}</style></head><body>"
            "<h1>Sign-in sheet</h1><table><thead><tr><th>#</th><th>Name</th><th>Matricule</th><th>Rank</th>"
            f"<th>Arrival time</th><th>Signature</th></tr></thead><tbody>{body}</tbody></table></body></html>")


@scenario
class SignInSheet:
    """The trainer asks for the sheet (the request queues a job and answers with its page), the job draws it (run
    here, in this process, as a worker would), the trainer downloads it. The floor: a bare WeasyPrint render of a
    hand-written HTML table of the same officers."""

    name = "Sign-in sheet of a 450-trainee session (PDF, a job)"
    role = "trainer"
    domain = "training"
    target = "pdf"
    floor_what = "a bare WeasyPrint render of a hand-written table of the same officers"
    repeat = 5
    children_work = True  # a large sheet is drawn in two parts at once, one in a child process (its CPU counted)

    def setup(self, bench):
        self.cohort_id, self.session_id, self.day = register_session(bench)
        self.detail = {}

    def run(self, bench):
        import time

        from cpms.core.jobs import run_queued_jobs
        started = time.perf_counter()
        response = bench.get(f"/training/sessions/{self.session_id}/sign-in-sheet.pdf", expect=302)
        self.detail["request ms (queues the job)"] = round((time.perf_counter() - started) * 1000, 1)
        job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        with bench.app.app_context():
            assert run_queued_jobs() >= 1
        self.pdf = bench.get(f"/jobs/{job_id}/result").get_data()
        assert self.pdf.startswith(b"%PDF")

    def cleanup(self, bench):
        self.detail["pages"] = _page_count(self.pdf)

    def floor_warmup(self, bench, sql):
        """The same officers, read through the driver; one untimed render (WeasyPrint imported, fonts found)."""
        from weasyprint import HTML
        self.rows = sql.rows("SELECT upper(t.last_name) || ' ' || t.post_name || ' ' || t.first_name, t.matricule, "
                             "coalesce(r.name_en, '') "
                             + enrolled_sql().replace(" WHERE", " LEFT JOIN ranks r ON r.id = t.rank_id WHERE", 1)
                             + " ORDER BY t.last_name, t.first_name, t.id",
                             {"cohort": self.cohort_id, "day": self.day.isoformat()})
        self.html = signin_floor_html(self.rows)
        self.detail.update({"trainees": len(self.rows), "floor pages": _page_count(HTML(string=self.html).write_pdf())})

    def floor(self, bench, sql):
        from weasyprint import HTML
        HTML(string=self.html).write_pdf()


def _page_count(pdf):
    import io

    from pypdf import PdfReader
    return len(PdfReader(io.BytesIO(pdf)).pages)
