"""The demo data: certificates of the training of trainers (one superseded, one revoked), logos and signatories
for each programme, and a queued batch for every other completed cohort."""
from datetime import date

from sqlalchemy import func, select

from cpms.certificates import service
from cpms.certificates.models import Certificate, CertificateBatch, CertificateProfile, CertificateTemplate
from cpms.certificates.service import batches
from cpms.extensions import db as _db
from cpms.training.models import Cohort
from tests.helpers.pdf import pdf_text


def test_demo_certificates(app, demo, client):
    summary = demo
    assert summary["certificate batches queued"] >= 6
    statuses = dict(_db.session.execute(select(Certificate.status, func.count()).group_by(Certificate.status)).all())
    assert statuses["superseded"] == 1 and statuses["revoked"] == 1 and statuses["valid"] >= 20
    assert summary["certificates issued"] == sum(statuses.values())
    # historical certification dates: each certificate is certified on its cohort's end date, not today
    pairs = _db.session.execute(select(Certificate.certified_on, Cohort.end_date, Cohort.id)
                                .join(Cohort, Cohort.id == Certificate.cohort_id)).all()
    assert pairs and all(certified == end and end < date.today() for certified, end, _id in pairs)
    assert any(certified.year == 2016 for certified, _end, _id in pairs)
    # no certificate, nor batch, for a cohort that has not ended (the running cohort of today's programme)
    running = _db.session.scalars(select(Cohort.id).where(Cohort.end_date >= date.today())).all()
    assert not {cohort_id for _c, _e, cohort_id in pairs} & set(running)
    assert not _db.session.scalar(select(func.count()).select_from(CertificateBatch)
                                  .where(CertificateBatch.cohort_id.in_(running)))
    corrected = _db.session.scalar(select(Certificate).where(Certificate.version == 2))
    assert corrected.correction_note and corrected.status == "valid"
    assert _db.session.scalar(select(func.count()).select_from(CertificateTemplate)) == 1
    profiles = _db.session.scalars(select(CertificateProfile)).all()
    assert len(profiles) == 3 and all(p.programme_logo and p.donor_logo and p.signatories for p in profiles)
    # the corrected certificate is printed with the Lubumbashi programme's signatories and says what it replaces
    text = pdf_text(service.pdf_of(corrected))
    superseded = _db.session.get(Certificate, corrected.previous_id)
    assert corrected.serial in text and superseded.serial in text and "Didier Kalonji Banza" in text

    revoked = _db.session.scalar(select(Certificate).where(Certificate.status == "revoked"))
    page = client.get(f"/verify/{revoked.verification_code}").get_data(as_text=True)
    assert "Révoqué : ce certificat n'est plus valide" in page

    # the smallest queued batch runs as its job would run it
    batch = _db.session.scalar(select(CertificateBatch).join(Cohort).order_by(CertificateBatch.to_issue).limit(1))
    english = _db.session.scalar(select(Cohort).where(Cohort.certificate_language == "en"))
    assert english is not None
    batch_id = batch.id
    batches.run_batch(batch_id, workers=1)
    done = _db.session.get(CertificateBatch, batch_id)
    assert done.status == "done" and done.certificates_count == done.issued > 0
