"""The public verification page, form and API: no login, each status, nothing beyond the certificate, a rate limit."""
from datetime import date

from cpms.certificates import service
from cpms.certificates.pdf import grouped_code
from cpms.certificates.service import codes
from cpms.extensions import db as _db
from cpms.training.models import Trainee


def _status(html):
    import re
    return re.search(r'id="verification-status">\s*(.*?)\s*</strong>', html, re.S).group(1)


def test_a_visitor_sees_each_status(client, make_certificate):
    valid = make_certificate()
    old = make_certificate()
    new = service.reissue_certificate(None, old, "Name corrected")
    revoked = make_certificate()
    service.revoke_certificate(None, revoked, "Falsified attendance")
    _db.session.commit()
    # visitors read French, the default language
    expected = {valid: "Certificat valide", new: "Certificat valide",
                old: "Remplacé : une version corrigée de ce certificat a été délivrée",
                revoked: "Révoqué : ce certificat n'est plus valide"}
    for certificate, status in expected.items():
        response = client.get(f"/verify/{certificate.verification_code}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert _status(html) == status, certificate
        assert certificate.serial in html and certificate.holder_name in html
    assert "Falsified attendance" not in client.get(f"/verify/{revoked.verification_code}").get_data(as_text=True)
    unknown = client.get(f"/verify/{codes.new_verification_code()}")
    assert unknown.status_code == 404 and _status(unknown.get_data(as_text=True)) == "Introuvable"
    assert client.get("/verify/nonsense").status_code == 404


def test_the_page_shows_only_what_the_certificate_shows(client, make_certificate, make_trainee):
    certificate = make_certificate()
    trainee = _db.session.get(Trainee, certificate.trainee_id)
    trainee.birth_date, trainee.phone, trainee.unit = date(1984, 7, 14), "+243 81 555 0199", "Unité spéciale 7"
    _db.session.commit()
    html = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    for shown in (certificate.holder_name, certificate.serial, "Police de proximité – formation de base", "2016"):
        assert shown in html
    for hidden in (certificate.matricule, "1984", "+243", "Unité spéciale", "Agent de police", "Programme 1",
                   "Bipemba", "/certificates/"):
        assert hidden not in html, hidden
    assert 'action="/logout"' not in html  # nobody is logged in
    response = client.get(f"/verify/{certificate.verification_code}")
    assert response.headers["Cache-Control"] == "no-store"


def test_the_form_takes_a_typed_code(client, make_certificate):
    certificate = make_certificate()
    typed = grouped_code(certificate.verification_code).lower()
    response = client.get("/verify", query_string={"code": typed})
    assert response.status_code == 302
    followed = client.get(response.headers["Location"])
    assert followed.status_code == 200 and certificate.serial in followed.get_data(as_text=True)
    empty = client.get("/verify", query_string={"code": ""}).get_data(as_text=True)
    assert "Saisissez le code imprimé sur le certificat." in empty
    assert client.get("/verify").status_code == 200


def test_the_api_answers_json_without_a_token(client, make_certificate):
    certificate = make_certificate()
    service.revoke_certificate(None, certificate, "Fraud")
    _db.session.commit()
    body = client.get(f"/api/v1/certificates/verify/{certificate.verification_code}").get_json()
    assert body["status"] == "revoked" and body["serial"] == certificate.serial
    assert set(body) == {"status", "serial", "holder_name", "course_title", "start_date", "end_date", "issued_on",
                         "certified_on", "under_review", "revoked_on", "superseded_on"}
    assert "Fraud" not in str(body) and certificate.matricule not in str(body)
    missing = client.get(f"/api/v1/certificates/verify/{codes.new_verification_code()}")
    assert missing.status_code == 404 and missing.get_json() == {"status": "not_found"}


def test_verification_is_rate_limited(app, client, make_certificate, monkeypatch):
    certificate = make_certificate()
    monkeypatch.setitem(app.config, "CERTIFICATE_VERIFY_RATE_LIMIT", "3 per minute")
    urls = [f"/verify/{certificate.verification_code}", "/verify?code=abc",
            f"/api/v1/certificates/verify/{certificate.verification_code}"]
    assert [client.get(url).status_code for url in urls] == [200, 302, 200]
    blocked = client.get(f"/verify/{certificate.verification_code}")
    assert blocked.status_code == 429
    assert client.get(f"/api/v1/certificates/verify/{certificate.verification_code}").status_code == 429
    other_address = client.get(f"/verify/{certificate.verification_code}", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other_address.status_code == 200
