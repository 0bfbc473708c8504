"""The statements the home page keeps per user run as the driver's SQL, compiled once (cpms/core/dashboard.py:
_Driven, issue 22): the same rows, of the same types, as SQLAlchemy's own execution – every parameter converted by
its type, every column converted back."""
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import func, literal, select

from cpms.core.audit import AuditEntry
from cpms.core.dashboard import Card, _kept, evaluate, kept_rows
from cpms.core.permissions import Scope

MOMENT = datetime(2026, 12, 6, 10, 0, 0, 500000, tzinfo=timezone.utc)
USER = SimpleNamespace(id=10_001, role="admin")  # no such account: the kept statements are this test's alone


def _entries(db):
    for shift in (-1, 0, 1):  # a microsecond before the moment, at it and after it
        db.session.add(AuditEntry(action="login_failed", at=MOMENT + timedelta(microseconds=shift)))
    db.session.commit()


def test_a_kept_statement_finds_the_rows_sqlalchemy_finds_its_parameters_and_columns_converted(app, db):
    _entries(db)

    def failed_since():
        return (select(AuditEntry.id, AuditEntry.at, literal(date(2026, 12, 6)).label("day"))
                .where(AuditEntry.action == "login_failed", AuditEntry.at >= MOMENT).order_by(AuditEntry.id))

    with app.test_request_context("/"):
        rows = kept_rows(USER, Scope.national(), ("test.failed", 1), failed_since)
        again = kept_rows(USER, Scope.national(), ("test.failed", 1), failed_since)  # the compiled SQL, run again
        expected = [tuple(row) for row in db.session.execute(failed_since())]
    # the entry at the very moment is counted: the aware moment reaches SQLite as UTCDateTime stores it (as text,
    # without "+00:00", which would sort after the stored value)
    assert len(rows) == 2 and rows == expected == again
    assert all(isinstance(at, datetime) and at.tzinfo is not None for _id, at, _day in rows)
    assert all(day == date(2026, 12, 6) and type(day) is date for *_rest, day in rows)  # SQLite's text, a day again


def test_figures_asked_again_run_as_the_drivers_sql_and_new_figures_through_sqlalchemy(app, db):
    _entries(db)
    since = select(func.count()).select_from(AuditEntry).where(AuditEntry.at >= MOMENT).scalar_subquery()
    with app.test_request_context("/"):
        kept = _kept(USER, Scope.national())
        first = [Card("failed", since)]
        evaluate(first, kept)
        assert first[0].value == 2 and kept.built[2] is None  # asked once: not compiled by hand
        second = [Card("failed", since)]  # the same figure (a per-user provider's kept card) on the next visit
        evaluate(second, kept)
        assert second[0].value == 2 and kept.built[2] is not None
        later = MOMENT + timedelta(microseconds=1)
        other = [Card("failed", select(func.count()).select_from(AuditEntry).where(AuditEntry.at >= later)
                      .scalar_subquery())]  # a figure built anew (a provider that is not per user)
        evaluate(other, kept)
        assert other[0].value == 1 and kept.built[2] is None
