"""Every change to a domain record is in the audit log, with personal fields masked."""
from sqlalchemy import select

from cpms.core.audit import AuditEntry
from cpms.extensions import db as _db
from cpms.programmes.models import Programme


def entries(entity, action=None):
    stmt = select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return _db.session.scalars(stmt).all()


def test_create_update_delete_are_recorded_with_old_and_new_values(web, login_as, make_programme):
    admin = login_as("admin")
    programme = make_programme(code="AUD-1", name="Before")
    response = web.post(f"/programmes/{programme.id}/edit", {
        "code": "AUD-1", "name": "After", "donors": "INL", "start_date": "2016-01-01", "end_date": "2019-12-31",
        "provinces": [str(p.id) for p in programme.provinces]}, page=f"/programmes/{programme.id}/edit")
    assert response.status_code == 302
    created, updated = entries("programmes")
    assert created.action == "create" and created.changes["name"] == "Before"
    assert updated.action == "update" and updated.actor_id == admin.id
    assert updated.changes["name"] == ["Before", "After"]
    assert updated.changes["donors"] == ["Donor", "INL"]
    assert updated.at.tzinfo is not None

    _db.session.delete(_db.session.get(Programme, programme.id))
    _db.session.commit()
    assert entries("programmes", "delete")[0].entity_id == str(programme.id)


def test_personal_fields_are_masked(make_user):
    user = make_user("trainer", name="Mbuyi Kabasele")
    created = entries("users", "create")[0]
    assert created.entity_id == str(user.id)
    assert created.changes["name"] == "***" and created.changes["email"] == "***"
    assert "password_hash" not in created.changes
    assert created.changes["role"] == "trainer"
    assert "Mbuyi" not in str(created.changes)


def test_a_rolled_back_change_leaves_no_audit_entry(db, make_programme):
    programme = make_programme(code="RB-1")
    programme.name = "Never saved"
    _db.session.flush()
    _db.session.rollback()
    assert [e.action for e in entries("programmes")] == ["create"]


def test_audit_page_filters_and_offers_no_edit(web, client, login_as, make_programme):
    login_as("admin")
    make_programme(code="F-1")
    html = client.get("/audit?entity=programmes&action=create").get_data(as_text=True)
    assert "programmes #" in html and "F-1" in html
    html = client.get("/audit?action=delete").get_data(as_text=True)
    assert "No entry matches" in html
    assert client.post("/audit").status_code == 405  # nothing in the app edits the log
