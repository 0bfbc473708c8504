"""Certificate pages: issuing, downloads, re-issue and revocation through the web; area and role limits."""
import io

from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from cpms.certificates import service
from cpms.certificates.models import Certificate, CertificateBatch, CertificateTemplate
from cpms.certificates.service import batches
from cpms.core.audit import AuditEntry
from cpms.extensions import db as _db
from tests.certificates.fixtures import BASE_URL
from tests.helpers.images import png_bomb
from tests.helpers.pdf import pdf_text


def _png(colour=(30, 90, 160), size=(120, 60)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_me_officer_issues_one_certificate_and_downloads_the_same_bytes_twice(client, web, login_as, completed_cohort):
    officer = login_as("me_officer")
    cohort, done, incomplete = completed_cohort(n=1, incomplete=1)
    page = client.get(f"/certificates/cohorts/{cohort.id}").get_data(as_text=True)
    assert "1 of 2 trainees completed the course; 0 hold a valid certificate." in page
    response = web.post(f"/certificates/enrolments/{done[0].id}/issue", page=f"/certificates/cohorts/{cohort.id}")
    assert response.status_code == 302
    certificate = _db.session.scalar(select(Certificate))
    assert response.headers["Location"].endswith(f"/certificates/{certificate.id}")
    assert certificate.issued_by_id == officer.id
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "certificates"))
    assert entry.action == "create" and entry.actor_id == officer.id
    first = client.get(f"/certificates/{certificate.id}/certificate.pdf")
    second = client.get(f"/certificates/{certificate.id}/certificate.pdf")
    assert first.mimetype == "application/pdf" and first.data == second.data == service.pdf_of(certificate)
    downloads = _db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export",
                                                             AuditEntry.entity == "certificates")).all()
    assert len(downloads) == 2 and downloads[0].actor_id == officer.id
    assert certificate.serial in pdf_text(first.data)

    refused = web.post(f"/certificates/enrolments/{incomplete[0].id}/issue", page=f"/certificates/cohorts/{cohort.id}",
                       follow_redirects=True).get_data(as_text=True)
    assert "not completed: attendance 0.0 % below the 80 % required" in refused
    assert _db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_reissue_and_revoke_through_the_web(client, web, login_as, make_certificate):
    login_as("admin")
    certificate = make_certificate()
    url = f"/certificates/{certificate.id}"
    response = web.post(f"{url}/reissue", {"note": "Post-name added"}, page=url)
    new = _db.session.scalar(select(Certificate).where(Certificate.version == 2))
    assert response.headers["Location"].endswith(f"/certificates/{new.id}")
    page = client.get(f"/certificates/{new.id}").get_data(as_text=True)
    assert certificate.serial in page and new.serial in page and "Post-name added" in page
    missing = web.post(f"/certificates/{new.id}/revoke", {"reason": ""}, page=f"/certificates/{new.id}",
                       follow_redirects=True).get_data(as_text=True)
    assert "Give the reason for the revocation." in missing
    web.post(f"/certificates/{new.id}/revoke", {"reason": "Training not attended"}, page=f"/certificates/{new.id}")
    _db.session.expire_all()
    assert _db.session.get(Certificate, new.id).status == "revoked"
    assert _db.session.get(Certificate, certificate.id).status == "superseded"


def test_project_officers_issue_but_do_not_revoke(client, web, login_as, make_certificate):
    certificate = make_certificate()
    login_as("project_officer", "Kasaï-Oriental")
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert "Issue a new version" in page and "Revoke the certificate" not in page
    assert web.post(f"/certificates/{certificate.id}/revoke", {"reason": "x"}, page="/account").status_code == 403


def test_area_and_trainer_limits(client, web, login_as, make_certificate, make_user, completed_cohort):
    kasai = make_certificate()
    katanga = make_certificate(commune="Kampemba", provinces=("Haut-Katanga",))
    login_as("project_officer", "Haut-Katanga")
    listing = client.get("/certificates/").get_data(as_text=True)
    assert katanga.serial in listing and kasai.serial not in listing
    assert client.get(f"/certificates/{kasai.id}").status_code == 404
    assert client.get(f"/certificates/{kasai.id}/certificate.pdf").status_code == 404
    api = client.get("/api/v1/certificates")  # the API ignores the session: it needs a token
    assert api.status_code == 401

    client.post("/logout", data={"csrf_token": web.token("/account")})
    trainer = login_as("trainer", "Kasaï-Oriental")
    taught, done, _ = completed_cohort(n=1, trainers=[trainer])
    own = service.issue_certificate(None, done[0], base_url=BASE_URL)
    _db.session.commit()
    listing = client.get("/certificates/").get_data(as_text=True)
    assert own.serial in listing and kasai.serial not in listing
    assert client.get(f"/certificates/{own.id}/certificate.pdf").status_code == 200
    assert client.get(f"/certificates/{kasai.id}").status_code == 404
    assert "Issue the certificates of the whole cohort" not in client.get(
        f"/certificates/cohorts/{taught.id}").get_data(as_text=True)


def test_api_lists_certificates_of_the_callers_area(app, client, make_user, make_certificate):
    from cpms.auth.service import create_api_token
    from tests.conftest import english
    kasai = make_certificate()
    katanga = make_certificate(commune="Kampemba", provinces=("Haut-Katanga",))
    user = make_user("me_officer", provinces=["Haut-Katanga"])
    with english(app):
        _t, token = create_api_token(user)
    _db.session.commit()
    body = client.get("/api/v1/certificates", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [item["serial"] for item in body["items"]] == [katanga.serial] and body["total"] == 1
    assert body["items"][0]["verification_url"] == katanga.verification_url
    assert kasai.serial not in str(body)


def test_the_list_finds_a_certificate_by_serial_name_or_matricule(client, login_as, completed_cohort):
    login_as("me_officer")
    _cohort, done, _ = completed_cohort(n=2, names=["Ngalula", "Tshimanga"])
    first, second = (service.issue_certificate(None, e, base_url=BASE_URL) for e in done)
    _db.session.commit()
    for term in (first.serial, "ngalula", "1.000-0001"):
        listing = client.get("/certificates/", query_string={"q": term}).get_data(as_text=True)
        assert first.serial in listing and second.serial not in listing, term


def test_certificate_list_runs_a_fixed_number_of_queries(client, login_as, completed_cohort, count_queries):
    login_as("admin")
    cohort, done, _ = completed_cohort(n=6)
    for enrolment in done[:2]:
        service.issue_certificate(None, enrolment, base_url=BASE_URL)
    _db.session.commit()
    client.get("/certificates/")
    with count_queries() as few:
        client.get("/certificates/")
    for enrolment in done[2:]:
        service.issue_certificate(None, enrolment, base_url=BASE_URL)
    _db.session.commit()
    with count_queries() as more:
        assert client.get("/certificates/").get_data(as_text=True).count("CPMS-2016-") == 6
    assert len(more) == len(few) <= 12
    with count_queries() as cohort_page:
        client.get(f"/certificates/cohorts/{cohort.id}")
    assert len(cohort_page) <= 20


def test_trainee_page_and_close_out_show_certificates(client, login_as, make_certificate):
    login_as("project_officer", "Kasaï-Oriental")
    certificate = make_certificate()
    trainee_page = client.get(f"/training/trainees/{certificate.trainee_id}").get_data(as_text=True)
    assert 'id="trainee-certificates"' in trainee_page and certificate.serial in trainee_page
    closeout = client.get(f"/training/cohorts/{certificate.cohort_id}/close-out").get_data(as_text=True)
    assert certificate.serial in closeout and f"/certificates/cohorts/{certificate.cohort_id}" in closeout


def test_cohort_language_and_batch_pages(client, web, login_as, completed_cohort):
    login_as("me_officer")
    cohort, done, _ = completed_cohort(n=2)
    url = f"/certificates/cohorts/{cohort.id}"
    web.post(f"{url}/language", {"language": "en"}, page=url)
    _db.session.expire_all()
    response = web.post(f"{url}/batches", page=url)
    batch = _db.session.scalar(select(CertificateBatch))
    assert response.headers["Location"].endswith(f"/certificates/batches/{batch.id}")
    page = client.get(f"/certificates/batches/{batch.id}").get_data(as_text=True)
    assert "js/certificates.js" in page and 'http-equiv="refresh"' in page
    assert client.get(f"/certificates/batches/{batch.id}/status").get_json()["status"] == "pending"
    assert client.get(f"/certificates/batches/{batch.id}/certificates.zip").status_code == 404  # not ready yet
    batches.run_pending_batches(workers=1)
    status = client.get(f"/certificates/batches/{batch.id}/status").get_json()
    assert (status["status"], status["percent"], status["issued"]) == ("done", 100, 2)
    page = client.get(f"/certificates/batches/{batch.id}").get_data(as_text=True)
    assert "2 certificates are ready." in page and "js/certificates.js" not in page
    combined = client.get(f"/certificates/batches/{batch.id}/certificates.pdf")
    assert combined.headers["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(combined.data))
    assert len(reader.pages) == 2 and "Certificate of training" in reader.pages[0].extract_text()
    archive = client.get(f"/certificates/batches/{batch.id}/certificates.zip")
    assert archive.mimetype == "application/zip" and archive.data[:2] == b"PK"


def _page_look(data):
    """What a reader sees on a one-page PDF: its size, its text, its images (decoded pixels), its fonts' names."""
    reader = PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    fonts = sorted(str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
                   for font in page["/Resources"]["/Font"].values())
    return ([float(v) for v in page.mediabox], page.extract_text(), sorted((image.image.size, image.image.mode, image.image.tobytes()) for image in page.images), fonts)


def test_a_batch_certificate_downloads_as_stored_and_looks_as_one_issued_alone(client, web, login_as, completed_cohort):
    """A batch renders its chunk as one PDF and splits it (issue 22). Byte-identical means: the stored file is the
    frozen certificate – every download, and the batch's ZIP, give exactly its bytes (the SHA-256 recorded at
    issue). Against a certificate rendered alone from the same filled-in page the bytes differ (font subsets are
    cut per PDF), so what must be equal is what a reader sees: page size, text, images and fonts."""
    import hashlib
    import zipfile

    from cpms.certificates.models import CertificateFile
    from cpms.certificates.pdf import (
        artwork_of,
        certificate_context,
        cohort_context,
        compile_template,
        document_html,
        printed_fields,
        render_pdf,
    )
    from cpms.core.pdf import make_fetcher
    from cpms.training.models import Trainee
    login_as("me_officer")
    cohort, done, _ = completed_cohort(n=3, names=["Kabongo", "Ngalula", "Tshimanga"])
    url = f"/certificates/cohorts/{cohort.id}"
    web.post(f"{url}/batches", page=url)
    batches.run_pending_batches(workers=1)
    batch = _db.session.scalar(select(CertificateBatch))
    assert batch.status == "done", batch.error
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/certificates/batches/{batch.id}/certificates.zip").data))
    certificates = _db.session.scalars(select(Certificate).order_by(Certificate.holder_name)).all()
    assert len(certificates) == 3
    template = service.current_template()
    for certificate in certificates:
        first = client.get(f"/certificates/{certificate.id}/certificate.pdf").data
        second = client.get(f"/certificates/{certificate.id}/certificate.pdf").data
        stored = _db.session.get(CertificateFile, certificate.id)
        assert first == second and hashlib.sha256(first).hexdigest() == stored.sha256 and len(first) == stored.size
        member, = [name for name in archive.namelist() if name.startswith(certificate.serial)]
        assert archive.read(member) == first
        # the same page rendered alone, as a certificate issued by hand is
        trainee = _db.session.get(Trainee, certificate.trainee_id)
        context = certificate_context(printed_fields(trainee, cohort, certificate.language),
                                      cohort_context(cohort, certificate.language,
                                                     artwork_of(service.profile_for(cohort.programme_id))),
                                      serial=certificate.serial, code=certificate.verification_code,
                                      url=certificate.verification_url, issued_on=certificate.issued_at.date())
        alone, pages = render_pdf(document_html(compile_template(template.html), template.css, context),
                                  make_fetcher())
        assert pages == stored.pages == 1
        assert _page_look(first) == _page_look(alone)
        assert certificate.holder_name in pdf_text(first) and certificate.serial in pdf_text(first)
        # its own page only: no other officer's name in the file
        others = [c.holder_name for c in certificates if c.id != certificate.id]
        assert not any(name.encode() in first for name in others) and not any(n in pdf_text(first) for n in others)


def test_admin_saves_a_template_version_which_changes_only_new_certificates(client, web, login_as, completed_cohort):
    login_as("admin")
    cohort, done, _ = completed_cohort(n=2)
    first = service.issue_certificate(None, done[0], base_url=BASE_URL)
    _db.session.commit()
    before = service.pdf_of(first)
    page = client.get("/certificates/template").get_data(as_text=True)
    assert "holder_name" in page and "Current version: 1" in page
    current = _db.session.scalar(select(CertificateTemplate))
    html = current.html.replace("{{ t.title }}", "Attestation de participation – {{ t.title }}")
    data = {"html": html, "css": current.css, "note": "New heading", "language": "fr", "programme_id": "0"}
    preview = web.post("/certificates/template/preview", data, page="/certificates/template")
    assert preview.mimetype == "application/pdf" and "Attestation de participation" in pdf_text(preview.data)
    assert _db.session.scalar(select(func.count()).select_from(CertificateTemplate)) == 1  # a preview saves nothing
    saved = web.post("/certificates/template", data)
    assert saved.status_code == 302
    second = service.issue_certificate(None, done[1], base_url=BASE_URL)
    _db.session.commit()
    assert "Attestation de participation" in pdf_text(service.pdf_of(second))
    assert service.pdf_of(first) == before and "Attestation de participation" not in pdf_text(before)
    assert second.template_id != first.template_id
    versions = client.get("/certificates/template").get_data(as_text=True)
    assert "Current version: 2" in versions and "New heading" in versions


def test_the_template_sandbox_refuses_unsafe_or_broken_templates(client, web, login_as):
    login_as("admin")
    cases = {
        "{{ ''.__class__.__mro__[1].__subclasses__() }}": "The template could not be filled in",
        "{{ holder_name.__class__ }}": "The template could not be filled in",
        "{% for x in %}": "The template has an error on line 1",
        "{{ unknown_placeholder }}": "&#39;unknown_placeholder&#39; is undefined",
        "{% for n in range(60) %}<p>{{ holder_name }}</p>{% endfor %}": "it must fit on one A4 landscape page",
    }
    for html, message in cases.items():
        response = web.post("/certificates/template", {"html": html, "css": "", "note": "", "language": "fr",
                                                       "programme_id": "0"})
        assert response.status_code == 422, html
        assert message in response.get_data(as_text=True), html
    assert _db.session.scalar(select(func.count()).select_from(CertificateTemplate)) == 1


def test_logos_and_signatories_appear_on_new_certificates(client, web, login_as, completed_cohort):
    login_as("admin")
    cohort, done, _ = completed_cohort(n=1)
    url = f"/certificates/programmes/{cohort.programme_id}"
    data = {"programme_logo": (io.BytesIO(_png()), "logo.png"), "donor_logo": (io.BytesIO(_png((200, 30, 30))), "d.png"),
            "signatories-0-name": "Mireille Kabeya", "signatories-0-title": "Cheffe de mission",
            "signatories-0-signature": (io.BytesIO(_png((0, 0, 0), (200, 50))), "sig.png"),
            "signatories-1-name": "Alphonse Mutombo", "signatories-1-title": "Commissaire provincial",
            "signatories-2-name": "", "signatories-2-title": ""}
    response = web.post(url, data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get(url).get_data(as_text=True)
    assert page.count('class="certificate-image"') == 3 and 'value="Mireille Kabeya"' in page
    certificate = service.issue_certificate(None, done[0], base_url=BASE_URL)
    pdf = service.pdf_of(certificate)
    text = pdf_text(pdf)
    assert "Mireille Kabeya" in text and "Commissaire provincial" in text
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 4  # two logos, a signature, the QR code

    bomb = web.post(url, {"signatories-0-name": "Mireille Kabeya",
                          "signatories-0-signature": (io.BytesIO(png_bomb()), "scan.png")},
                    content_type="multipart/form-data")  # issue 21, finding 7: 190 KB, 7000 × 7000 pixels
    assert bomb.status_code == 422
    assert "scan.png is too large to process (7000 × 7000 pixels)" in bomb.get_data(as_text=True)
    assert 'value="Alphonse Mutombo"' in client.get(url).get_data(as_text=True)  # nothing changed
    bad = web.post(url, {"donor_logo": (io.BytesIO(b"%PDF-1.4 not an image"), "logo.png")},
                   content_type="multipart/form-data")
    assert bad.status_code == 422 and "The file is not a readable PNG or JPEG image." in bad.get_data(as_text=True)
    nameless = web.post(url, {"signatories-0-title": "Cheffe de mission"}, content_type="multipart/form-data")
    assert nameless.status_code == 422 and "Signatory 1: enter the name" in nameless.get_data(as_text=True)
