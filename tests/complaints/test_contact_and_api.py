"""The person's contact is stored encrypted; the API lists non-sensitive cases of the caller's area, no contact."""
import pytest
from sqlalchemy import select, text

from cpms.auth.service import create_api_token
from cpms.complaints import service
from cpms.complaints.crypto import ContactKeyError
from cpms.complaints.models import Complaint
from cpms.extensions import db as _db
from tests.conftest import commune_id, english

KEY = "V2JXEKxY7teqh-CpWQX9G767UBwHQBW0Jj9rHJdILuw="
OTHER_KEY = "DzBl9x9Y1yWDa-mAD1f43x-Th9CDgWPr3R6KALDKTPY="


def stored_contact(complaint_id):
    return _db.session.execute(text("SELECT contact FROM complaints WHERE id = :id"), {"id": complaint_id}).scalar()


def test_the_contact_is_encrypted_at_rest_and_read_back_in_clear(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "COMPLAINT_CONTACT_KEY", KEY)
    with english(app):
        complaint = service.submit_complaint(category="feedback", account="Merci", contact="+243 812 345 678")
        anonymous = service.submit_complaint(category="feedback", account="Merci")
    _db.session.commit()
    raw = stored_contact(complaint.id)
    assert raw.startswith("gAAAA") and "812" not in raw
    assert stored_contact(anonymous.id) == ""
    _db.session.expire_all()
    assert _db.session.get(Complaint, complaint.id).contact == "+243 812 345 678"

    # rotation: a new key first, the old one kept, old contacts still read
    monkeypatch.setitem(app.config, "COMPLAINT_CONTACT_KEY", f"{OTHER_KEY},{KEY}")
    _db.session.expire_all()
    assert _db.session.get(Complaint, complaint.id).contact == "+243 812 345 678"
    # without the key that encrypted it, it cannot be read (and says which setting to check)
    monkeypatch.setitem(app.config, "COMPLAINT_CONTACT_KEY", OTHER_KEY)
    _db.session.expire_all()
    with pytest.raises(ContactKeyError, match="CPMS_COMPLAINT_CONTACT_KEY"):
        _db.session.get(Complaint, complaint.id).contact  # noqa: B018 – loading it decrypts it


@pytest.fixture
def token_for(app, make_user):
    def make(role, provinces=()):
        user = make_user(role, provinces=provinces)
        with english(app):
            _token, raw = create_api_token(user)
        _db.session.commit()
        return {"Authorization": f"Bearer {raw}"}
    return make


def test_the_api_lists_the_area_s_non_sensitive_cases_without_contacts(app, client, token_for):
    with english(app):
        bipemba = service.submit_complaint(category="police_conduct", account="Racket au marché",
                                           commune_id=commune_id("Bipemba"), contact="+243 812 345 678",
                                           channel="telephone")
        service.submit_complaint(category="feedback", account="Merci", commune_id=commune_id("Kampemba"))
        service.submit_complaint(category="sea", account="SECRET-ACCOUNT", commune_id=commune_id("Bipemba"))
    _db.session.commit()

    body = client.get("/api/v1/complaints", headers=token_for("me_officer", ["Kasaï-Oriental"])).get_json()
    assert body["total"] == 1
    item = body["items"][0]
    assert item == {**item, "id": bipemba.id, "receipt_code": bipemba.receipt_code, "category": "police_conduct",
                    "channel": "telephone", "status": "received", "commune": "Bipemba", "account": "Racket au marché"}
    assert "contact" not in item and "+243" not in str(body)

    admin = token_for("admin")
    everything = client.get("/api/v1/complaints", headers=admin).get_json()
    assert everything["total"] == 2 and "SECRET-ACCOUNT" not in str(everything)
    assert client.get("/api/v1/complaints?category=sea", headers=admin).status_code == 400
    assert client.get("/api/v1/complaints?channel=telephone", headers=admin).get_json()["total"] == 1
    assert client.get("/api/v1/complaints", headers=token_for("viewer")).status_code == 403
    assert client.get("/api/v1/complaints", headers=token_for("trainer")).status_code == 403
    assert client.get("/api/v1/complaints").status_code == 401


def test_a_focal_point_gets_no_sensitive_case_from_the_api(app, client, make_user):
    user = make_user("me_officer")
    service.add_focal_point(user.id)
    with english(app):
        service.submit_complaint(category="fraud", account="SECRET-ACCOUNT")
        _token, raw = create_api_token(user)
    _db.session.commit()
    body = client.get("/api/v1/complaints", headers={"Authorization": f"Bearer {raw}"}).get_json()
    assert body["total"] == 0
    assert _db.session.scalar(select(Complaint.is_sensitive)) is True
