"""What administrators design: template versions (with a preview) and each programme's logos and signatories.

A saved template is a new version: certificates already issued keep their frozen PDF, and only certificates
issued from then on use it. A template is refused when it does not parse, uses something the sandbox forbids
or an unknown placeholder, or does not fit on one A4 landscape page with the sample (a long name).
"""
from flask_babel import gettext as _
from sqlalchemy import func, select

from cpms.certificates.models import MAX_SIGNATORIES, Certificate, CertificateProfile, CertificateTemplate, Signatory
from cpms.certificates.pdf import Artwork, artwork_of, compile_template, document_html, render_pdf, sample_context
from cpms.certificates.pdf.sandbox import render_isolated
from cpms.certificates.service.certificates import current_template, profile_for
from cpms.certificates.service.images import prepare_image
from cpms.core.audit import record_event
from cpms.core.errors import DomainError
from cpms.extensions import db

SAMPLE_SIGNATORIES = [
    {"name": "Mireille Kabeya Ntumba", "title": "Cheffe de mission / Chief of mission", "signature": None},
    {"name": "Commissaire Alphonse Mutombo Banza", "title": "Commissaire provincial / Provincial commissioner",
     "signature": None},
]


def preview_artwork(programme_id=None):
    profile = profile_for(programme_id) if programme_id else None
    artwork = artwork_of(profile)
    if not artwork.signatories:
        artwork = Artwork(artwork.programme_logo, artwork.donor_logo, list(SAMPLE_SIGNATORIES))
    return artwork


def preview_pdf(html, css, lang="fr", programme_id=None, fetcher=None):
    """(PDF bytes, pages) of the template filled in with invented sample values."""
    context = sample_context(lang, preview_artwork(programme_id))
    page = render_isolated(_filled_in, html, css or "", context)  # bounded in time and memory
    return render_pdf(page, fetcher)


def _filled_in(html, css, context):
    return document_html(compile_template(html), css, context)


def save_template(actor, html, css="", note=""):
    """Check the template in both languages, then store it as the next version."""
    html, css = (html or "").strip(), (css or "").strip()
    if not html:
        raise DomainError(_("The template cannot be empty."), field="html")
    for lang in ("fr", "en"):
        _data, pages = preview_pdf(html, css, lang)
        if pages != 1:
            raise DomainError(_("With the sample values the certificate takes %(n)d pages: it must fit on one A4 "
                                "landscape page. Reduce the font sizes or margins.", n=pages), field="css")
    version = (db.session.scalar(select(func.max(CertificateTemplate.version))) or 0) + 1
    template = CertificateTemplate(version=version, html=html, css=css, note=(note or "").strip()[:300],
                                   created_by_id=getattr(actor, "id", None))
    db.session.add(template)
    db.session.flush()
    return template


def template_versions():
    """[(template, number of certificates printed with it)], newest first, in two queries."""
    current_template()
    templates = db.session.scalars(select(CertificateTemplate).order_by(CertificateTemplate.version.desc())).all()
    used = dict(db.session.execute(select(Certificate.template_id, func.count()).group_by(Certificate.template_id)).all())
    return [(template, used.get(template.id, 0)) for template in templates]


def save_profile(programme, *, programme_logo=None, remove_programme_logo=False, donor_logo=None,
                 remove_donor_logo=False, signatories=()):
    """Logos and up to three signatories of a programme's certificates.

    `signatories`: [{"name", "title", "signature" (upload or None), "remove_signature"}] in print order; rows
    without a name are dropped. Errors: an image that is not PNG/JPEG or too large, a title without a name.
    """
    profile = profile_for(programme.id) or CertificateProfile(programme_id=programme.id)
    db.session.add(profile)
    changed = []
    for name, upload, remove in (("programme_logo", programme_logo, remove_programme_logo),
                                 ("donor_logo", donor_logo, remove_donor_logo)):
        data = prepare_image(upload, name)
        if data is not None or remove:
            setattr(profile, name, data)
            changed.append(name)
    rows = list(signatories)[:MAX_SIGNATORIES]
    kept = []
    for position, row in enumerate(rows, start=1):
        name, title = (row.get("name") or "").strip(), (row.get("title") or "").strip()
        if not name:
            if title or getattr(row.get("signature"), "filename", ""):
                raise DomainError(_("Signatory %(n)d: enter the name, or clear the line.", n=position),
                                  field=f"signatories-{position - 1}-name")
            continue
        signature = prepare_image(row.get("signature"), f"signatories-{position - 1}-signature")
        kept.append((position, name, title, signature, bool(row.get("remove_signature"))))
    old_signatures = {s.position: s.signature for s in profile.signatories}
    profile.signatories = []
    db.session.flush()  # the old rows go before the new ones take their positions
    for printed_position, (form_position, name, title, signature, remove) in enumerate(kept, start=1):
        if signature is not None or remove:
            changed.append(f"signature {printed_position}")
        else:
            signature = old_signatures.get(form_position)
        profile.signatories.append(Signatory(position=printed_position, name=name, title=title, signature=signature))
    db.session.flush()
    if changed:
        record_event("update", entity="certificate_profiles", entity_id=profile.id,
                     detail="images changed: " + ", ".join(changed))
    return profile
