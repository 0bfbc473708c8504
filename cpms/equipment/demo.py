"""Demo equipment: the Bipemba commissariat received radios, computers and an SGBV desk kit in January 2017 (one
radio was found broken at the last visit); the Kampemba commissariat received radios and a computer a month ago,
not yet checked. Serial numbers and people are invented."""
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from cpms.core.demo import demo_loader, say
from cpms.extensions import db


def _station(name):
    from cpms.stations.models import Station
    return db.session.scalar(select(Station).where(Station.name == name))


def _items(programme, commune_id, received_on, specs):
    from cpms.equipment.service import create_item
    return [create_item(None, category=category, description=description, make_model=model, serial_number=serial,
                        quantity=quantity, unit_value=Decimal(value), currency="USD", programme_id=programme.id,
                        donor="INL", purchase_reference=reference, received_on=received_on, commune_id=commune_id)
            for category, description, model, serial, quantity, value, reference in specs]


def _deliver(station, items, delivered_on, commander, rank):
    from cpms.equipment.service import record_delivery
    return record_delivery(None, station_id=station.id, delivered_on=delivered_on, received_by_name=commander,
                           received_by_rank=rank, note="", item_ids=[item.id for item in items])


def _load_bipemba(programme, station):
    from cpms.equipment.service import record_check
    radio = say("Radio portative", "Hand-held radio")
    items = _items(programme, station.commune_id, date(2016, 12, 5), [
        ("communication", radio, "Motorola DP1400", f"BIP-RAD-{n:03d}", 1, "420", "PO-2016-117") for n in (1, 2, 3, 4)
    ] + [
        ("it", say("Ordinateur portable", "Laptop computer"), "Dell Latitude 3480", f"BIP-PC-{n:03d}", 1, "780",
         "PO-2016-118") for n in (1, 2)
    ] + [("sgbv_kit", say("Kit de bureau VSBG/protection de l’enfant", "SGBV/child-protection desk kit"), "",
          "BIP-VBG-001", 1, "1500", "PO-2016-119")])
    _deliver(station, items, date(2017, 1, 10), "Albert Mukendi", say("Commissaire supérieur", "Chief superintendent"))
    for item in items:
        broken = item.serial_number == "BIP-RAD-003"
        record_check(None, item, checked_on=date(2017, 6, 14), condition="damaged" if broken else "in_use",
                     note=say("Écran cassé, ne s'allume plus", "Screen broken, does not switch on") if broken else "")
    return len(items)


def _load_kampemba(programme, station, today):
    items = _items(programme, station.commune_id, today - timedelta(days=60), [
        ("communication", say("Radio portative", "Hand-held radio"), "Motorola DP1400", f"KAM-RAD-{n:03d}", 1, "420",
         f"PO-{today.year}-031") for n in (1, 2, 3)
    ] + [("it", say("Ordinateur portable", "Laptop computer"), "HP ProBook 450", "KAM-PC-001", 1, "810",
          f"PO-{today.year}-032")])
    _deliver(station, items, today - timedelta(days=30), "Pascal Ilunga", say("Commissaire", "Superintendent"))
    return len(items)


@demo_loader
def load_equipment(context):
    programmes = context["programmes"]
    count = 0
    bipemba, kampemba = _station("Commissariat de Bipemba"), _station("Commissariat de Kampemba")
    if bipemba is not None and "PDP-KOR-2015" in programmes:
        count += _load_bipemba(programmes["PDP-KOR-2015"], bipemba)
    if kampemba is not None and "PDP-HKT-2016" in programmes:
        count += _load_kampemba(programmes["PDP-HKT-2016"], kampemba, date.today())
    return {"equipment items": count}


# the equipment indicators in the library: (code, English, French, unit, aggregation, computation, parameter,
# breakdowns); the first two are also in the Kasaï-Oriental and Haut-Katanga frameworks (stations' outputs)
INDICATORS = [
    ("EQP-UNI", "Units equipped", "Unités équipées", "count", "latest", "equipment_units_equipped", "",
     ["province", "commune", "equipment_category"]),
    ("EQP-USE", "Share of delivered equipment in use at the last check",
     "Part du matériel livré en service au dernier contrôle", "percentage", "latest", "equipment_in_use_rate", "",
     ["province", "commune"]),
    ("EQP-VAL", "Value of equipment delivered (USD)", "Valeur du matériel livré (USD)", "amount", "sum",
     "equipment_value_delivered", "USD", ["province", "commune", "equipment_category", "equipment_donor"]),
]
FRAMEWORKS = {  # programme → [(result node, library code, LOP target)]
    "PDP-KOR-2015": [("OP3.2", "EQP-UNI", 5), ("OP3.2", "EQP-USE", 90)],
    "PDP-HKT-2016": [("OP1.2", "EQP-UNI", 2), ("OP1.2", "EQP-USE", 90)],
}


@demo_loader(late=True)
def load_equipment_indicators(context):
    """The equipment indicators in the library, and in the frameworks of the programmes that delivered the demo's
    equipment, so that their reports and donor pages show them."""
    from cpms.indicators.models import ResultNode
    from cpms.indicators.service import add_programme_indicator, create_indicator
    library = {code: create_indicator(code=code, name_en=name_en, name_fr=name_fr, definition="", unit=unit,
                                      direction="higher", aggregation=aggregation, source="computed",
                                      computation=computation, computation_param=param, disaggregations=dimensions,
                                      is_active=True)
               for code, name_en, name_fr, unit, aggregation, computation, param, dimensions in INDICATORS}
    placed = 0
    for programme_code, entries in FRAMEWORKS.items():
        programme = context["programmes"].get(programme_code)
        if programme is None:
            continue
        for position, (node_code, code, target) in enumerate(entries, start=95):
            node = db.session.scalar(select(ResultNode).where(ResultNode.programme_id == programme.id,
                                                              ResultNode.code == node_code))
            if node is not None:
                add_programme_indicator(programme, node_id=node.id, indicator_id=library[code].id, code=code,
                                        position=position, baseline_value=None, baseline_date=None, lop_target=target)
                placed += 1
    return {"equipment indicators": len(library), "equipment indicators in frameworks": placed}
