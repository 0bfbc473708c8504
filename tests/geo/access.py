from tests.access import ADMIN, ANY

EXPECTED = {
    "geo.province_list": ANY,
    "geo.province_create": ADMIN,
    "geo.province_detail": ANY,
    "geo.city_create": ADMIN,
    "geo.commune_create": ADMIN,
    "geo.quartier_create": ADMIN,
    "geo.commune_position": ADMIN,
}
# reference places: every user may read them
AREA_NEUTRAL = {"geo.province_detail"}


def samples(request):
    from sqlalchemy import select

    from cpms.extensions import db
    from cpms.geo.models import City, Commune, Province
    return {"province_id": db.session.scalar(select(Province.id).where(Province.name == "Kasaï-Oriental")),
            "city_id": db.session.scalar(select(City.id).where(City.name == "Mbuji-Mayi")),
            "commune_id": db.session.scalar(select(Commune.id).where(Commune.name == "Bipemba"))}
