"""Generated geography: the DR Congo's 26 provinces (fewer at smaller scales), each with its chief town and
territories, about 24 communes (chefferies and secteurs in territories) and 8 quartiers per commune.

Province and chief-town names are the real ones; the other places get invented names built from syllables.
"""
from bench.generate import generator
from cpms.geo.models import City, Commune, Province, Quartier

# (province, code, chief town), in the order scales take them: the provinces of the programme documents first.
PROVINCES = [
    ("Kasaï-Oriental", "KOR", "Mbuji-Mayi"), ("Haut-Katanga", "HKT", "Lubumbashi"), ("Kasaï", "KAS", "Tshikapa"),
    ("Kasaï-Central", "KCE", "Kananga"), ("Nord-Kivu", "NKV", "Goma"), ("Tanganyika", "TAN", "Kalemie"),
    ("Ituri", "ITU", "Bunia"), ("Kinshasa", "KIN", "Kinshasa"), ("Kongo-Central", "KOC", "Matadi"),
    ("Kwango", "KWA", "Kenge"), ("Kwilu", "KWI", "Bandundu"), ("Mai-Ndombe", "MAI", "Inongo"),
    ("Lomami", "LOM", "Kabinda"), ("Sankuru", "SAN", "Lusambo"), ("Maniema", "MAN", "Kindu"),
    ("Sud-Kivu", "SKV", "Bukavu"), ("Haut-Uele", "HUE", "Isiro"), ("Tshopo", "TSH", "Kisangani"),
    ("Bas-Uele", "BUE", "Buta"), ("Nord-Ubangi", "NUB", "Gbadolite"), ("Mongala", "MON", "Lisala"),
    ("Sud-Ubangi", "SUB", "Gemena"), ("Équateur", "EQU", "Mbandaka"), ("Tshuapa", "TSU", "Boende"),
    ("Haut-Lomami", "HLO", "Kamina"), ("Lualaba", "LUA", "Kolwezi"),
]
COMMUNES_PER_PROVINCE = 24
CITY_COMMUNES = 6
TERRITORY_COMMUNES = 4
QUARTIERS_PER_COMMUNE = 8
FIRST = ["Ka", "Tshi", "Mu", "Lu", "Ki", "Ba", "Bu", "Ngo", "Mbu", "Ma", "Ki", "Nya", "Lo", "Be", "Ki", "Kwa", "Ya", "Di"]
MIDDLE = ["ba", "lo", "nga", "mbe", "tu", "lu", "ku", "ndu", "si", "mba", "le", "ko", "nde", "sa", "bi", "la"]
LAST = ["la", "nga", "mba", "bo", "ji", "ya", "ka", "mbi", "le", "ndo", "shi", "mu", "wa", "ri", "ze", "nda"]
QUARTIERS = ["Résidentiel", "Industriel", "Révolution", "Mission", "Camp Police", "Cité", "Plateau", "Marché",
             "Salongo", "Matonge", "Bel-Air", "Lumumba", "Kasavubu", "Congo", "Indépendance", "Gare", "Aéroport",
             "Kimbangu", "Golf", "Tshamala", "Nouvelle Cité", "Mont-Fleury", "Kapinga", "Sainte-Thérèse"]


class PlaceNames:
    """Invented place names, never the same twice in the whole country (survey imports match communes by name)."""

    def __init__(self, rng, taken):
        self.rng, self.taken = rng, {name.lower() for name in taken}

    def new(self):
        while True:
            parts = [self.rng.choice(FIRST)] + [self.rng.choice(MIDDLE) for _ in range(self.rng.randint(0, 1))]
            name = "".join(parts) + self.rng.choice(LAST)
            if name.lower() not in self.taken:
                self.taken.add(name.lower())
                return name


@generator
def generate_places(gen):
    from sqlalchemy import select

    conn = gen.connection
    rng = gen.random("geo")
    province_count = gen.count(len(PROVINCES))
    chosen = PROVINCES[:province_count]
    existing_provinces = dict(conn.execute(select(Province.name, Province.id)).all())
    existing_cities = {(p, n): (i, k) for i, p, n, k in conn.execute(
        select(City.id, City.province_id, City.name, City.kind)).all()}
    existing_communes = conn.execute(select(Commune.id, Commune.city_id, Commune.province_id, Commune.name)).all()
    names = PlaceNames(rng, [n for _p, n in existing_cities] + [c.name for c in existing_communes])
    stamps = (gen.now, gen.now)

    new_provinces = [name for name, _code, _town in chosen if name not in existing_provinces]
    province_rows = []
    for new_id, name in zip(gen.ids(Province, len(new_provinces)), new_provinces):
        existing_provinces[name] = new_id
        province_rows.append((new_id, name, *stamps))
    gen.insert(Province, ["id", "name", "created_at", "updated_at"], province_rows)

    city_rows, commune_rows = [], []
    communes = []  # (id, province_id, city_id, name)
    for province, code, town in chosen:
        province_id = existing_provinces[province]
        cities = [(i, n, k) for (p, n), (i, k) in existing_cities.items() if p == province_id]
        own = [c for c in existing_communes if c.province_id == province_id]
        communes.extend((c.id, c.province_id, c.city_id, c.name) for c in own)
        plan = []  # (city id, new commune count)
        if not any(n == town for _i, n, _k in cities):
            plan.append(((town, "city"), CITY_COMMUNES))
        have = len(own) + sum(n for _c, n in plan)
        while have < COMMUNES_PER_PROVINCE:
            plan.append(((names.new(), "territory"), TERRITORY_COMMUNES))
            have += TERRITORY_COMMUNES
        for (city_name, kind), commune_count in plan:
            city_id = gen.ids(City, 1)[0]
            city_rows.append((city_id, province_id, city_name, kind, *stamps))
            for commune_id in gen.ids(Commune, commune_count):
                name = names.new()
                commune_rows.append((commune_id, city_id, province_id, name, *stamps))
                communes.append((commune_id, province_id, city_id, name))
    gen.insert(City, ["id", "province_id", "name", "kind", "created_at", "updated_at"], city_rows)
    gen.insert(Commune, ["id", "city_id", "province_id", "name", "created_at", "updated_at"], commune_rows)

    existing_quartiers = {c for (c,) in conn.execute(select(Quartier.commune_id).distinct()).all()}
    quartier_rows, quartiers = [], {}
    for commune_id, _province_id, _city_id, _name in communes:
        if commune_id in existing_quartiers:
            continue
        chosen_names = rng.sample(QUARTIERS, QUARTIERS_PER_COMMUNE)
        ids = gen.ids(Quartier, QUARTIERS_PER_COMMUNE)
        quartiers[commune_id] = list(zip(ids, chosen_names))
        quartier_rows.extend((i, commune_id, n, *stamps) for i, n in quartiers[commune_id])
    gen.insert(Quartier, ["id", "commune_id", "name", "created_at", "updated_at"], quartier_rows)

    gen.shared["provinces"] = [(existing_provinces[name], name, code) for name, code, _town in chosen]
    gen.shared["communes"] = communes
    gen.shared["quartiers"] = quartiers
    return {"provinces": len(chosen), "communes": len(communes), "quartiers": len(quartier_rows)}
