"""Generated programmes: one community-policing programme per province and a national one covering them all."""
from datetime import date

from bench.generate import generator
from cpms.programmes.models import Programme, programme_provinces

DONORS = ["INL (United States)", "Canada", "United Kingdom", "European Union", "Netherlands", "Sweden", "Japan"]
NATIONAL_CODE = "PDP-RDC-2020"


@generator
def generate_programmes(gen):
    rng = gen.random("programmes")
    provinces = gen.shared["provinces"]
    rows, links, by_province = [], [], {}
    stamps = (gen.now, gen.now)
    for province_id, name, code in provinces:
        programme_id = gen.ids(Programme, 1)[0]
        start = date(rng.randint(2014, 2018), rng.choice([1, 4, 7]), 1)
        rows.append((programme_id, f"PDP-{code}-{start.year}", f"Police de proximité – {name} {start.year}–2027",
                     rng.choice(DONORS), start, date(2027, 12, 31), rng.random() < 0.5,
                     f"Community-policing training, stations and local security committees in {name}.", *stamps))
        links.append((programme_id, province_id))
        by_province[province_id] = programme_id
    national_id = gen.ids(Programme, 1)[0]
    rows.append((national_id, NATIONAL_CODE, "Réforme de la police – programme national 2020–2027",
                 "European Union, United Kingdom", date(2020, 1, 1), date(2027, 12, 31), False,
                 "National perception surveys and the results framework of the police reform.", *stamps))
    links.extend((national_id, province_id) for province_id, _name, _code in provinces)
    gen.insert(Programme, ["id", "code", "name", "donors", "start_date", "end_date", "requires_vetting",
                           "description", "created_at", "updated_at"], rows)
    gen.insert(programme_provinces, ["programme_id", "province_id"], links)
    gen.shared["programmes"] = by_province
    gen.shared["national_programme"] = national_id
    return {"programmes": len(rows)}
