"""Units equipped by category: the stations and units holding, at the end of each quarter, delivered items that are
not disposed of, not reported lost and not found missing – a transfer moves the unit, a loss removes it."""
from datetime import date

from sqlalchemy import select

from cpms.equipment import service
from cpms.extensions import db as _db
from cpms.geo.models import Commune
from cpms.indicators.service import periods as P

QUARTERS = ("2017-Q1", "2017-Q2", "2017-Q3", "2017-Q4", "2017")


def test_units_equipped_follow_deliveries_transfers_losses_and_disposals(app, make_programme, make_item, make_station,
                                                                         make_delivery, computed_figures):
    from cpms.core.permissions import Scope
    from cpms.indicators.models import ProgrammeIndicator
    from cpms.indicators.service.drilldown import records_behind

    programme = make_programme()
    radio_1, radio_2 = (make_item(programme=programme) for _n in range(2))
    computer = make_item(programme=programme, category="it", description="Ordinateur portable")
    kit = make_item(programme=programme, category="sgbv_kit", description="Kit du bureau VSBG", quantity=3)
    bipemba = make_station(name="Commissariat de Bipemba")
    muya = make_station(commune="Muya", name="Sous-commissariat Muya")
    centre = make_station(commune="Muya", name="Centre de formation de Muya", kind="training_centre")
    make_delivery(station=bipemba, items=[radio_1, radio_2, computer], delivered_on=date(2017, 2, 1))
    make_delivery(station=muya, items=[kit], delivered_on=date(2017, 5, 2))
    # another programme's radio at a fourth unit counts in that programme only
    make_delivery(station=make_station(name="Poste de Bipemba"), items=[make_item(programme=make_programme())],
                  delivered_on=date(2017, 2, 1))
    # Q2: the computer moves to the training centre
    service.record_transfer(None, to_station_id=centre.id, transferred_on=date(2017, 4, 15), received_by_name="Ngoy",
                            received_by_rank="", note="", item_ids=[computer.id])
    # Q3: one radio reported stolen, the other disposed of – Bipemba holds nothing that counts
    loss = service.report_loss(None, radio_1, reported_on=date(2017, 8, 1), circumstances="Volée au bureau",
                               police_report_reference="")
    service.dispose_item(radio_2, disposed_on=date(2017, 9, 1), reason="beyond_repair", note="",
                         authorised_by="Chef de projet")
    # Q4: the stolen radio is recovered; the computer is not found at the December check
    service.close_loss(loss, closed_on=date(2017, 11, 10), status="recovered", closing_note="Retrouvée au marché")
    service.record_check(None, computer, checked_on=date(2017, 12, 1), condition="not_found", note="Absent")
    _db.session.commit()

    periods = [P.parse_period(key, 1) for key in QUARTERS]
    totals, _f = computed_figures(programme, "equipment_units_equipped", periods)
    assert [cells.get(None) for cells in totals] == [1, 3, 2, 2, 2]  # the year is its last quarter
    by_category, _f = computed_figures(programme, "equipment_units_equipped", periods, dimension="equipment_category")
    assert by_category[0] == {None: 1, "communication": 1, "it": 1}  # Bipemba, with both: once in the total
    assert by_category[1] == {None: 3, "communication": 1, "it": 1, "sgbv_kit": 1}
    assert by_category[2] == {None: 2, "it": 1, "sgbv_kit": 1}
    assert by_category[3] == {None: 2, "communication": 1, "sgbv_kit": 1}
    communes = dict(_db.session.execute(select(Commune.name, Commune.id)).all())
    by_commune, _f = computed_figures(programme, "equipment_units_equipped", periods[1:2], dimension="commune")
    assert by_commune[0] == {None: 3, str(communes["Bipemba"]): 1, str(communes["Muya"]): 2}

    pi = _db.session.scalar(select(ProgrammeIndicator).where(ProgrammeIndicator.programme_id == programme.id))
    with app.test_request_context():
        drill = records_behind(pi, periods[1], scope=Scope.national(), dimension="equipment_category", category="it")
        assert [drill.row(r)[:3] for r in _db.session.execute(drill.stmt)] == [
            [("Centre de formation de Muya", f"/stations/{centre.id}"), "Muya", 1]]
        drill = records_behind(pi, periods[1], scope=Scope.national())
        assert [(r.name, int(r.quantity)) for r in _db.session.execute(drill.stmt)] == [
            ("Centre de formation de Muya", 1), ("Commissariat de Bipemba", 2), ("Sous-commissariat Muya", 3)]


def test_units_equipped_stay_in_the_readers_area(make_programme, make_item, make_delivery, computed_figures):
    from cpms.core.permissions import Scope
    from tests.conftest import province_id

    programme = make_programme()
    make_delivery(items=[make_item(programme=programme)], delivered_on=date(2017, 2, 1))
    _db.session.commit()
    period = [P.parse_period("2017-Q1", 1)]
    inside, _f = computed_figures(programme, "equipment_units_equipped", period,
                                  scope=Scope({province_id("Kasaï-Oriental")}, set(), {province_id("Kasaï-Oriental")}))
    outside, _f = computed_figures(programme, "equipment_units_equipped", period,
                                   scope=Scope({province_id("Haut-Katanga")}, set(), {province_id("Haut-Katanga")}))
    assert inside[0][None] == 1 and outside[0].get(None) in (None, 0)

