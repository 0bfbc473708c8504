"""Equipment beyond the forms: the share of items in use at the last check, the overdue-check reminder, and the
demo (Bipemba's radios, computers and SGBV kit, one radio broken at the last visit)."""
from datetime import date, datetime, time, timezone

import time_machine
from sqlalchemy import select

from cpms.equipment import service
from cpms.extensions import db as _db
from cpms.indicators.service import periods as P
from cpms.notifications.models import Notification
from cpms.notifications.service.sweep import sweep_reminders


def test_share_in_use_is_each_items_latest_check_by_the_end_of_the_period(make_programme, make_item, make_delivery,
                                                                         computed_figures):
    programme = make_programme()
    items = [make_item(programme=programme) for _n in range(4)]
    make_delivery(items=items)
    # item 0: damaged in April, repaired in May; item 1: in use in April; item 2: in use in April, lost in July;
    # item 3 never checked
    checks = [(0, 4, "damaged"), (0, 5, "in_use"), (1, 4, "in_use"), (2, 4, "in_use"), (2, 7, "lost")]
    for index, month, condition in checks:
        service.record_check(None, items[index], checked_on=date(2017, month, 10), condition=condition,
                             note="" if condition == "in_use" else "Constaté à la visite")
    _db.session.commit()
    (q1, q2, q3, year), _figures = computed_figures(programme, "equipment_in_use_rate", [
        P.parse_period(key, 1) for key in ("2017-Q1", "2017-Q2", "2017-Q3", "2017")])
    assert q1.get(None) is None  # nothing checked yet
    assert q2[None] == 100.0  # items 0, 1 and 2 in use at the end of June
    assert round(q3[None], 1) == 66.7 and round(year[None], 1) == 66.7  # item 2 lost in July


def test_share_in_use_counts_an_item_where_it_was_at_the_end_of_the_period(make_programme, make_item, make_station,
                                                                          make_delivery, computed_figures):
    programme = make_programme()
    radios = [make_item(programme=programme) for _n in range(2)]
    make_delivery(station=make_station(name="Commissariat de Bipemba"), items=radios, delivered_on=date(2017, 2, 1))
    service.record_check(None, radios[0], checked_on=date(2017, 5, 10), condition="in_use", note="")
    service.record_check(None, radios[1], checked_on=date(2017, 5, 10), condition="damaged", note="Antenne cassée")
    muya = make_station(commune="Muya", name="Sous-commissariat Muya")
    service.record_transfer(None, to_station_id=muya.id, transferred_on=date(2017, 8, 1), received_by_name="Ngoy",
                            received_by_rank="", note="", item_ids=[radios[1].id])
    _db.session.commit()
    from tests.conftest import commune_id
    (q2, q3), _figures = computed_figures(programme, "equipment_in_use_rate", [
        P.parse_period(key, 1) for key in ("2017-Q2", "2017-Q3")], dimension="commune")
    bipemba, muya_id = str(commune_id("Bipemba")), str(commune_id("Muya"))
    assert q2 == {None: 50.0, bipemba: 50.0}  # both radios were at Bipemba at the end of June
    assert q3 == {None: 50.0, bipemba: 100.0, muya_id: 0.0}  # the damaged one had moved to Muya by September


def sweep(day):
    with time_machine.travel(datetime.combine(day, time(8), timezone.utc), tick=False):
        return sweep_reminders(only={"equipment_check_overdue"})


def test_a_station_not_checked_for_six_months_reminds_its_area_officers(make_delivery, make_user, make_item):
    delivery = make_delivery(delivered_on=date(2017, 1, 10))
    officer = make_user("project_officer", provinces=["Kasaï-Oriental"])
    make_user("project_officer", provinces=["Haut-Katanga"])
    sweep(date(2017, 7, 1))
    assert _db.session.scalars(select(Notification)).all() == []
    sweep(date(2017, 7, 12))
    sweep(date(2017, 7, 13))
    notes = _db.session.scalars(select(Notification)).all()
    assert [(n.recipient_key, n.object_key, n.due_on) for n in notes] == [
        (f"user:{officer.id}", f"equipment_station:{delivery.station_id}", date(2017, 7, 11))]
    item = service.delivery_items(delivery)[0]
    service.record_check(None, item, checked_on=date(2017, 7, 14), condition="in_use", note="")
    _db.session.commit()
    sweep(date(2017, 8, 1))
    assert len(_db.session.scalars(select(Notification)).all()) == 1


def test_demo_bipemba_received_radios_computers_and_a_kit_one_radio_broken(app, demo_en):
    from cpms.equipment.models import EquipmentItem
    from cpms.stations.models import Station

    assert demo_en["equipment items"] == 11
    bipemba = _db.session.scalar(select(Station).where(Station.name == "Commissariat de Bipemba"))
    items, checks, _losses, _disposed = service.station_items(bipemba)
    assert sorted({item.category for item in items}) == ["communication", "it", "sgbv_kit"]
    broken = [item.serial_number for item in items if checks[item.id].condition == "damaged"]
    assert broken == ["BIP-RAD-003"] and checks[items[0].id].checked_on == date(2017, 6, 14)
    assert _db.session.scalar(select(EquipmentItem.description).where(EquipmentItem.serial_number == "KAM-PC-001")) \
        == "Laptop computer"
    # the Kasaï-Oriental framework carries the equipment indicators, and its report computes them from the demo's
    # deliveries and checks: one unit equipped (Bipemba), its items in use but the broken radio
    from cpms.core.permissions import Scope
    from cpms.indicators.models import ProgrammeIndicator
    from cpms.indicators.service.values import Area, compute
    from cpms.programmes.models import Programme
    programme = _db.session.scalar(select(Programme).where(Programme.code == "PDP-KOR-2015"))
    placed = {pi.code: pi for pi in _db.session.scalars(select(ProgrammeIndicator).where(
        ProgrammeIndicator.programme_id == programme.id, ProgrammeIndicator.code.like("EQP-%")))}
    assert set(placed) == {"EQP-UNI", "EQP-USE"}
    held = [item for item in items if item.programme_id == programme.id]
    working = sum(checks[item.id].condition == "in_use" for item in held)
    figures = compute(programme.id, list(placed.values()), [P.parse_period("2017", 1)], scope=Scope.national(),
                      area=Area())
    assert figures.values[(placed["EQP-UNI"].id, 0, None)] == 1
    assert round(figures.values[(placed["EQP-USE"].id, 0, None)], 1) == round(100 * working / len(held), 1)


def test_value_delivered_by_period_donor_and_currency(make_programme, make_item, make_station, make_delivery,
                                                      computed_figures):
    from decimal import Decimal
    programme = make_programme()
    radios = [make_item(programme=programme, unit_value=Decimal("420")) for _n in range(3)]
    vests = make_item(programme=programme, category="uniforms", description="Gilets", quantity=20,
                      unit_value=Decimal("35.50"))
    unpriced = make_item(programme=programme)
    make_delivery(items=radios + [unpriced], delivered_on=date(2017, 2, 1))
    make_delivery(station=make_station(name="Sous-commissariat Muya"), items=[vests], delivered_on=date(2017, 5, 2))
    vests.donor = "UNICEF"
    _db.session.commit()
    (q1, q2, year), _figures = computed_figures(programme, "equipment_value_delivered", [
        P.parse_period(key, 1) for key in ("2017-Q1", "2017-Q2", "2017")])
    assert q1[None] == 1260.0 and q2[None] == 710.0 and year[None] == 1970.0  # 3 × 420; 20 × 35.50
    (by_donor,), figures = computed_figures(programme, "equipment_value_delivered", [P.parse_period("2017", 1)],
                                           dimension="equipment_donor")
    assert by_donor == {None: 1970.0, "INL": 1260.0, "UNICEF": 710.0}  # with the total
    (in_cdf,), _figures = computed_figures(programme, "equipment_value_delivered", [P.parse_period("2017", 1)],
                                          param="CDF")
    assert in_cdf.get(None) in (None, 0)


def test_a_viewer_sees_aggregates_and_value_but_no_names(web, login_as, make_item, make_delivery):
    from decimal import Decimal
    items = [make_item(unit_value=Decimal("420")) for _n in range(2)]
    delivery = make_delivery(items=items)
    service.dispose_item(items[1], disposed_on=date(2017, 6, 1), reason="beyond_repair", note="",
                         authorised_by="Chef de projet")
    _db.session.commit()
    login_as("viewer", "Kasaï-Oriental")
    page = web.get("/equipment/figures").get_data(as_text=True)
    provinces = page.split('id="figures-provinces"')[1].split("</table>")[0]
    # one unit equipped, holding one item (the other was disposed of); two delivered worth $840
    assert "Kasaï-Oriental" in provinces and "$840.00" in provinces
    assert [cell.strip() for cell in provinces.split('<td class="num">')[1:4]] == ["1</td>", "1</td>", "2</td>"]
    assert "INL" in page and "Kabongo Jean" not in page and items[0].serial_number not in page
    assert web.get(f"/equipment/deliveries/{delivery.id}").status_code == 403


def test_a_station_whose_equipment_moved_away_is_not_reminded_the_unit_holding_it_is(make_delivery, make_station,
                                                                                      make_user):
    delivery = make_delivery(delivered_on=date(2017, 1, 10))
    muya = make_station(name="Sous-commissariat Muya")
    item = service.delivery_items(delivery)[0]
    service.record_transfer(None, to_station_id=muya.id, transferred_on=date(2017, 3, 1), received_by_name="Ngoy",
                            received_by_rank="", note="", item_ids=[item.id])
    _db.session.commit()
    make_user("project_officer", provinces=["Kasaï-Oriental"])
    sweep(date(2017, 7, 12))  # Bipemba would have been due on 11 July: it holds nothing any more
    assert _db.session.scalars(select(Notification)).all() == []
    sweep(date(2017, 9, 1))
    assert [(n.object_key, n.due_on) for n in _db.session.scalars(select(Notification))] == [
        (f"equipment_station:{muya.id}", date(2017, 8, 30))]  # 182 days after the transfer
