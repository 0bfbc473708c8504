"""Reports: targets, actuals, status; locking freezes figures and shows later changes as differences."""
from datetime import date, datetime, timezone

import pytest

from cpms.core.errors import DomainError
from cpms.core.permissions import Scope
from cpms.extensions import db as _db
from cpms.indicators.models import SnapshotValue
from cpms.indicators.service import entries, locking
from cpms.indicators.service import periods as P
from cpms.indicators.service.reports import build_report, sparkline, status_of
from cpms.indicators.service.values import Area
from tests.conftest import commune_id, english, province_id

Q1 = P.parse_period("FY2017-Q1", 10)


def rows_by_code(report):
    return {(row.pi.code, row.category): row for row in report.rows}


def test_status_thresholds(app, monkeypatch):
    with app.app_context():
        assert [status_of(a, 100, "higher") for a in (95, 90, 80, 69)] == ["on_track", "on_track", "at_risk", "off_track"]
        assert [status_of(a, 30, "lower") for a in (25, 33, 40, 50)] == ["on_track", "on_track", "at_risk", "off_track"]
        assert status_of(None, 100, "higher") is None and status_of(5, None, "higher") is None
        monkeypatch.setitem(app.config, "INDICATOR_ON_TRACK", 0.8)
        assert status_of(80, 100, "higher") == "on_track"


def test_report_rows_with_targets_status_and_disaggregation(app, reporting):
    with english(app):
        report = build_report(reporting.programme, Q1, scope=Scope.national(), dimension="sex", today=date(2017, 2, 1))
        rows = rows_by_code(report)
    mtg, dlg = rows[("MTG", None)], rows[("DLG", None)]
    assert (mtg.target, mtg.actual, round(mtg.percent, 1), mtg.status) == (3.0, 2.0, 66.7, "off_track")
    assert (dlg.baseline, dlg.target, dlg.actual, dlg.status, dlg.change) == (0.0, 100.0, 90.0, "on_track", 90.0)
    assert (rows[("DLG", "F")].actual, rows[("DLG", "F")].label) == (40.0, "Women")
    assert ("MTG", "F") not in rows  # meetings have no sex
    assert [p.period.key for p in mtg.trend][-3:] == ["FY2016-Q3", "FY2016-Q4", "FY2017-Q1"]
    assert mtg.to_date == 2.0 and mtg.trend[-1].target == 3.0
    assert (dlg.lop_progress, mtg.lop_progress) == (9.0, 2 / 30 * 100)
    assert [node.code for node, _rows in report.by_node()] == ["OC1", "OP1.1"]  # outcome, then its output


def test_sparkline_geometry():
    line = sparkline([0, 5, None, 10], [10, 10, 10, 10], width=100, height=20, pad=0)
    assert line["points"] == "0.0,20.0 33.3,10.0 100.0,0.0"
    assert line["targets"] == "0.0,0.0 33.3,0.0 66.7,0.0 100.0,0.0" and line["last"] == (100.0, 0.0)
    assert sparkline([None, None]) is None


def test_lock_freezes_figures_and_later_changes_show_as_differences(app, reporting, make_user, make_meeting):
    me = make_user("me_officer")
    with english(app):
        lock = locking.lock_period(me, Scope.national(), reporting.programme, "FY2017-Q1", today=date(2017, 2, 1),
                                   note="Envoyé au bailleur")
        _db.session.commit()
        frozen = {(s.programme_indicator_id, s.dimension, s.category): s.value for s in _db.session.query(SnapshotValue)}
        assert frozen[(reporting.mtg.id, "", "")] == 2.0
        assert frozen[(reporting.dlg.id, "sex", "F")] == 40.0
        assert frozen[(reporting.mtg.id, "commune", str(commune_id("Bipemba")))] == 2.0
        # a meeting of December is typed in after the report was sent
        make_meeting(reporting.committee, when=datetime(2016, 12, 5, 9, tzinfo=timezone.utc))
        report = build_report(reporting.programme, Q1, scope=Scope.national(), today=date(2017, 2, 1))
        mtg = rows_by_code(report)[("MTG", None)]
        assert report.lock.id == lock.id
        assert (mtg.actual, mtg.live, mtg.difference, mtg.is_frozen) == (2.0, 3.0, 1.0, True)
        assert rows_by_code(report)[("DLG", None)].difference is None
        # an area's report shows today's data, with a note: frozen figures are the whole programme's
        area = build_report(reporting.programme, Q1, scope=Scope.national(),
                            area=Area(province_id=province_id("Kasaï-Oriental")), today=date(2017, 2, 1))
        assert rows_by_code(area)[("MTG", None)].actual == 3.0 and area.lock is None and area.frozen_note
        with pytest.raises(DomainError, match="FY2017 Q1 is locked"):
            entries.save_value(None, Scope.national(), reporting.programme, reporting.dlg, period="FY2017-Q1", value=5,
                               commune_id=commune_id("Muya"), evidence_url="https://x.example.org/a.pdf",
                               today=date(2017, 2, 1))
        with pytest.raises(DomainError, match="locked"):
            entries.review_value(me, reporting.value, approve=False, note="Erreur")


def test_later_reports_read_a_locked_quarter_from_its_snapshot_and_keep_the_open_one_live(
        app, reporting, make_user, make_meeting, monkeypatch):
    """The report of the next (open) quarter: the locked quarter's point of the trend is the frozen figure, not
    recomputed from today's data; the open quarter's figure follows the data."""
    from cpms.indicators.service import reports
    me = make_user("me_officer")
    q2 = P.parse_period("FY2017-Q2", 10)
    with english(app):
        locking.lock_period(me, Scope.national(), reporting.programme, "FY2017-Q1", today=date(2017, 2, 1))
        _db.session.commit()
        # a meeting of each quarter is typed in after Q1 was locked
        make_meeting(reporting.committee, when=datetime(2016, 12, 5, 9, tzinfo=timezone.utc))
        make_meeting(reporting.committee, when=datetime(2017, 2, 5, 9, tzinfo=timezone.utc))
        asked = []
        compute_many = reports.compute_many

        def spy(programme_id, pis, periods, **kwargs):
            asked.append([p.key for p in periods])
            return compute_many(programme_id, pis, periods, **kwargs)

        monkeypatch.setattr(reports, "compute_many", spy)
        report = build_report(reporting.programme, q2, scope=Scope.national(), today=date(2017, 4, 15))
        mtg = rows_by_code(report)[("MTG", None)]
        points = {point.period.key: point.value for point in mtg.trend}
        assert points["FY2017-Q1"] == 2.0  # frozen: the December meeting is not counted
        assert mtg.actual == 2.0 and not mtg.is_frozen  # Q2, open: 10 January and 5 February
        assert mtg.to_date == 5.0  # the programme to date is today's data
        assert all("FY2017-Q1" not in keys for keys in asked)  # the locked quarter was not computed again
        assert any("FY2017-Q2" in keys for keys in asked)


def test_lock_refusals(app, reporting, make_user):
    me = make_user("me_officer")
    kasai = Scope(full_province_ids={province_id("Kasaï-Oriental")}, commune_ids=set(),
                  province_ids={province_id("Kasaï-Oriental")})
    with english(app):
        with pytest.raises(DomainError, match="ends on 2016-12-31: lock it once it is over"):
            locking.lock_period(me, Scope.national(), reporting.programme, "FY2017-Q1", today=date(2016, 12, 20))
        with pytest.raises(DomainError, match="needs an account that sees the whole country"):
            locking.lock_period(me, kasai, reporting.programme, "FY2017-Q1", today=date(2017, 2, 1))
        with pytest.raises(DomainError, match="Only M&E officers"):
            locking.lock_period(make_user("project_officer"), Scope.national(), reporting.programme, "FY2017-Q1",
                                today=date(2017, 2, 1))
        entries.save_value(None, Scope.national(), reporting.programme, reporting.dlg, period="FY2017-Q1", value=10,
                           commune_id=commune_id("Muya"), evidence_url="https://x.example.org/a.pdf",
                           today=date(2017, 1, 20))
        with pytest.raises(DomainError, match="1 entered values of FY2017 Q1 await approval"):
            locking.lock_period(me, Scope.national(), reporting.programme, "FY2017-Q1", today=date(2017, 2, 1))
        _db.session.rollback()
        locking.lock_period(me, Scope.national(), reporting.programme, "FY2017-Q2", today=date(2017, 4, 2))
        with pytest.raises(DomainError, match="already locked"):
            locking.lock_period(me, Scope.national(), reporting.programme, "FY2017-Q2", today=date(2017, 4, 2))


def test_admin_unlocks_with_a_reason(app, reporting, make_user):
    me, admin = make_user("me_officer"), make_user("admin")
    with english(app):
        lock = locking.lock_period(me, Scope.national(), reporting.programme, "FY2017", today=date(2017, 11, 1))
        _db.session.commit()
        with pytest.raises(DomainError, match="Only administrators"):
            locking.unlock_period(me, lock, reason="Correction")
        with pytest.raises(DomainError, match="Say why"):
            locking.unlock_period(admin, lock, reason=" ")
        locking.unlock_period(admin, lock, reason="Correction des réunions de novembre")
        _db.session.commit()
    assert _db.session.query(SnapshotValue).count() == 0
