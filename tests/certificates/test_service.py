"""Issuing, re-issuing and revoking certificates: the rules, the serials, the frozen PDF and its content."""
import hashlib
import io
import re
import threading
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from cpms.certificates import service
from cpms.certificates.models import Certificate, CertificateFile
from cpms.certificates.pdf import QR_SCALE, grouped_code, qr_png
from cpms.certificates.service import codes
from cpms.core.audit import AuditEntry
from cpms.core.errors import DomainError
from cpms.extensions import db as _db
from tests.certificates.fixtures import BASE_URL
from tests.conftest import english
from tests.helpers.pdf import pdf_text, qr_codes


def test_issue_prints_name_course_serial_and_code_and_freezes_the_pdf(app, completed_cohort):
    cohort, done, _rest = completed_cohort(n=1, names=["Ngalula"])
    certificate = service.issue_certificate(None, done[0], base_url=BASE_URL)
    _db.session.commit()

    assert re.fullmatch(r"CPMS-2016-\d{6}", certificate.serial)
    assert len(certificate.verification_code) == 32 and codes.normalise_code(certificate.verification_code)
    assert certificate.verification_url == f"{BASE_URL}/verify/{certificate.verification_code}"
    data = service.pdf_of(certificate)
    stored = _db.session.get(CertificateFile, certificate.id)
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.pages == 1
    text = pdf_text(data)
    assert "NGALULA Jean" in text
    assert "Police de proximité – formation de base" in text  # French by default
    assert certificate.serial in text
    assert grouped_code(certificate.verification_code) in text
    assert certificate.verification_url in text
    assert "29 mars 2016" in text and "600 heures" in text and "10000001" in text  # dates, hours, matricule


def test_the_qr_code_in_the_pdf_encodes_the_verification_url(completed_cohort):
    """Read back by a decoder (zxing-cpp) from the image the stored PDF embeds: the code a phone scans."""
    _cohort, done, _rest = completed_cohort(n=1)
    certificate = service.issue_certificate(None, done[0], base_url=BASE_URL)
    data = service.pdf_of(certificate)
    assert qr_codes(data) == [(certificate.verification_url, "M")]
    # QR_SCALE pixels per module (21, 25, 29… modules a side), no quiet zone: the CSS sizes it and adds the margin
    size = Image.open(io.BytesIO(qr_png(certificate.verification_url))).size
    assert size[0] == size[1] and size[0] % QR_SCALE == 0 and size[0] // QR_SCALE % 4 == 1
    assert [image.image.size for image in PdfReader(io.BytesIO(data)).pages[0].images].count(size) == 1


def test_the_qr_code_stays_sharp_when_a_template_forgets_image_rendering(app):
    """The QR code is embedded at one pixel per module: enlarged by a viewer that smooths images, it would blur.
    A template whose CSS says nothing about it still gets a QR code drawn without smoothing; the logos keep it."""
    from cpms.certificates import demo
    from cpms.certificates.pdf import Artwork, compile_template, document_html, png_data_uri, render_pdf
    from cpms.certificates.pdf.render import sample_context

    context = sample_context("fr", Artwork(programme_logo=png_data_uri(demo.programme_logo((20, 60, 120), "PD"))))
    template = compile_template('<img src="{{ qr_code }}" style="width: 30mm"><img src="{{ programme_logo }}" '
                                'style="width: 30mm">')
    with app.test_request_context():
        data, _pages = render_pdf(document_html(template, "", context))
    page = PdfReader(io.BytesIO(data)).pages[0]
    images = {name: xobject.get_object() for name, xobject in page["/Resources"]["/XObject"].items()}
    smoothing = sorted((int(image["/Width"]), image["/Interpolate"].value) for image in images.values()
                       if image.get("/Subtype") == "/Image")
    modules = Image.open(io.BytesIO(qr_png(context["verification_url"]))).width
    assert smoothing == [(modules, False), (360, True)]


def test_english_cohort_prints_in_english(completed_cohort):
    _cohort, done, _rest = completed_cohort(n=1, language="en")
    certificate = service.issue_certificate(None, done[0], base_url=BASE_URL)
    text = pdf_text(service.pdf_of(certificate))
    assert "Certificate of training" in text and "Community policing – basic course" in text
    assert "29 March 2016" in text and "600 hours" in text
    assert certificate.language == "en" and certificate.course_title == "Community policing – basic course"


def test_a_name_with_markup_is_printed_as_text_and_nothing_is_fetched(app, completed_cohort, monkeypatch):
    from cpms.core import pdf as core_pdf
    fetchers = []
    original = core_pdf.make_fetcher

    def spying_fetcher(static_folder=None):
        fetchers.append(original(static_folder))
        return fetchers[-1]

    monkeypatch.setattr(core_pdf, "make_fetcher", spying_fetcher)
    name = "<link rel=attachment href=file:///etc/passwd>"
    _cohort, done, _rest = completed_cohort(n=1, names=[name])
    certificate = service.issue_certificate(None, done[0], base_url=BASE_URL)
    data = service.pdf_of(certificate)
    text = pdf_text(data)
    # the last name is printed in capitals, as text (it may wrap)
    assert "<LINK REL=ATTACHMENT HREF=FILE:///ETC/PASSWD>" in text.replace("\n", "")
    assert "root:" not in text and b"/EmbeddedFile" not in data
    assert fetchers and all(fetcher.refused == [] for fetcher in fetchers)  # nothing was even requested


def test_the_fetcher_refuses_file_and_outside_urls_in_a_template(app, db):
    from cpms.certificates.service.design import preview_pdf
    from cpms.core.pdf import make_fetcher
    html = ('<p>{{ holder_name }}</p><img src="file:///etc/hostname"><img src="http://127.0.0.1:9/logo.png">'
            '<link rel="attachment" href="file:///etc/passwd"><img src="https://example.org/x.png">')
    fetcher = make_fetcher()
    data, _pages = preview_pdf(html, "", "fr", fetcher=fetcher)
    assert set(fetcher.refused) >= {"file:///etc/hostname", "http://127.0.0.1:9/logo.png", "file:///etc/passwd",
                                    "https://example.org/x.png"}
    assert "root:" not in pdf_text(data) and b"/EmbeddedFile" not in data


def test_refusals_say_which_condition_failed(app, completed_cohort, make_course):
    cohort, done, incomplete = completed_cohort(n=1, incomplete=1)
    with english(app):
        with pytest.raises(DomainError, match="not completed: attendance 0.0 % below the 80 % required"):
            service.issue_certificate(None, incomplete[0], base_url=BASE_URL)
        first = service.issue_certificate(None, done[0], base_url=BASE_URL)
        _db.session.commit()
        with pytest.raises(DomainError, match=f"certificate {first.serial} is already issued"):
            service.issue_certificate(None, done[0], base_url=BASE_URL)
        service.revoke_certificate(None, first, "Fraudulent attendance sheets")
        _db.session.commit()
        with pytest.raises(DomainError, match="was revoked; a revoked certificate is not issued again"):
            service.issue_certificate(None, done[0], base_url=BASE_URL)
        cohort.course.issues_certificate = False
        other_cohort, other_done, _ = completed_cohort(n=1, course=cohort.course)
        with pytest.raises(DomainError, match="does not issue certificates"):
            service.issue_certificate(None, other_done[0], base_url=BASE_URL)


def test_vetting_denied_after_enrolment_blocks_certification(app, make_trainee, make_cohort):
    from cpms.training import service as training
    cohort = make_cohort(requires_vetting=True)
    trainee = make_trainee()
    training.record_vetting(trainee, submitted_on=date(2016, 1, 5), status="approved", decided_on=date(2016, 2, 1))
    enrolment = training.enrol_trainees(cohort, [trainee.id])[0]
    training.record_vetting(trainee, submitted_on=date(2016, 4, 1), status="denied", decided_on=date(2016, 5, 1))
    _db.session.commit()
    with english(app), pytest.raises(DomainError, match="human-rights vetting not approved"):
        service.issue_certificate(None, enrolment, base_url=BASE_URL)


def test_serials_count_per_year_and_are_never_reused(completed_cohort):
    _cohort, done, _rest = completed_cohort(n=3)
    issued = [service.issue_certificate(None, e, base_url=BASE_URL) for e in done]
    numbers = [int(c.serial.rsplit("-", 1)[1]) for c in issued]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
    service.revoke_certificate(None, issued[0], "Issued by mistake")
    new = service.reissue_certificate(None, issued[1], "Post-name misspelt")
    assert int(new.serial.rsplit("-", 1)[1]) == numbers[2] + 1
    assert len({c.serial for c in _db.session.scalars(select(Certificate))}) == 4
    _other_cohort, other, _ = completed_cohort(n=1, start=date(2017, 1, 9), end=date(2017, 6, 30))
    assert service.issue_certificate(None, other[0], base_url=BASE_URL).serial == "CPMS-2017-000001"


def test_serials_drawn_at_the_same_time_never_collide(app, db):
    """Four threads, each with its own connection, draw 25 numbers one at a time."""
    drawn, errors = [], []

    def draw():
        try:
            with app.app_context():
                for _ in range(25):
                    drawn.extend(codes.reserve_serials(2016))
                    _db.session.commit()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(drawn) == list(range(1, 101))


def test_reissue_creates_a_new_version_and_supersedes_the_old(app, completed_cohort, make_user):
    officer = make_user("me_officer")
    _cohort, done, _rest = completed_cohort(n=1, names=["Kabngo"])
    old = service.issue_certificate(officer, done[0], base_url=BASE_URL)
    _db.session.commit()
    old_pdf = service.pdf_of(old)
    trainee = done[0].trainee
    trainee.last_name = "Kabongo"
    with english(app), pytest.raises(DomainError, match="Say what was corrected"):
        service.reissue_certificate(officer, old, "  ")
    new = service.reissue_certificate(officer, old, "Last name misspelt (Kabngo)")
    _db.session.commit()
    assert (old.status, new.status, new.version, new.previous_id) == ("superseded", "valid", 2, old.id)
    assert new.serial != old.serial and new.verification_code != old.verification_code
    assert "KABONGO" in pdf_text(service.pdf_of(new)) and old.serial in pdf_text(service.pdf_of(new))
    assert old.holder_name.startswith("KABNGO") and service.pdf_of(old) == old_pdf  # the old one is frozen
    entries = _db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "certificates")).all()
    assert any(e.action == "update" and e.entity_id == str(old.id) and e.changes["status"] == ["valid", "superseded"]
               for e in entries)
    assert any(e.action == "create" and e.entity_id == str(new.id) and e.changes["issued_by_id"] == officer.id
               and e.changes["correction_note"] == "Last name misspelt (Kabngo)" for e in entries)
    with english(app), pytest.raises(DomainError, match="Only a valid certificate can be re-issued"):
        service.reissue_certificate(officer, old, "again")


def test_revocation_needs_a_reason_and_is_audited(app, make_certificate, make_user):
    officer = make_user("me_officer")
    certificate = make_certificate()
    with english(app), pytest.raises(DomainError, match="Give the reason"):
        service.revoke_certificate(officer, certificate, "")
    service.revoke_certificate(officer, certificate, "Attendance sheets falsified")
    _db.session.commit()
    assert certificate.status == "revoked" and certificate.revoked_by_id == officer.id
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "certificates",
                                                        AuditEntry.action == "update"))
    assert entry.changes["status"] == ["valid", "revoked"] and entry.changes["revoked_by_id"] == [None, officer.id]
    assert entry.changes["revocation_reason"] == ["", "Attendance sheets falsified"]
    with english(app), pytest.raises(DomainError, match="Only a valid certificate can be revoked"):
        service.revoke_certificate(officer, certificate, "again")


def test_codes_are_typed_loosely(make_certificate):
    certificate = make_certificate()
    typed = grouped_code(certificate.verification_code).lower().replace("o", "0").replace("i", "1")
    assert service.find_by_code(typed).id == certificate.id
    assert service.find_by_code(" " + typed + " ").id == certificate.id
    assert service.find_by_code("not-a-code") is None
    assert service.find_by_code(codes.new_verification_code()) is None


def test_production_refuses_to_print_an_internal_address(app, completed_cohort, monkeypatch):
    _cohort, done, _rest = completed_cohort(n=1)
    monkeypatch.setitem(app.config, "CPMS_ENV", "production")
    monkeypatch.setitem(app.config, "BASE_URL", None)
    with english(app), pytest.raises(DomainError, match="Set CPMS_BASE_URL"):
        service.issue_certificate(None, done[0])
    monkeypatch.setitem(app.config, "BASE_URL", "https://certificats.example.org/")
    certificate = service.issue_certificate(None, done[0])
    assert certificate.verification_url.startswith("https://certificats.example.org/verify/")
