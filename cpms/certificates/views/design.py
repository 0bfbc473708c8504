"""Admin pages: the certificate template (new versions, preview) and each programme's logos and signatories."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from cpms.certificates.forms import ProfileForm, TemplateForm
from cpms.certificates.models import CertificateProfile
from cpms.certificates.pdf import PLACEHOLDERS, png_data_uri
from cpms.certificates.service import current_template, design, profile_for
from cpms.certificates.views.blueprint import bp
from cpms.core.errors import DomainError
from cpms.core.exports import aggregate_export, download
from cpms.core.forms import refused, render_form, save_form, show_error
from cpms.core.permissions import ADMIN, get_or_404, require_role
from cpms.extensions import db
from cpms.programmes.models import Programme


def _programme_choices():
    programmes = db.session.scalars(select(Programme).order_by(Programme.code)).all()
    return [(0, _("Sample signatories, no logos"))] + [(p.id, f"{p.code} – {p.name}") for p in programmes]


@bp.route("/certificates/template", methods=["GET", "POST"])
@require_role(ADMIN)
def template_edit():
    current = current_template()
    form = TemplateForm(obj=current if request.method == "GET" else None)
    if request.method == "GET":
        form.note.data = ""
    form.programme_id.choices = _programme_choices()
    saved = save_form(form, lambda form: design.save_template(current_user, form.html.data, form.css.data,
                                                              form.note.data),
                      lambda template: _("Template version %(v)d saved. Certificates issued from now on use it; "
                                         "those already issued do not change.", v=template.version),
                      lambda _template: url_for("certificates.template_edit"))
    # the default template, when it was just created, is kept by the request's commit
    return saved or render_form("certificates/template_form.html", form, current=current,
                                versions=design.template_versions(), placeholders=PLACEHOLDERS)


@bp.route("/certificates/template/preview", methods=["POST"])
@require_role(ADMIN)
@aggregate_export  # a sample officer, not a real one
def template_preview():
    """The template being edited, filled in with sample values, as a PDF (nothing is saved)."""
    form = TemplateForm()
    form.programme_id.choices = _programme_choices()
    if form.validate_on_submit():
        try:
            data, _pages = design.preview_pdf(form.html.data, form.css.data, form.language.data,
                                              form.programme_id.data or None)
        except DomainError as error:
            show_error(form, error)
        else:
            response = download(data, "certificate-preview.pdf", "pdf")
            response.headers["Content-Disposition"] = 'inline; filename="certificate-preview.pdf"'
            return response
    form.refused = True  # no preview: the form goes back with what to fix
    return render_form("certificates/template_form.html", form, current=current_template(),
                       versions=design.template_versions(), placeholders=PLACEHOLDERS)


@bp.route("/certificates/programmes")
@require_role(ADMIN)
def profile_list():
    programmes = db.session.scalars(select(Programme).order_by(Programme.code)).all()
    profiles = {p.programme_id: p for p in db.session.scalars(select(CertificateProfile))}
    return render_template("certificates/profile_list.html", programmes=programmes, profiles=profiles)


@bp.route("/certificates/programmes/<int:programme_id>", methods=["GET", "POST"])
@require_role(ADMIN)
def profile_edit(programme_id):
    programme = get_or_404(Programme, programme_id)
    profile = profile_for(programme.id)
    form = ProfileForm()
    if request.method == "GET" and profile is not None:
        for entry, signatory in zip(form.signatories, profile.signatories):
            entry.form.name.data, entry.form.title.data = signatory.name, signatory.title
    if form.validate_on_submit():
        try:
            design.save_profile(
                programme, programme_logo=form.programme_logo.data,
                remove_programme_logo=form.remove_programme_logo.data, donor_logo=form.donor_logo.data,
                remove_donor_logo=form.remove_donor_logo.data,
                signatories=[{"name": e.form.name.data, "title": e.form.title.data, "signature": e.form.signature.data,
                              "remove_signature": e.form.remove_signature.data} for e in form.signatories])
        except DomainError as error:
            db.session.rollback()  # before the page shows the profile's images again
            _field_error(form, error)  # signatory errors go under their line, which save_form cannot do
            form.refused = True
        else:
            flash(_("Logos and signatories of %(code)s saved. They appear on certificates issued from now on.",
                    code=programme.code), "success")
            return redirect(url_for("certificates.profile_edit", programme_id=programme.id))
    images = {"programme_logo": png_data_uri(profile.programme_logo) if profile else None,
              "donor_logo": png_data_uri(profile.donor_logo) if profile else None,
              "signatures": [png_data_uri(s.signature) for s in profile.signatories] if profile else []}
    return render_form("certificates/profile_form.html", form, programme=programme, images=images,
                       refused=refused(form))


def _field_error(form, error):
    """Errors name fields like signatories-1-name: put them under that line's field."""
    if error.field and error.field.startswith("signatories-"):
        _prefix, index, name = error.field.split("-", 2)
        field = getattr(form.signatories[int(index)].form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [error.message]
            return
    show_error(form, error)
