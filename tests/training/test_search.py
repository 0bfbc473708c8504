"""Trainee search by index (issue 22): accents and case ignored, partial matricules, several words, short terms,
the index kept in step with inserts (bulk ones too), renames and deletions, the user's area still applied."""
import re

import pytest
from sqlalchemy import delete, insert, select

from cpms.core.permissions import Scope
from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import Trainee
from tests.conftest import commune_id, province_id


def found(term, scope=None):
    stmt = service.search_trainees(scope or Scope.national(), term=term)
    return [t.matricule for t in _db.session.scalars(stmt)]


def _officer(matricule, last_name, first_name, post_name="", commune="Bipemba"):
    trainee = service.create_trainee(matricule=matricule, last_name=last_name, first_name=first_name,
                                     post_name=post_name, sex="F", commune_id=commune_id(commune))
    _db.session.commit()
    return trainee


@pytest.fixture
def officers(db):
    return {
        "therese": _officer("1.234 567-8", "Ngalula", "Thérèse", "Mulamba"),
        "fidele": _officer("87654321", "Kabongo", "Fidèle", "Kanyinda"),
        "plain": _officer("55500011", "Kabeya", "Therese", commune="Gombe"),
    }


def test_accents_and_case_are_ignored_both_ways(officers):
    assert found("therese") == ["55500011", "12345678"]  # ordered by last name: Kabeya, Ngalula
    assert found("THÉRÈSE") == ["55500011", "12345678"]
    assert found("fidele") == ["87654321"]
    assert found("Fidèle KABONGO") == ["87654321"]  # every word, in any order
    assert found("kab") == ["55500011", "87654321"]
    assert found("fidele ngalula") == []


def test_partial_matricule_in_any_written_form(officers):
    assert found("4567") == ["12345678"]
    assert found("234 56") == ["12345678"]  # the same officer, typed with a space
    assert found("1.234.567") == ["12345678"]
    assert found("000") == ["55500011"]
    assert found("999") == []


def test_short_terms_are_matched_without_the_index(officers):
    assert found("Th") == ["55500011", "12345678"]
    assert found("é") == ["55500011", "87654321", "12345678"]  # every name here has an e, Fidèle's too
    assert found("55") == ["55500011"]


def test_wildcards_and_quotes_are_searched_as_nothing(officers):
    assert found('%"_') == []  # not a pattern matching everyone
    assert found("kab%") == ["55500011", "87654321"]
    assert found('"kab"') == ["55500011", "87654321"]


def test_the_index_follows_renames_deletions_and_bulk_inserts(officers):
    therese = officers["therese"]
    service.update_trainee(therese, matricule="12345678", last_name="Mbuyi", first_name="Odette", post_name="",
                           sex="F", commune_id=therese.commune_id)
    _db.session.commit()
    assert found("ngalula") == []
    assert found("odette") == ["12345678"]
    _db.session.execute(delete(Trainee).where(Trainee.matricule == "87654321"))
    _db.session.execute(insert(Trainee), [{"matricule": "77700022", "last_name": "Tshibangu", "post_name": "",
                                           "first_name": "Bénédicte", "sex": "F", "specialty": "community",
                                           "commune_id": commune_id("Bipemba"),
                                           "province_id": province_id("Kasaï-Oriental"), "unit": ""}])
    _db.session.commit()
    assert found("fidele") == []
    assert found("benedicte") == ["77700022"]
    assert _db.session.scalar(select(Trainee.last_name).where(Trainee.matricule == "77700022")) == "Tshibangu"


def test_area_still_applies(officers):
    kinshasa = Scope(full_province_ids={province_id("Kinshasa")}, commune_ids=set(),
                     province_ids={province_id("Kinshasa")})
    assert found("therese", kinshasa) == ["55500011"]
    assert found("4567", kinshasa) == []


def test_search_page_finds_an_officer_typed_without_accents(officers, login_as, web):
    login_as("admin")
    html = web.get("/training/trainees?q=therese+ngalula").get_data(as_text=True)
    assert "Thérèse" in html and "12345678" in html
    assert "55500011" not in html


@pytest.fixture
def migrated_app(tmp_path, worker_id_safe):
    """An app on its own database, built by the migrations (not create_all)."""
    from flask_migrate import upgrade

    from cpms import create_app
    from tests.conftest import database_url_for, drop_test_schema, make_test_config
    url, options = database_url_for(worker_id_safe, tmp_path, purpose="migrations")
    app = create_app(make_test_config(url, options), instance_path=str(tmp_path))
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()
    drop_test_schema(url, options)


def test_a_migrated_database_keeps_the_index_in_step(migrated_app):
    """Migration 0036 (and any later one that rebuilds `trainees`) leaves the index following every write."""
    with migrated_app.app_context():
        _officer("11122233", "Kalala", "Héritier")
        assert found("heritier kalala") == ["11122233"]
        _db.session.execute(Trainee.__table__.update().values(first_name="Blaise"))
        _db.session.commit()
        assert found("heritier") == [] and found("blaise") == ["11122233"]


def _counted(term, scope=None, **filters):
    return _db.session.scalar(service.count_trainees(scope or Scope.national(), term=term, **filters))


def test_the_count_is_the_number_of_officers_found_whatever_counts_it(officers):
    """A search of the whole country with no other filter is counted in the index alone (SQLite); with an area or a
    filter, through the officers' rows: the same figure either way, renames and deletions included."""
    kinshasa = Scope(full_province_ids={province_id("Kinshasa")}, commune_ids=set(),
                     province_ids={province_id("Kinshasa")})
    service.update_trainee(officers["fidele"], matricule="87654321", last_name="Kabongo", first_name="Odette",
                           post_name="", sex="F", commune_id=officers["fidele"].commune_id)
    _db.session.execute(delete(Trainee).where(Trainee.matricule == "55500011"))
    _db.session.commit()
    for term in ("therese", "kab", "4567", "1.234 567-8", "fidele", "odette kabongo", "th", "zzz", "%", ""):
        assert _counted(term) == len(found(term)), term
        assert _counted(term, sex="F") == len(found(term)), term  # every officer left is a woman
        assert _counted(term, sex="M") == 0
        assert _counted(term, kinshasa) == 0  # Kabeya of Gombe was deleted
    if _db.engine.dialect.name == "sqlite":
        def reads_rows(statement):
            return re.search(r"FROM trainees\b(?!_)", str(statement)) is not None
        assert not reads_rows(service.count_trainees(Scope.national(), term="kab"))  # the index alone
        assert reads_rows(service.count_trainees(kinshasa, term="kab"))  # the area needs the rows
        assert reads_rows(service.count_trainees(Scope.national(), term="kab", sex="F"))
        assert reads_rows(service.count_trainees(Scope.national(), term="th"))  # too short for the index


def test_the_list_rows_are_the_officers_found_in_the_same_order(officers):
    entities = _db.session.scalars(service.search_trainees(Scope.national(), term="e")).all()
    for french in (True, False):
        rows = _db.session.execute(service.search_trainee_rows(Scope.national(), french, term="e")).all()
        assert [(r.id, r.matricule, r.last_name, r.post_name, r.first_name, r.sex, r.specialty, r.commune_name)
                for r in rows] == [(t.id, t.matricule, t.last_name, t.post_name, t.first_name, t.sex, t.specialty,
                                    t.commune.name) for t in entities]
        assert [r.rank_name for r in rows] == [((t.rank.name_fr if french else t.rank.name_en) if t.rank else None)
                                               for t in entities]


def test_the_matricule_form_is_searched_only_when_it_can_find_more():
    from cpms.training.search import _alternatives
    assert _alternatives("Kabongo Thérèse") == [["kabongo", "therese"]]  # "kabongotherese" holds both words
    assert _alternatives("1.234 567-8") == [["1.234", "567-8"], ["12345678"]]  # the dots and dashes left out
    assert _alternatives("0004321") == [["0004321"]]
