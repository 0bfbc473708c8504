"""The life cycle of a confirmed import, explored by hypothesis: confirmations repeated, jobs run, interrupted at
any stage and retried, the data changed meanwhile and changed back. Whatever the order, the file's officers are
either all there or none, once, and only a published import has them."""
import io

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import delete, func, select

from cpms.core.errors import DomainError
from cpms.core.imports import base, staging
from cpms.core.imports.models import ImportRecord, ImportRow
from cpms.core.jobs import JobInterrupted
from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.imports.trainees import TraineeImport
from cpms.training.models import Trainee
from tests.conftest import commune_id, english

ROWS = 5
MATRICULES = [f"3000{i:02d}" for i in range(ROWS)]
FILE = ("Matricule,Last name,Sex,Commune\n" + "".join(f"{m},Mbuyi{i},F,Bipemba\n" for i, m in enumerate(MATRICULES)))
STAGES = ["Checking the rows again", "Staging the checked rows", "Publishing"]


class ImportLife(RuleBasedStateMachine):
    owner = kind = None  # set by the test

    def __init__(self):
        super().__init__()
        _db.session.rollback()
        _db.session.execute(delete(ImportRow))
        _db.session.execute(delete(ImportRecord))
        _db.session.execute(delete(Trainee).where(Trainee.matricule.in_(MATRICULES)))
        _db.session.commit()
        self.token = base.preview(self.kind, self.owner, io.BytesIO(FILE.encode()), "file.csv").token
        self.record_id, self.blocker_id = None, None

    @rule()
    def confirm(self):
        try:
            outcome = base.confirm(self.kind, self.owner, self.token, direct_rows=2)
        except base.AlreadyConfirmed:
            _db.session.rollback()
            assert self.record_id is not None
            return
        _db.session.commit()
        self.record_id = outcome.id

    @precondition(lambda self: self.record_id is not None)
    @rule(stop_at=st.sampled_from([None, *STAGES]))
    def run_the_job(self, stop_at):
        def progress(percent, stage=None):
            if stage == stop_at:
                raise JobInterrupted()
        try:
            staging.run_import(self.record_id, progress)
        except (DomainError, JobInterrupted):
            _db.session.rollback()

    @precondition(lambda self: self.blocker_id is None and not self._published())
    @rule()
    def someone_registers_one_of_the_officers_meanwhile(self):
        trainee = service.create_trainee(matricule=MATRICULES[2], last_name="Autre", first_name="", post_name="",
                                         sex="M", commune_id=commune_id("Bipemba"))
        _db.session.commit()
        self.blocker_id = trainee.id

    @precondition(lambda self: self.blocker_id is not None)
    @rule()
    def and_removes_them_again(self):
        _db.session.execute(delete(Trainee).where(Trainee.id == self.blocker_id))
        _db.session.commit()
        self.blocker_id = None

    def _published(self):
        return self.record_id is not None and _db.session.scalar(
            select(ImportRecord.status).where(ImportRecord.id == self.record_id)) == "published"

    @invariant()
    def whole_or_nothing_and_once(self):
        imported = _db.session.scalar(select(func.count()).select_from(Trainee).where(
            Trainee.matricule.in_(MATRICULES), Trainee.id != (self.blocker_id or 0)))
        assert imported == (ROWS if self._published() else 0)


def test_an_import_is_published_once_and_whole_or_not_at_all(app, db, make_user, ranks):
    ImportLife.owner = make_user("project_officer", provinces=["Kasaï-Oriental"])
    ImportLife.kind = TraineeImport.for_owner(ImportLife.owner)
    with english(app):
        run_state_machine_as_test(ImportLife, settings=settings(max_examples=25, stateful_step_count=8,
                                                                deadline=None))
