"""The cohort and enrolment life cycle as a state machine (hypothesis): whatever the order of enrolments,
withdrawals and the close, the services accept exactly what docs/rules/training.md allows, and nobody is
"completed" before the cohort has ended."""
from datetime import date, time, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from cpms.core.errors import DomainError
from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import TrainingSession
from cpms.training.service import attendance

TODAY = date.today()
# where the cohort lies relative to today: ended, running, planned
PERIODS = {"ended": (-60, -10), "running": (-20, 20), "planned": (10, 60)}


class CohortLifeCycle(RuleBasedStateMachine):
    """The factories (make_cohort, make_trainee) are set by the test."""
    factories = None

    @initialize(period=st.sampled_from(sorted(PERIODS)))
    def create(self, period):
        first, last = PERIODS[period]
        self.cohort = self.factories["cohort"](start=TODAY + timedelta(days=first), end=TODAY + timedelta(days=last), capacity=4)
        self.expected_phase = period
        self.enrolments = []  # [enrolment, withdrawn?]
        self.closed = False

    def _accepted(self, action):
        try:
            action()
        except DomainError:
            _db.session.rollback()
            return False
        _db.session.commit()
        return True

    @rule(offset=st.integers(-70, 70))
    def enrol(self, offset):
        day = TODAY + timedelta(days=offset)
        cohort = self.cohort
        allowed = (not self.closed and cohort.start_date <= day <= cohort.end_date
                   and sum(1 for _e, gone in self.enrolments if not gone) < cohort.capacity)
        trainee = self.factories["trainee"]()
        made = []
        assert self._accepted(lambda: made.extend(service.enrol_trainees(cohort, [trainee], enrolled_on=day))) \
            == allowed
        if made:
            assert made[0].enrolled_on == day
            self.enrolments.append([made[0], False])

    @rule(index=st.integers(0, 5), offset=st.integers(-70, 70), reason=st.sampled_from(["", "Mutation"]))
    def withdraw(self, index, offset, reason):
        if not self.enrolments:
            return
        entry = self.enrolments[index % len(self.enrolments)]
        enrolment, gone = entry
        day = TODAY + timedelta(days=offset)
        allowed = (not self.closed and not gone and bool(reason)
                   and enrolment.enrolled_on <= day <= min(self.cohort.end_date, TODAY))
        assert self._accepted(lambda: service.withdraw_enrolment(enrolment, day, reason)) == allowed
        entry[1] = entry[1] or allowed

    @rule()
    def close(self):
        untaken = any(s.state in ("not_taken", "partly")
                      for s in attendance.register_status(self.cohort.id).values())
        allowed = self.expected_phase == "ended" and not self.closed and not untaken
        assert self._accepted(lambda: service.close_cohort(self.cohort, None)) == allowed
        self.closed = self.closed or allowed

    @rule()
    def plan_sessions(self):
        before = _db.session.query(TrainingSession).filter_by(cohort_id=self.cohort.id).count()
        accepted = self._accepted(lambda: attendance.generate_sessions(
            self.cohort, weekdays={0, 1, 2, 3, 4, 5, 6}, start_time=time(8), end_time=time(12)))
        assert accepted == (not self.closed)
        after = _db.session.query(TrainingSession).filter_by(cohort_id=self.cohort.id).count()
        assert after - before <= (self.cohort.end_date - self.cohort.start_date).days + 1

    @invariant()
    def phase_follows_dates_and_close(self):
        if hasattr(self, "cohort"):
            assert self.cohort.phase() == ("closed" if self.closed else self.expected_phase)

    @invariant()
    def nobody_completes_before_the_end(self):
        if hasattr(self, "cohort") and self.expected_phase != "ended":
            assert not any(row.completed for row in attendance.cohort_completion(self.cohort))


def test_cohort_and_enrolment_life_cycle(make_cohort, make_trainee):
    CohortLifeCycle.factories = {"cohort": make_cohort, "trainee": make_trainee}
    run_state_machine_as_test(CohortLifeCycle, settings=settings(
        max_examples=15, stateful_step_count=8, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
