"""Generated certificates: the default template, artwork for every programme, and a certificate for each passed,
not withdrawn enrolment of the finished cohorts (about 75,000 at national scale), with the serial counters.

Rendering tens of thousands of PDFs would take hours, so each generated certificate stores the same one-page
placeholder PDF (it says that it is benchmark data); the certificates the app issues later are rendered for
real. The 450-officer CERTIFICATE_COHORT of the training generator is left without certificates: the benchmark
issues them as one batch. Codes come from the seeded generator, so the same seed gives the same codes.
"""
import base64
import hashlib
from datetime import timedelta

from sqlalchemy import select

from bench.generate import generator
from cpms.certificates.models import (
    Certificate,
    CertificateFile,
    CertificateProfile,
    CertificateTemplate,
    SerialCounter,
    Signatory,
)
from cpms.certificates.pdf import DEFAULT_CSS, DEFAULT_HTML

BASE_URL = "https://cpms.example.org"  # invented: the address printed in the generated certificates' QR codes
REVOKED_SHARE = 0.005


def placeholder_pdf(text="CPMS benchmark data: generated certificate, no rendered PDF"):
    """A valid one-page PDF (A4 landscape) with one line of text, built by hand (offsets counted)."""
    stream = f"BT /F1 14 Tf 60 500 Td ({text}) Tj ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@generator
def generate_certificates(gen):
    from cpms.certificates import demo
    from cpms.certificates.service.codes import format_serial

    rng = gen.random("certificates")
    stamps = (gen.now, gen.now)
    # the migrations add the default template (version 1); a database made with create_all() has none yet
    template_id = gen.connection.execute(select(CertificateTemplate.id).order_by(CertificateTemplate.version.desc())
                                         .limit(1)).scalar()
    if template_id is None:
        template_id = gen.ids(CertificateTemplate, 1)[0]
        gen.insert(CertificateTemplate, ["id", "version", "html", "css", "note", "created_at"],
                   [(template_id, 1, DEFAULT_HTML, DEFAULT_CSS, "Default template", gen.now)])

    # the three demo designs (logos and signatures drawn once), shared out among the programmes
    designs = [(demo.programme_logo(colour, initials), demo.donor_logo(colour, donor),
                [(name, title, demo.signature(n)) for n, (name, title) in enumerate(people)])
               for colour, initials, donor, people in demo.PROFILES.values()]
    programme_ids = sorted(set(gen.shared["programmes"].values()) | {gen.shared["national_programme"]})
    profile_ids = gen.ids(CertificateProfile, len(programme_ids))
    profiles, signatories = [], []
    for n, (profile_id, programme_id) in enumerate(zip(profile_ids, programme_ids)):
        logo, donor, people = designs[n % len(designs)]
        profiles.append((profile_id, programme_id, logo, donor, *stamps))
        for position, (name, title, signature) in enumerate(people, start=1):
            signatories.append((profile_id, position, name, title, signature, *stamps))
    gen.insert(CertificateProfile, ["id", "programme_id", "programme_logo", "donor_logo", "created_at", "updated_at"],
               profiles)
    gen.insert(Signatory, ["id", "profile_id", "position", "name", "title", "signature", "created_at", "updated_at"],
               [(signatory_id, *row) for signatory_id, row in zip(gen.ids(Signatory, len(signatories)), signatories)])

    pdf = placeholder_pdf()
    digest = hashlib.sha256(pdf).hexdigest()
    cohorts, courses, names = gen.shared["cohort_details"], gen.shared["courses"], gen.shared["trainee_names"]
    certifiable = sorted(gen.shared["certifiable"], key=lambda row: (cohorts[row[0]]["days"][-1], row[1]))
    counters, rows, files = {}, [], []
    for certificate_id, (cohort_id, enrolment_id, trainee_id) in zip(gen.ids(Certificate, len(certifiable)),
                                                                     certifiable):
        cohort = cohorts[cohort_id]
        spec = courses[cohort["course_id"]]
        end = cohort["days"][-1]
        counters[end.year] = number = counters.get(end.year, 0) + 1
        code = base64.b32encode(rng.getrandbits(160).to_bytes(20, "big")).decode("ascii")
        issued_at = min(gen.now, gen.now.replace(year=end.year, month=end.month, day=end.day)
                        + timedelta(days=rng.randint(3, 30)))
        revoked = rng.random() < REVOKED_SHARE
        matricule, holder = names[trainee_id]
        rows.append((certificate_id, format_serial(end.year, number), code, f"{BASE_URL}/verify/{code}", enrolment_id,
                     trainee_id, cohort_id, cohort["province_id"], cohort["commune_id"], 1, template_id,
                     "revoked" if revoked else "valid", "fr", holder, matricule, spec[1], cohort["start"], end,
                     spec[5], issued_at, "", issued_at + timedelta(days=60) if revoked else None,
                     "Pièces justificatives falsifiées (contrôle d'inspection)" if revoked else "", end, "", ""))
        files.append((certificate_id, digest, len(pdf), 1, pdf))
    gen.insert(Certificate, ["id", "serial", "verification_code", "verification_url", "enrolment_id", "trainee_id",
                             "cohort_id", "province_id", "commune_id", "version", "template_id", "status", "language",
                             "holder_name", "matricule", "course_title", "start_date", "end_date", "hours",
                             "issued_at", "correction_note", "revoked_at", "revocation_reason", "certified_on",
                             "review_reason", "review_note"], rows)
    gen.insert(CertificateFile, ["certificate_id", "sha256", "size", "pages", "data"], files)
    gen.insert(SerialCounter, ["year", "last_number"], sorted(counters.items()))
    return {"certificates": len(rows)}
