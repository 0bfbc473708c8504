"""Perception surveys: importing a KoBoToolbox export of 100,000 households, and results over 200,000."""
import csv
import io
import re

from bench.app import csrf_token
from bench.database import DATA
from bench.harness import scenario
from bench.scenarios.core import user_floor


def round_id(bench, name=None, kind=None):
    from sqlalchemy import select

    from cpms.surveys.models import SurveyRound
    condition = SurveyRound.name == name if name else SurveyRound.kind == kind
    return bench.scalar(select(SurveyRound.id).where(condition))


def _data_rows(path):
    with open(path, encoding="utf-8", newline="") as file:
        return sum(1 for _row in csv.reader(file)) - 1  # without the header


@scenario
class SurveyImport:
    name = "Survey import of {rows:,} rows (preview + confirm)"

    @staticmethod
    def title(bench):
        """The name with the real size: the data rows of the file imported (100,000 at national scale)."""
        path = DATA / f"survey-export-{bench.scale}.csv"
        if path.exists():  # the file of an earlier run, kept: its rows, whatever size it was written at
            return SurveyImport.name.format(rows=_data_rows(path))
        return SurveyImport.name.format(rows=round(100_000 * bench.factor))  # setup() writes exactly this many
    role = "me_officer"
    domain = "surveys"
    repeat = 3
    floor_what = "a bare csv.reader pass over the same file"
    statements_grow_with = "the file (one batch per 1,000 rows, so that memory stays flat)"

    def setup(self, bench):
        from sqlalchemy import select

        from bench.generate.surveys import IMPORT_ROUND, export_csv
        from cpms.surveys.models import SurveyChoice, SurveyRound
        self.rows = round(100_000 * bench.factor)
        self.round_id = round_id(bench, IMPORT_ROUND)
        instrument = bench.scalar(select(SurveyRound.instrument_id).where(SurveyRound.id == self.round_id))
        from cpms.extensions import db
        with bench.app.app_context():
            communes = db.session.scalars(select(SurveyChoice.name).where(
                SurveyChoice.instrument_id == instrument, SurveyChoice.list_name == "commune")).all()
        self.path = DATA / f"survey-export-{bench.scale}.csv"
        if not self.path.exists():
            with open(self.path, "w", encoding="utf-8", newline="") as out:
                export_csv(out, communes, self.rows)
        self.content = self.path.read_bytes()
        self.rows = _data_rows(self.path)  # the file's data rows (an earlier run's file may be kept)
        self.detail = {"rows": self.rows, "file_mb": round(len(self.content) / 2 ** 20, 1)}

    def warmup(self, bench):
        """A 1,000-row import: warms up the same code without taking minutes at national scale."""
        lines = self.content.split(b"\n")
        self._import(bench, b"\n".join(lines[:1001]) + b"\n")
        self.cleanup(bench)

    def run(self, bench):
        self._import(bench, self.content)

    def _import(self, bench, content):
        page = f"/surveys/rounds/{self.round_id}/import"
        token = csrf_token(bench.get(page).get_data(as_text=True))
        response = bench.client.post(page, data={"csrf_token": token, "file": (io.BytesIO(content), "export.csv")},
                                     content_type="multipart/form-data")
        if response.status_code == 302 and "/jobs/" in response.headers["Location"]:
            # a large file is checked by a job (issue 18), timed with the request: run as a worker would
            from cpms.core.jobs import run_queued_jobs
            job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
            with bench.app.app_context():
                assert run_queued_jobs() >= 1
            response = bench.get(f"/surveys/rounds/{self.round_id}/import/preview/{job_id}")
        if response.status_code != 200:
            raise AssertionError(f"POST {page}: {response.status_code}, expected the preview")
        preview = response.get_data(as_text=True)
        action = re.search(r'action="(/surveys/rounds/\d+/import/[^"]+)"', preview)
        if action is None:
            raise AssertionError("the preview offers no confirmation: " + preview[:500])
        bench.post(action.group(1), {"csrf_token": csrf_token(preview), "action": "confirm"})
        from cpms.core.jobs import run_queued_jobs
        with bench.app.app_context():  # a large file is imported by a job (issue 18): timed with the request
            run_queued_jobs()

    def cleanup(self, bench):
        from sqlalchemy import delete

        from cpms.surveys.models import SurveyAnswer, SurveyImport, SurveyResponse
        responses = SurveyResponse.__table__
        bench.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id.in_(
            responses.select().with_only_columns(responses.c.id).where(responses.c.round_id == self.round_id))))
        bench.execute(delete(SurveyResponse).where(SurveyResponse.round_id == self.round_id))
        bench.execute(delete(SurveyImport).where(SurveyImport.round_id == self.round_id))

    def floor(self, bench, sql):
        rows = 0
        for _row in csv.reader(io.StringIO(self.content.decode("utf-8"))):
            rows += 1
        assert rows == self.rows + 1


@scenario
class SurveyResults:
    name = "Survey results over {responses:,} responses (endline vs baseline)"

    @staticmethod
    def title(bench):
        """The name with the real size: the responses of the two rounds compared, counted in the database."""
        from sqlalchemy import func, select

        from cpms.surveys.models import SurveyResponse
        rounds = [round_id(bench, kind="endline"), round_id(bench, kind="baseline")]
        return SurveyResults.name.format(responses=bench.scalar(
            select(func.count()).select_from(SurveyResponse).where(SurveyResponse.round_id.in_(rounds))))
    role = "me_officer"
    domain = "surveys"
    target = "aggregate"
    floor_what = "one GROUP BY per measure through the driver"

    def setup(self, bench):
        self.round_id = round_id(bench, kind="endline")
        self.earlier_id = round_id(bench, kind="baseline")

    def run(self, bench):
        bench.get(f"/surveys/rounds/{self.round_id}/results")

    def floor(self, bench, sql):
        user_floor(sql, self.role)
        ids = {"later": self.round_id, "earlier": self.earlier_id}
        sql.rows("SELECT r.*, i.* FROM survey_rounds r JOIN survey_instruments i ON i.id = r.instrument_id "
                 "WHERE r.id = :later", ids)
        measures = sql.rows("SELECT m.question_id, m.kind, m.\"values\", m.excluded_values FROM survey_measures m "
                            "JOIN survey_rounds r ON r.instrument_id = m.instrument_id WHERE r.id = :later "
                            "ORDER BY m.id", ids)
        for question_id, kind, values, excluded in measures:
            chosen = ", ".join(f"'{v}'" for v in values.split()) or "''"
            x = "a.value_number" if kind == "mean" else f"CASE WHEN a.value_text IN ({chosen}) THEN 1.0 ELSE 0.0 END"
            valid = f"a.question_id = {int(question_id)}"
            if excluded:
                valid += " AND a.value_text NOT IN (" + ", ".join(f"'{v}'" for v in excluded.split()) + ")"
            if kind == "mean":
                valid += " AND a.value_number IS NOT NULL"
            sql.rows(f"SELECT r.round_id, r.sex, r.age_group, r.commune_id, count(*), sum(r.weight), "
                     f"sum(r.weight * r.weight), sum(r.weight * {x}), sum(r.weight * {x} * {x}) "
                     f"FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id "
                     f"WHERE r.round_id IN (:later, :earlier) AND {valid} "
                     f"GROUP BY r.round_id, r.sex, r.age_group, r.commune_id", ids)
