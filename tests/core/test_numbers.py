"""Numbers typed as people write them in their language: a decimal comma in French, thousands separators."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from cpms.core.forms import read_number
from cpms.extensions import db as _db
from cpms.stations.models import Station
from tests.conftest import commune_id


@pytest.mark.parametrize("typed, language, number", [
    ("1 234,5", "fr", Decimal("1234.5")), ("1\u202f234,50", "fr", Decimal("1234.50")), ("12,5", "fr", Decimal("12.5")),
    ("1234.5", "fr", Decimal("1234.5")), ("1.234,5", "fr", Decimal("1234.5")), ("-6,13", "fr", Decimal("-6.13")),
    ("1,234.5", "en", Decimal("1234.5")), ("12.5", "en", Decimal("12.5")), (" 40 ", "en", Decimal("40")),
])
def test_a_number_is_read_as_the_language_writes_it(typed, language, number):
    assert read_number(typed, language) == number


def test_a_small_number_takes_a_comma_as_its_decimal_mark_in_any_language():
    assert read_number("42,5", "en", thousands=False) == Decimal("42.5")
    assert read_number("42,5", "en") == Decimal("425")  # an amount in English: the comma groups thousands


@pytest.mark.parametrize("typed", ["nan", "Infinity", "abc", "1,2,3", "", "12,5 %"])
def test_what_is_not_a_finite_number_is_refused(typed):
    with pytest.raises(ValueError):
        read_number(typed, "fr")


def test_a_station_s_position_typed_with_a_decimal_comma_is_saved(web, login_as):
    """A French officer types -6,1158: WTForms' FloatField refused it ("N'est pas un flottant valide")."""
    login_as("project_officer", "Kasaï-Oriental")
    response = web.post("/stations/new", {
        "name": "Sous-commissariat de Tshiala", "kind": "sub_commissariat", "commune_id": str(commune_id("Bipemba")),
        "status": "planned", "latitude": "-6,1158", "longitude": "23,6302", "staff_count": "20", "notes": ""})
    assert response.status_code == 302
    station = _db.session.scalar(select(Station))
    assert (station.latitude, station.longitude) == (-6.1158, 23.6302)
