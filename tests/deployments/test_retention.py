"""Retention figures under frozen time against a fixture computed by hand, month arithmetic in SQL, and the one
definition of certified officers agreeing with the training close-out page."""
from datetime import date

import pytest
import time_machine
from sqlalchemy import literal, select

from cpms.core.permissions import Scope
from cpms.deployments import service
from cpms.deployments.service import retention
from cpms.extensions import db as _db
from cpms.training import service as training
from cpms.training.models import Enrolment
from tests.conftest import english

TODAY = date(2019, 9, 15)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def officers(app, frozen, make_trainee, make_cohort, graduate, make_posting, make_station):
    """Two cohorts and their officers. Cohort A (Kasaï-Oriental, ends 31 Aug 2016, so its checkpoints fall on
    28 Feb 2017, 31 Aug 2017, 2018 and 2019); cohort B (Haut-Katanga, ends 31 Mar 2018: 30 Sep 2018 and
    31 Mar 2019 are due on 15 Sep 2019, the 24- and 36-month checkpoints are not)."""
    a = make_cohort(commune="Bipemba", start=date(2016, 3, 29), end=date(2016, 8, 31))
    b = make_cohort(commune="Kampemba", provinces=("Haut-Katanga",), start=date(2017, 10, 2), end=date(2018, 3, 31))
    t = {name: make_trainee(commune=commune, sex=sex, last_name=name) for name, commune, sex in [
        ("A1", "Bipemba", "F"), ("A2", "Bipemba", "M"), ("A3", "Bipemba", "M"), ("A4", "Bipemba", "F"),
        ("A5", "Bipemba", "M"), ("A6", "Bipemba", "M"), ("A7", "Bipemba", "M"), ("A8", "Bipemba", "M"),
        ("B1", "Kampemba", "F"), ("B2", "Kampemba", "M"), ("B3", "Kampemba", "M")]}
    graduate(a, [t[n] for n in ("A1", "A2", "A3", "A4", "A6", "A8")])
    graduate(a, [t["A5"], t["A7"]], final_score=30)  # failed: not certified
    withdrawn = _db.session.scalar(select(Enrolment).where(Enrolment.trainee_id == t["A7"].id))
    training.withdraw_enrolment(withdrawn, withdrawn_on=date(2016, 5, 2), reason="Réaffecté")  # not certified
    graduate(b, [t[n] for n in ("B1", "B2", "B3")])
    sep = date(2016, 9, 1)
    make_posting(t["A1"], "Bipemba", sep)                                                  # stays
    make_posting(t["A2"], "Muya", sep, date(2017, 5, 31), "resignation")                   # leaves after 9 months
    make_posting(t["A3"], "Bipemba", sep, date(2017, 2, 27))                               # a gap over 28 Feb 2017,
    make_posting(t["A3"], "Dibindi", date(2017, 3, 1))                                     # then in the area again
    make_posting(t["A4"], "Kampemba", sep)                                                 # outside the programme
    make_posting(t["A6"], "Bipemba", sep, date(2019, 9, 1), "transfer_out")                # leaves after 36 months
    station = make_station(commune="Bipemba", name="Commissariat de Bipemba")
    make_posting(t["A8"], station=station, start=sep, end=date(2018, 1, 15), reason="death")  # a station's commune
    make_posting(t["B1"], "Kampemba", date(2018, 4, 3))
    make_posting(t["B2"], "Kampemba", date(2018, 4, 3), date(2018, 7, 1), "dismissal")
    make_posting(t["B3"], "Bipemba", date(2018, 4, 3))                                     # outside HKT's area
    return {"A": a, "B": b, **t}


def cells(row):
    return {m: (row.kept[m], row.due[m]) for m in (6, 12, 24, 36)}


def test_retention_matches_the_hand_computed_figures(app, officers):
    with english(app):
        report = retention.retention_report(None, Scope.national())
    assert report.today == TODAY and report.milestones == (6, 12, 24, 36) and report.min_months == 36
    total = report.total
    assert total.certified == 9
    assert cells(total) == {6: (5, 9), 12: (5, 9), 24: (3, 6), 36: (3, 6)}
    assert (total.never_posted, total.left_early) == (2, 3)  # A4, B3; A2, A8, B2
    assert total.share(6) == 55.6 and total.share(24) == 50.0

    by_cohort = {row.key: row for row in report.by_cohort}
    a, b = by_cohort[officers["A"].id], by_cohort[officers["B"].id]
    assert [row.key for row in report.by_cohort] == [officers["A"].id, officers["B"].id]  # by end date
    assert a.certified == 6 and cells(a) == {6: (4, 6), 12: (4, 6), 24: (3, 6), 36: (3, 6)}
    assert (a.never_posted, a.left_early) == (1, 2)
    assert b.certified == 3 and cells(b) == {6: (1, 3), 12: (1, 3), 24: (0, 0), 36: (0, 0)}
    assert b.share(24) is None and (b.never_posted, b.left_early) == (1, 1)

    by_sex = {row.key: row for row in report.by_sex}
    assert cells(by_sex["F"]) == {6: (2, 3), 12: (2, 3), 24: (1, 2), 36: (1, 2)}
    assert cells(by_sex["M"]) == {6: (3, 6), 12: (3, 6), 24: (2, 4), 36: (2, 4)}

    by_province = {row.label: row for row in report.by_province}
    assert set(by_province) == {"Kasaï-Oriental", "Haut-Katanga"}
    assert cells(by_province["Kasaï-Oriental"]) == cells(a) and cells(by_province["Haut-Katanga"]) == cells(b)
    assert report.reasons == {"resignation": 1, "death": 1, "dismissal": 1}


def test_early_departures_are_listed_with_their_reason(app, officers):
    rows = _db.session.execute(retention.early_departure_rows(None, Scope.national())).all()
    assert [(t.last_name, certified, left, reason, place) for t, _cohort, certified, left, reason, _note, place in rows] == [
        ("A2", date(2016, 8, 31), date(2017, 5, 31), "resignation", "Muya"),
        ("A8", date(2016, 8, 31), date(2018, 1, 15), "death", "Commissariat de Bipemba"),
        ("B2", date(2018, 3, 31), date(2018, 7, 1), "dismissal", "Kampemba"),
    ]
    assert retention.months_between(date(2016, 8, 31), date(2017, 5, 31)) == 9


def test_the_minimum_period_is_a_setting(app, officers, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_MIN_MONTHS", 12)
    with english(app):
        report = retention.retention_report(None, Scope.national())
    assert report.milestones == (6, 12, 24, 36)
    assert report.total.left_early == 2 and report.reasons == {"resignation": 1, "dismissal": 1}  # A8 stayed 16 months

    monkeypatch.setitem(app.config, "RETENTION_MIN_MONTHS", 48)
    with english(app):
        report = retention.retention_report(None, Scope.national())
    assert report.milestones == (6, 12, 24, 36, 48)
    assert report.total.due[48] == 0 and report.total.share(48) is None
    assert report.reasons == {"resignation": 1, "death": 1, "dismissal": 1, "transfer_out": 1}  # A6 now early


def test_retention_is_limited_to_the_users_area_and_programme(app, officers):
    from tests.conftest import province_id
    kasai = Scope(full_province_ids={province_id("Kasaï-Oriental")}, commune_ids=set(),
                  province_ids={province_id("Kasaï-Oriental")})
    with english(app):
        report = retention.retention_report(None, kasai)
        assert report.total.certified == 6 and [r.key for r in report.by_cohort] == [officers["A"].id]
        report = retention.retention_report(None, Scope.national(), programme_id=officers["B"].programme_id)
    assert report.total.certified == 3 and cells(report.total) == {6: (1, 3), 12: (1, 3), 24: (0, 0), 36: (0, 0)}


@pytest.mark.parametrize("start, months, expected", [
    (date(2016, 8, 31), 6, date(2017, 2, 28)),
    (date(2016, 1, 31), 1, date(2016, 2, 29)),
    (date(2017, 3, 31), 6, date(2017, 9, 30)),
    (date(2016, 3, 29), 12, date(2017, 3, 29)),
    (date(2016, 12, 15), 36, date(2019, 12, 15)),
])
def test_months_are_added_in_sql_as_on_the_calendar(app, db, start, months, expected):
    assert _db.session.scalar(select(retention.add_months(literal(start), months))) == expected


def test_certified_officers_are_the_holders_of_a_valid_certificate(app, frozen, make_trainee, make_cohort, graduate):
    """Completing without a certificate does not count; a corrected re-issue counts once; a revocation ends
    it; the certification date is the course's end date printed on the certificate."""
    from cpms.certificates import service as certificates
    from cpms.certificates.models import Certificate

    cohort = make_cohort(start=date(2016, 3, 29), end=date(2016, 8, 31))
    trainees = {name: make_trainee(last_name=name) for name in ["kept", "corrected", "revoked", "failed"]}
    graduate(cohort, [trainees[n] for n in ("kept", "corrected", "revoked")])
    graduate(cohort, [trainees["failed"]], final_score=10)
    by_trainee = {c.trainee_id: c for c in _db.session.scalars(select(Certificate))}
    with english(app):
        certificates.reissue_certificate(None, by_trainee[trainees["corrected"].id], "Name misspelt",
                                         base_url="https://cpms.example.org")
        certificates.revoke_certificate(None, by_trainee[trainees["revoked"].id], "Issued in error")
    _db.session.commit()
    rows = _db.session.execute(select(service.certified_officers().subquery())).all()
    names = {t.id: name for name, t in trainees.items()}
    assert sorted(names[row.trainee_id] for row in rows) == ["corrected", "kept"]
    assert {(row.cohort_id, row.certified_on) for row in rows} == {(cohort.id, date(2016, 8, 31))}


def test_the_dashboard_figure_is_the_reports(app, officers):
    """The dashboard card's cheaper statement counts the same officers due and kept as the report."""
    from tests.conftest import province_id
    kasai = Scope(full_province_ids={province_id("Kasaï-Oriental")}, commune_ids=set(),
                  province_ids={province_id("Kasaï-Oriental")})
    with english(app):
        for scope in (Scope.national(), kasai):
            report = retention.retention_report(None, scope)
            for months in (6, 12, 24, 36):
                assert retention.retained_at(None, scope, today=TODAY, months=months) == (
                    report.total.due[months], report.total.kept[months])
    assert retention.retained_at(None, Scope.national(), today=TODAY, months=6) == (9, 5)


def test_the_dashboard_figure_of_a_commune_area_is_the_reports(app, officers):
    """An area of communes only, and one of nothing: the card's statement (built once per shape of area) counts
    as the report does."""
    from cpms.training.models import Cohort
    communes = set(_db.session.scalars(select(Cohort.commune_id).where(Cohort.commune_id.is_not(None))))
    assert communes
    for scope in (Scope(full_province_ids=set(), commune_ids=communes, province_ids=set()), Scope.nothing()):
        report = retention.retention_report(None, scope)
        for months in (6, 36):
            assert retention.retained_at(None, scope, today=TODAY, months=months) == (
                report.total.due[months], report.total.kept[months])
    assert retention.retained_at(None, Scope(full_province_ids=set(), commune_ids=communes, province_ids=set()),
                                 today=TODAY, months=6)[0] > 0
    assert retention.retained_at(None, Scope.nothing(), today=TODAY, months=6) == (0, 0)


def test_the_dashboard_card_is_asked_with_the_other_cards_and_shows_the_reports_share(app, officers, make_user):
    """The card's two counts come packed in one figure of the cards' single statement: the page shows the report's
    share and "kept of due"; an area where nobody is due yet shows no card."""
    from cpms.core.dashboard import cards_for
    from cpms.core.permissions import scope_of
    admin = make_user("me_officer")
    haut_katanga = make_user("me_officer", provinces=("Haut-Katanga",))
    report = retention.retention_report(None, Scope.national())
    due, kept = report.total.due[36], report.total.kept[36]
    assert due > 0
    with english(app):
        for _visit in range(2):  # built on the first visit, the kept statement only executed on the second
            card = next(c for c in cards_for(admin, scope_of(admin)) if c.endpoint == "deployments.retention")
            assert (card.value, str(card.note)) == (round(100 * kept / due), f"{kept} of {due} certified officers")
        assert not [c for c in cards_for(haut_katanga, scope_of(haut_katanga)) if c.endpoint == "deployments.retention"]
