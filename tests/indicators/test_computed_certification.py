"""Certification and retention indicators against a hand-computed fixture, each disaggregation included, the
drill-down to the officers behind a figure, and agreement with the deployments domain's retention page."""
from datetime import date, datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from cpms.certificates import service as certificates
from cpms.certificates.models import Certificate
from cpms.core.permissions import Scope
from cpms.extensions import db as _db
from cpms.indicators.service import periods as P
from cpms.indicators.service.values import Area
from cpms.training import service as training
from tests.conftest import commune_id, english, province_id

TODAY = date(2020, 6, 15)
Q3_2016, Q4_2016, Q1_2017 = (P.parse_period(k, 1) for k in ("2016-Q3", "2016-Q4", "2017-Q1"))
Q2_2017, Q3_2017, Q4_2017 = (P.parse_period(k, 1) for k in ("2017-Q2", "2017-Q3", "2017-Q4"))
Q3_2019, Q4_2019 = (P.parse_period(k, 1) for k in ("2019-Q3", "2019-Q4"))
Y2016, Y2017 = P.parse_period("2016", 1), P.parse_period("2017", 1)


def _at(day):
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=timezone.utc), tick=False)


@pytest.fixture
def certified(app, make_programme, make_course, make_trainee, graduate, make_posting, ranks):
    """One programme over Kasaï-Oriental and Haut-Katanga, two cohorts:

    | officer | sex | rank | cohort (ends)                  | certificate issued           | postings                     |
    | A1      | F   | BRG  | A basic, Bipemba (31 Aug 2016) | 20 Sep 2016                  | Bipemba from 1 Sep 2016      |
    | A2      | M   | AGT  | A                              | 20 Sep 2016, re-issued 1 Feb 2017 | Muya 1 Sep 2016 – 31 May 2017 |
    | A3      | M   | AGT  | A                              | 20 Sep 2016, revoked 1 Mar 2017 | Bipemba from 1 Sep 2016  |
    | A4      | F   | AGT  | A                              | 20 Sep 2016                  | Kampemba (Haut-Katanga: in the programme) from 1 Sep 2016 |
    | B1      | F   | AGT  | B refresher, Kampemba (30 Nov 2016) | 10 Jan 2017             | Kampemba 5 Dec 2016 – 30 Jun 2018, then Gombe (Kinshasa) |
    | B2      | M   | AGT  | B                              | 10 Jan 2017                  | none                         |

    Certified: 2016-Q3 A1 A2 A4 (A3 revoked; A2's re-issue stays in 2016-Q3), 2017-Q1 B1 B2.
    12-month checkpoints: A 31 Aug 2017, B 30 Nov 2017 – retained A1 A4 B1 (not A2, B2).
    36-month checkpoints: A 31 Aug 2019, B 30 Nov 2019 – retained A1 A4 (not A2, B1 in Gombe, B2).
    """
    programme = make_programme(provinces=("Kasaï-Oriental", "Haut-Katanga"), start_date=date(2016, 1, 1),
                               end_date=date(2021, 12, 31))
    basic = make_course(code="CERT-BASIC")
    refresher = training.save_course(code="CERT-REF", title_fr="Recyclage", title_en="Refresher",
                                     course_type="refresher", duration_days=60, hours=200, topics="",
                                     attendance_threshold=80, pass_mark=50, issues_certificate=True)
    cohorts = {}
    for key, course, commune, start, end in [("A", basic, "Bipemba", date(2016, 3, 29), date(2016, 8, 31)),
                                             ("B", refresher, "Kampemba", date(2016, 9, 1), date(2016, 11, 30))]:
        cohorts[key] = training.save_cohort(name=f"Cohorte {key}", course_id=course.id,
                                            programme_id=programme.id, training_centre="Centre",
                                            commune_id=commune_id(commune), start_date=start, end_date=end,
                                            capacity=30, status="running", trainer_ids=[])
    _db.session.commit()
    t = {name: make_trainee(commune=commune, sex=sex, last_name=name) for name, commune, sex in [
        ("A1", "Bipemba", "F"), ("A2", "Bipemba", "M"), ("A3", "Bipemba", "M"), ("A4", "Bipemba", "F"),
        ("B1", "Kampemba", "F"), ("B2", "Kampemba", "M")]}
    t["A1"].rank_id = ranks["BRG"].id
    _db.session.commit()
    with _at(date(2016, 9, 20)):
        graduate(cohorts["A"], [t[n] for n in ("A1", "A2", "A3", "A4")])
    with _at(date(2017, 1, 10)):
        graduate(cohorts["B"], [t["B1"], t["B2"]])

    def valid(name):
        return _db.session.scalar(select(Certificate).where(Certificate.trainee_id == t[name].id,
                                                            Certificate.status == "valid"))
    with _at(date(2017, 2, 1)):
        certificates.reissue_certificate(None, valid("A2"), "Nom corrigé", base_url="https://cpms.example.org")
        _db.session.commit()
    with _at(date(2017, 3, 1)):
        certificates.revoke_certificate(None, valid("A3"), "Fraude à l'examen")
        _db.session.commit()
    sep = date(2016, 9, 1)
    make_posting(t["A1"], "Bipemba", sep)
    make_posting(t["A2"], "Muya", sep, date(2017, 5, 31), "resignation")
    make_posting(t["A3"], "Bipemba", sep)
    make_posting(t["A4"], "Kampemba", sep)
    make_posting(t["B1"], "Kampemba", date(2016, 12, 5), date(2018, 6, 30), "transfer_out")
    make_posting(t["B1"], "Gombe", date(2018, 7, 1))
    return {"programme": programme, "cohorts": cohorts, "basic": basic, "refresher": refresher, **t}


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2020, 6, 15, 12, tzinfo=timezone.utc), tick=False):
        yield


def totals(cells):
    return [c.get(None) for c in cells]


def by(cells):
    return {k: v for k, v in cells.items() if k is not None}


KOR, HKT = "Kasaï-Oriental", "Haut-Katanga"


def test_officers_certified_by_period_and_each_disaggregation(certified, frozen, computed_figures, ranks):
    """By the certification date (the course's end date, as retention): cohort B, ended 30 Nov 2016 and issued
    10 Jan 2017, counts in 2016-Q4 – not in 2017, when its certificates were printed."""
    programme = certified["programme"]
    cells, _f = computed_figures(programme, "officers_certified", [Q3_2016, Q4_2016, Q1_2017, Y2016, Y2017],
                                 dimension="sex")
    # A3 revoked; A2's correction (1 Feb 2017) keeps the certification date
    assert totals(cells)[:4] == [3.0, 2.0, 0.0, 5.0]
    assert totals(cells)[4] in (None, 0.0)
    assert by(cells[0]) == {"F": 2.0, "M": 1.0} and by(cells[1]) == {"F": 1.0, "M": 1.0}
    for dimension, expected in [
            ("province", {str(province_id(KOR)): 3.0, str(province_id(HKT)): 2.0}),
            ("commune", {str(commune_id("Bipemba")): 3.0, str(commune_id("Kampemba")): 2.0}),
            ("home_commune", {str(commune_id("Bipemba")): 3.0, str(commune_id("Kampemba")): 2.0}),
            ("course_type", {"basic": 3.0, "refresher": 2.0}), ("specialty", {"community": 5.0}),
            ("rank", {str(ranks["BRG"].id): 1.0, str(ranks["AGT"].id): 4.0})]:
        cells, _f = computed_figures(programme, "officers_certified", [Y2016], dimension=dimension)
        assert by(cells[0]) == expected, dimension


def test_officers_certified_in_the_report_area_and_the_users_scope(certified, frozen, computed_figures):
    programme = certified["programme"]
    cells, _f = computed_figures(programme, "officers_certified", [Y2016], area=Area(province_id=province_id(KOR)))
    assert cells[0].get(None) == 3.0
    katanga = Scope(full_province_ids={province_id(HKT)}, commune_ids=set(), province_ids={province_id(HKT)})
    cells, _f = computed_figures(programme, "officers_certified", [Y2016, Y2017], scope=katanga)
    assert cells[0][None] == 2.0 and cells[1].get(None) in (None, 0.0)


def test_officers_certified_and_retention_count_the_same_officers(certified, frozen, computed_figures):
    """Observation 5: 0 officers certified beside "97 % of certified officers still posted". Every officer in the
    12-month retention of a period was certified (same date) 12 months before."""
    programme = certified["programme"]
    cells, _f = computed_figures(programme, "officers_certified", [Q3_2016, Q4_2016])
    assert totals(cells) == [3.0, 2.0]
    retention, _f = computed_figures(programme, "retention_12_months", [Q3_2017, Q4_2017])
    # A's checkpoint (31 Aug 2017) in 2017-Q3 over the 3 officers certified in 2016-Q3; B's in 2017-Q4
    assert retention[0][None] == pytest.approx(200 / 3)  # A1 A4 of A1 A2 A4
    assert retention[1][None] == pytest.approx(60.0)  # A1 A4 B1 of the 5


def test_retention_after_12_months(certified, frozen, computed_figures, ranks):
    programme = certified["programme"]
    cells, _f = computed_figures(programme, "retention_12_months", [Q2_2017, Q3_2017, Q4_2017, Y2017],
                                 dimension="sex")
    assert cells[0].get(None) is None  # nobody's 12 months have come by 30 June 2017
    assert cells[1] == {None: pytest.approx(200 / 3), "F": 100.0, "M": 0.0}  # A1 A4 of A1 A2 A4
    assert cells[2] == {None: 60.0, "F": 100.0, "M": 0.0}  # and B1 of B1 B2
    assert cells[3] == cells[2]  # the year: its end
    for dimension, expected in [
            ("province", {str(province_id(KOR)): pytest.approx(200 / 3), str(province_id(HKT)): 50.0}),
            ("commune", {str(commune_id("Bipemba")): pytest.approx(200 / 3), str(commune_id("Kampemba")): 50.0}),
            ("course_type", {"basic": pytest.approx(200 / 3), "refresher": 50.0}),
            ("specialty", {"community": 60.0}),
            ("rank", {str(ranks["BRG"].id): 100.0, str(ranks["AGT"].id): 50.0})]:
        cells, _f = computed_figures(programme, "retention_12_months", [Q4_2017], dimension=dimension)
        assert by(cells[0]) == expected, dimension


def test_retention_after_36_months(certified, frozen, computed_figures):
    programme = certified["programme"]
    cells, _f = computed_figures(programme, "retention_36_months", [Q4_2017, Q3_2019, Q4_2019], dimension="province")
    assert cells[0].get(None) is None
    assert cells[1] == {None: pytest.approx(200 / 3), str(province_id(KOR)): pytest.approx(200 / 3)}
    assert cells[2] == {None: 40.0, str(province_id(KOR)): pytest.approx(200 / 3), str(province_id(HKT)): 0.0}
    cells, _f = computed_figures(programme, "retention_36_months", [Q4_2019], dimension="sex")
    assert by(cells[0]) == {"F": pytest.approx(200 / 3), "M": 0.0}


def test_retention_counts_only_checkpoints_that_have_come(certified, computed_figures):
    """Seen on 15 October 2017, the fourth quarter of 2017 has only cohort A's checkpoints."""
    cells, _f = computed_figures(certified["programme"], "retention_12_months", [Q4_2017], today=date(2017, 10, 15))
    assert cells[0][None] == pytest.approx(200 / 3)


def test_retention_agrees_with_the_retention_page(certified, frozen, computed_figures):
    from cpms.deployments.service.retention import retention_report
    programme = certified["programme"]
    for period, months in [(Q4_2017, 12), (Q4_2019, 36), (Q3_2019, 12)]:
        page = retention_report(None, Scope.national(), today=period.end, min_months=36,
                                programme_id=programme.id)
        cells, _f = computed_figures(programme, f"retention_{months}_months", [period])
        assert round(cells[0][None], 1) == page.total.share(months)


def test_drill_down_lists_the_officers_behind_each_figure(app, certified, frozen, computed_figures):
    from cpms.indicators.models import ProgrammeIndicator
    from cpms.indicators.service.drilldown import records_behind
    programme = certified["programme"]
    for code in ("officers_certified", "retention_12_months"):
        computed_figures(programme, code, [Y2016])  # puts the indicators in the programme's framework
    pis = {pi.indicator.computation: pi for pi in _db.session.scalars(
        select(ProgrammeIndicator).where(ProgrammeIndicator.programme_id == programme.id))}

    def rows(code, period, dimension=None, category=None):
        with english(app):
            drill = records_behind(pis[code], period, scope=Scope.national(), dimension=dimension, category=category)
            return [drill.row(record) for record in _db.session.execute(drill.stmt)]

    everyone = rows("officers_certified", Q3_2016)
    assert [row[1] for row in everyone] == [certified[n].matricule for n in ("A1", "A2", "A4")]
    assert everyone[0][5:] == [everyone[0][5], "2016-09-20", "2016-08-31"]  # serial, first issue, course end
    assert [row[1] for row in rows("officers_certified", Q3_2016, "sex", "F")] == [
        certified[n].matricule for n in ("A1", "A4")]
    retained = {row[1]: row[-1] for row in rows("retention_12_months", Q4_2017)}
    assert retained == {certified["A1"].matricule: "posted in the area", certified["A2"].matricule: "not posted in the area",
                        certified["A4"].matricule: "posted in the area", certified["B1"].matricule: "posted in the area",
                        certified["B2"].matricule: "not posted in the area"}
    kampemba = rows("retention_12_months", Q4_2017, "commune", str(commune_id("Kampemba")))
    assert [row[1] for row in kampemba] == [certified["B1"].matricule, certified["B2"].matricule]
    assert kampemba[0][5:7] == ["2016-11-30", "2017-11-30"]
