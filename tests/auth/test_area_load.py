"""The logged-in user's areas come with the user in one statement, as plain rows (User.area), not as joined
Province and Commune entities (issue 22): what a user sees and may open must be the same either way."""
from sqlalchemy import event, select

from cpms.auth.models import User
from cpms.auth.service import update_user
from cpms.auth.views import load_user
from cpms.core.permissions import scope_of
from cpms.extensions import db as _db
from tests.conftest import commune_id, province_id


def _fresh(user_id):
    """The user as another query loads it (relationships), and as the request's loader does (JSON rows)."""
    _db.session.expunge_all()
    related = _db.session.get(User, user_id)
    related_view = (related.area_label, related.area_zone, _scope(related))
    token = related.session_token
    _db.session.expunge_all()
    return related_view, load_user(token)


def _scope(user):
    scope = scope_of(user)
    return scope.full_province_ids, scope.commune_ids, scope.province_ids


def test_areas_loaded_with_the_user_give_the_same_scope_label_and_zone(app, make_user):
    # two whole provinces of different zones and two communes of a third province: names sorted, as the
    # relationships order them
    user = make_user("project_officer", provinces=["Kinshasa", "Haut-Katanga"], communes=["Muya", "Bipemba"])
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    related_view, loaded = _fresh(user.id)
    event.listen(_db.engine, "before_cursor_execute", listen)
    try:
        _db.session.expunge_all()
        loaded = load_user(loaded.session_token)
        view = (loaded.area_label, loaded.area_zone, _scope(loaded))
    finally:
        event.remove(_db.engine, "before_cursor_execute", listen)
    assert len(statements) == 1  # the user, their areas and the bell's count: one statement
    assert view == related_view
    assert loaded.area_label == "Haut-Katanga, Kinshasa, Bipemba, Muya"
    assert loaded.area_zone == "Africa/Kinshasa"  # areas in both zones: the country's default
    kasai_oriental = province_id("Kasaï-Oriental")
    assert _scope(loaded) == ({province_id("Haut-Katanga"), province_id("Kinshasa")},
                              {commune_id("Bipemba"), commune_id("Muya")},
                              {province_id("Haut-Katanga"), province_id("Kinshasa"), kasai_oriental})


def test_a_user_with_no_area_sees_the_whole_country(app, make_user):
    user = make_user("me_officer")
    related_view, loaded = _fresh(user.id)
    assert loaded.area == ((), ()) and (loaded.area_label, loaded.area_zone, _scope(loaded)) == related_view
    assert scope_of(loaded).is_national


def test_areas_changed_during_the_request_are_read_from_the_change(app, make_user):
    admin_id = make_user("admin").id
    user = make_user("trainer", provinces=["Haut-Katanga"])
    _related_view, loaded = _fresh(user.id)
    assert loaded.area_label == "Haut-Katanga" and loaded.area_zone == "Africa/Lubumbashi"
    actor = _db.session.get(User, admin_id)
    update_user(actor, loaded, name=loaded.name, email=loaded.email, role=loaded.role, locale=loaded.locale,
                is_active=True, province_ids=[province_id("Kinshasa")], commune_ids=[])
    _db.session.flush()
    assert loaded.area_label == "Kinshasa" and loaded.area_zone == "Africa/Kinshasa"
    assert _scope(loaded)[2] == {province_id("Kinshasa")}


def test_the_dashboard_names_the_users_areas(client, login_as):
    login_as("project_officer", ["Kinshasa", "Haut-Katanga"], communes=["Bipemba"])
    page = client.get("/").get_data(as_text=True)
    assert "Your area: Haut-Katanga, Kinshasa, Bipemba." in page


def test_the_relationships_stay_for_the_pages_that_edit_the_areas(app, make_user):
    user_id = make_user("project_officer", provinces=["Kinshasa"], communes=["Bipemba"]).id
    _db.session.expunge_all()
    loaded = load_user(_db.session.scalar(select(User.session_token).where(User.id == user_id)))
    # the relationships are still there for the pages that edit them (loaded when first read)
    assert [p.name for p in loaded.provinces] == ["Kinshasa"] and [c.name for c in loaded.communes] == ["Bipemba"]


def test_accented_names_keep_the_order_the_relationships_give(app, make_user):
    # "Équateur" sorts after "Kasaï" by code point (SQLite) and before it in a linguistic collation (PostgreSQL
    # may use one): the label follows the database either way, as the relationships do
    from cpms.geo.models import Province
    _db.session.add(Province(name="Équateur"))  # not among the test's places
    _db.session.commit()
    user = make_user("project_officer", provinces=["Kasaï", "Équateur", "Ituri"])
    related_view, loaded = _fresh(user.id)
    assert loaded.area_label == related_view[0]
    assert sorted(loaded.area_label.split(", ")) == ["Ituri", "Kasaï", "Équateur"]
