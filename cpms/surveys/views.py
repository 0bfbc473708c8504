"""Perception surveys: instruments, measures, rounds, imports with preview, results and exports."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_number, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from cpms.core.audit import record_event
from cpms.core.errors import DomainError
from cpms.core.exports import aggregate_export, csv_bytes, download, xlsx_bytes
from cpms.core.forms import render_form, run_action, save_form, show_error
from cpms.core.pagination import paginate
from cpms.core.permissions import VIEWER, get_or_404, require_role, scope_of
from cpms.extensions import db
from cpms.surveys import imports, service, tasks
from cpms.surveys.forms import ConfirmForm, ImportForm, InstrumentForm, KeepForm, MeasureForm, RoundForm
from cpms.surveys.models import SurveyImport, SurveyInstrument, SurveyRound
from cpms.surveys.service import MANAGERS, READERS, TEXT_READERS, results, staging

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
NAVIGATION = [(50, "surveys.index", _l("Surveys"), READERS)]


def get_round_or_404(round_id, user):
    return get_or_404(SurveyRound, round_id, user, check=service.can_see_round)


@bp.url_value_preprocessor
def larger_uploads_for_exports(endpoint, values):
    """Survey exports are larger than other uploads (100,000 rows ≈ 30 MB) and are streamed, never kept.

    URL value preprocessors run before every before_request function, so the limit is raised before
    CSRF protection reads the form; only for the roles that may import.
    """
    if endpoint == "surveys.round_import" and current_user.is_authenticated and current_user.role in MANAGERS:
        request.max_content_length = current_app.config["SURVEY_UPLOAD_MAX_MB"] * 1024 * 1024


@bp.route("/")
@require_role(*READERS)
def index():
    page = paginate(service.visible_rounds(scope_of(current_user)))
    instruments = db.session.scalars(select(SurveyInstrument).order_by(SurveyInstrument.name)).all()
    counts = service.response_counts([r.id for r in page.items])
    return render_template("surveys/index.html", page=page, instruments=instruments, counts=counts)


@bp.route("/instruments/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def instrument_create():
    form = InstrumentForm()
    response = save_form(
        form, lambda form: service.create_instrument(stream=form.file.data.stream, name=form.name.data),
        _saved_message,
        lambda instrument: url_for("surveys.instrument_detail", instrument_id=instrument.id))
    return response or render_form("surveys/instrument_form.html", form)


def _saved_message(instrument):
    outcome = getattr(instrument, "upload_outcome", "created")
    if outcome == "identical":
        return _("This version of the form (form_id %(form)s, version %(version)s) is already here, unchanged: its "
                 "questionnaire is kept, with its measures.", form=instrument.form_id,
                 version=getattr(instrument, "uploaded_version", instrument.form_version) or "—")
    if outcome == "version":
        added = instrument.added_questions
        message = _("Version %(version)s added to the questionnaire %(name)s: its measures and rounds carry over.",
                    version=instrument.form_version or "—", name=instrument.name)
        message += " " + (ngettext("%(count)s new question: %(names)s.", "%(count)s new questions: %(names)s.",
                                   len(added), count=format_number(len(added)), names=", ".join(added))
                          if added else _("No new question."))
        if instrument.changed_questions:
            message += " " + _("These questions changed type in this version and keep their first type, so that "
                               "their answers stay comparable: %(names)s.", names=", ".join(instrument.changed_questions))
        return message
    count = len(service.instrument_questions(instrument))
    message = ngettext("Questionnaire saved with %(count)s question.", "Questionnaire saved with %(count)s questions.",
                       count, count=format_number(count))
    repeats = getattr(instrument, "repeat_questions", 0)
    if repeats:
        message += " " + ngettext("%(count)s question in a repeat group is not analysed.",
                                  "%(count)s questions in repeat groups are not analysed.", repeats,
                                  count=format_number(repeats))
    return message


@bp.route("/instruments/<int:instrument_id>")
@require_role(*READERS)
def instrument_detail(instrument_id):
    instrument = get_or_404(SurveyInstrument, instrument_id)
    questions = service.instrument_questions(instrument)
    keep = KeepForm()
    keep.questions.choices = [(q.id, q.name) for q in service.optional_questions(questions)]
    keep.questions.data = [q.id for q in questions if not q.is_identifying]
    return render_template("surveys/instrument_detail.html", instrument=instrument, questions=questions,
                           versions=service.instrument_versions(instrument),
                           choices=service.instrument_choices(instrument), keep=keep,
                           measures=service.instrument_measures(instrument.id), locale=get_locale())


@bp.route("/instruments/<int:instrument_id>/kept", methods=["POST"])
@require_role(*MANAGERS)
def instrument_keep(instrument_id):
    instrument = get_or_404(SurveyInstrument, instrument_id)
    form = KeepForm()
    form.questions.choices = [(q.id, q.name) for q in service.optional_questions(service.instrument_questions(instrument))]
    back = url_for("surveys.instrument_detail", instrument_id=instrument.id)
    if not form.validate_on_submit():
        flash(_("Choose among the listed questions."), "error")
        return redirect(back)
    return run_action(lambda: service.keep_questions(instrument, form.questions.data, form.reason.data),
                      _("Saved: only the answers of the ticked questions are stored."), back)


@bp.route("/instruments/<int:instrument_id>/measures/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def measure_create(instrument_id):
    instrument = get_or_404(SurveyInstrument, instrument_id)
    questions = service.instrument_questions(instrument)
    form = MeasureForm()
    form.set_choices([q for q in questions if q.type != "text" and not q.is_identifying],
                     service.instrument_choices(instrument), get_locale())
    response = save_form(form, lambda form: service.create_measure(instrument, **form.service_fields()),
                         _("Measure saved."),
                         lambda _measure: url_for("surveys.instrument_detail", instrument_id=instrument.id))
    return response or render_form("surveys/measure_form.html", form, instrument=instrument,
                                   choices=service.instrument_choices(instrument), locale=get_locale())


def _round_form_choices(form, survey_round):
    from cpms.programmes.service import visible_programmes
    instruments = db.session.scalars(select(SurveyInstrument).order_by(SurveyInstrument.name)).all()
    form.instrument_id.choices = [(i.id, f"{i.name} {i.form_version}".strip()) for i in instruments]
    form.programme_id.choices = [(p.id, f"{p.code} – {p.name}") for p in
                                 db.session.scalars(visible_programmes(scope_of(current_user)))]
    form.communes.choices, form.commune_groups = _communes_by_province()
    if request.method == "GET" and survey_round is None:
        form.instrument_id.data = request.args.get("instrument", type=int) or max((i.id for i in instruments), default=None)
    instrument = next((i for i in instruments if i.id == form.instrument_id.data), None)  # a listed one only
    # only the questions of the round's questionnaire whose answers are stored
    questions = [q for q in service.instrument_questions(instrument) if q.type != "text" and not q.is_identifying] \
        if instrument else []
    for field in (form.sex_question, form.age_question, form.commune_question):
        field.choices = [("", _("(none)"))] + [(q.name, f"{q.name} – {q.label(get_locale())}") for q in questions]
    if request.method == "GET" and survey_round is None:
        for name, question_name in service.breakdown_questions(questions).items():
            getattr(form, name).data = question_name


def _communes_by_province():
    """(choices "commune – city", [(province, {commune ids})]) for the round form's communes, grouped by province."""
    from cpms.geo.models import City, Commune, Province
    rows = db.session.execute(select(Commune.id, Commune.name, City.name, Province.name)
                              .join(City, Commune.city_id == City.id).join(Province, Commune.province_id == Province.id)
                              .order_by(Province.name, City.name, Commune.name)).all()
    groups = {}
    for commune_id, _name, _city, province in rows:
        groups.setdefault(province, set()).add(commune_id)
    return [(cid, f"{name} – {city}") for cid, name, city, _province in rows], list(groups.items())


def _round_form_page(form, survey_round, save):
    _round_form_choices(form, survey_round)
    if request.method == "GET" and survey_round is not None:
        form.communes.data = sorted(survey_round.commune_ids)
    response = save_form(form, lambda form: save(form.service_fields()), _("Round saved."),
                         lambda saved: url_for("surveys.round_detail", round_id=saved.id))
    return response or render_form("surveys/round_form.html", form, survey_round=survey_round)


@bp.route("/rounds/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def round_create():
    return _round_form_page(RoundForm(), None, lambda fields: service.create_round(**fields))


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGERS)
def round_edit(round_id):
    survey_round = get_round_or_404(round_id, current_user)
    form = RoundForm(obj=survey_round) if request.method == "GET" else RoundForm()
    return _round_form_page(form, survey_round, lambda fields: service.update_round(survey_round, **fields))


@bp.route("/rounds/<int:round_id>")
@require_role(*READERS)
def round_detail(round_id):
    survey_round = get_round_or_404(round_id, current_user)
    history = db.session.scalars(select(SurveyImport).where(SurveyImport.round_id == survey_round.id)
                                 .order_by(SurveyImport.id.desc()).limit(20)).all()
    texts = service.free_text_answers(survey_round) if current_user.role in TEXT_READERS else []
    return render_template("surveys/round_detail.html", survey_round=survey_round, history=history, texts=texts,
                           count=service.response_counts([survey_round.id]).get(survey_round.id, 0),
                           confirm=ConfirmForm(), can_manage=current_user.role in MANAGERS)


@bp.route("/rounds/<int:round_id>/token", methods=["POST"])
@require_role(*MANAGERS)
def round_token(round_id):
    survey_round = get_round_or_404(round_id, current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    raw = service.new_webhook_token(survey_round)
    return render_template("surveys/round_token.html", survey_round=survey_round, token=raw,
                           url=url_for("api.survey_submission", round_id=survey_round.id, _external=True))


@bp.route("/rounds/<int:round_id>/import", methods=["GET", "POST"])
@require_role(*MANAGERS)
def round_import(round_id):
    survey_round = get_round_or_404(round_id, current_user)
    form, summary = ImportForm(), None
    if form.validate_on_submit():
        upload = form.file.data
        if imports.upload_size(upload.stream) > imports.PREVIEW_DIRECT_BYTES:  # a large file: checked by a job
            token = imports.keep_upload(upload.stream, upload.filename or "")
            upload.close()
            job = tasks.enqueue_preview(survey_round, current_user, token, upload.filename or "",
                                        include_not_approved=form.include_not_approved.data)
            return redirect(url_for("jobs.show", job_id=job.id))
        try:  # not save_form: a preview shows its summary on this page and writes nothing
            summary = imports.preview_import(current_user, survey_round, upload.stream, upload.filename or "",
                                             include_not_approved=form.include_not_approved.data)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            form.refused = True
        finally:
            upload.close()  # the uploaded file is not kept
        if summary and summary["has_errors"]:
            form.refused = True  # the file is sent back with its problems listed
    return render_form("surveys/round_import.html", form, survey_round=survey_round, summary=summary,
                       confirm=ConfirmForm())


@bp.route("/rounds/<int:round_id>/import/preview/<int:job_id>")
@require_role(*MANAGERS)
def import_preview(round_id, job_id):
    """The preview of a large export, checked by a job (tasks.preview_upload): the same page as a small one's."""
    import json

    from cpms.core.jobs.views import get_job_or_404
    survey_round = get_round_or_404(round_id, current_user)
    job = get_job_or_404(job_id, current_user)
    if job.kind != tasks.PREVIEW_KIND or (job.params or {}).get("round_id") != survey_round.id:
        abort(404)
    if job.state != "done":
        return redirect(url_for("jobs.show", job_id=job.id))
    path = imports.preview_summary_path(job.id)
    try:
        with open(path, encoding="utf-8") as handle:
            summary = json.load(handle)
    except OSError:
        flash(_("This preview has expired: upload the file again."), "error")
        return redirect(url_for("surveys.round_import", round_id=survey_round.id))
    form = ImportForm(formdata=None)
    form.refused = summary.get("has_errors", False)
    return render_form("surveys/round_import.html", form, survey_round=survey_round, summary=summary,
                       confirm=ConfirmForm())


@bp.route("/rounds/<int:round_id>/import/<token>", methods=["POST"])
@require_role(*MANAGERS)
def import_confirm(round_id, token):
    """A small preview is imported at once; a larger one becomes a job (staged, then published) whose progress
    page the user is sent to (cpms/surveys/service/staging.py: DIRECT_ROWS)."""
    survey_round = get_round_or_404(round_id, current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if request.form.get("action") == "cancel":
        imports.discard_preview(token)
        flash(_("Import cancelled: nothing was saved."), "info")
        return redirect(url_for("surveys.round_detail", round_id=survey_round.id))

    def start():
        record = imports.start_import(current_user, survey_round, token)
        return record, tasks.enqueue_import(record, current_user) if record.state == "staging" else None

    return run_action(start, _imported_message,
                      lambda started: url_for("jobs.show", job_id=started[1].id) if started and started[1]
                      else url_for("surveys.round_detail" if started else "surveys.round_import",
                                   round_id=survey_round.id))


def _imported_message(started):
    record, job = started
    if job is not None:
        return _("The import has started: the responses appear in the results once all are written.")
    return " ".join((ngettext("%(count)s response imported.", "%(count)s responses imported.", record.rows_added,
                              count=format_number(record.rows_added)),
                     ngettext("%(count)s was already there.", "%(count)s were already there.", record.rows_skipped,
                              count=format_number(record.rows_skipped))))


@bp.route("/imports/<int:import_id>/cancel", methods=["POST"])
@require_role(*MANAGERS)
def import_cancel(import_id):
    """Cancel an import still being written (e.g. one whose job stopped): its rows are never shown and are
    removed by a job."""
    record = get_or_404(SurveyImport, import_id)
    survey_round = get_round_or_404(record.round_id, current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)

    def cancel():
        if not staging.cancel_import(record.id):
            raise DomainError(_("Only an import still being written can be cancelled."))
        return tasks.enqueue_removal(record, current_user)

    return run_action(cancel, _("Import cancelled: its responses are being removed."),
                      url_for("surveys.round_detail", round_id=survey_round.id))


def _results_for(survey_round, suppress):
    scope = scope_of(current_user)
    candidates = results.comparable_rounds(survey_round, scope)
    compare_id = request.args.get("compare", type=int)
    if compare_id == 0 or "compare" in request.args and compare_id is None:
        earlier = None
    elif compare_id:
        earlier = next((r for r in candidates if r.id == compare_id), None)
    else:
        earlier = results.default_earlier_round(survey_round, candidates)
    return candidates, earlier, results.round_results(survey_round, scope, earlier, suppress=suppress)


@bp.route("/rounds/<int:round_id>/results")
@require_role(*READERS)
def round_results(round_id):
    survey_round = get_round_or_404(round_id, current_user)
    candidates, earlier, measure_results = _results_for(survey_round, suppress=current_user.role == VIEWER)
    charts = {r.measure.id: results.chart(r.measure, r.breakdowns["overall"] + r.breakdowns["commune"],
                                          earlier.name if earlier else "", survey_round.name) for r in measure_results}
    return render_template("surveys/round_results.html", survey_round=survey_round, candidates=candidates,
                           earlier=earlier, results=measure_results, charts=charts, fmt=results,
                           dimensions=results.DIMENSIONS, dimension_labels=results.DIMENSION_LABELS,
                           locale=get_locale())


@bp.route("/rounds/<int:round_id>/results.<any(csv, xlsx):fmt>")
@require_role(*READERS)
@aggregate_export
def round_export(round_id, fmt):
    survey_round = get_round_or_404(round_id, current_user)
    _candidates, earlier, measure_results = _results_for(survey_round, suppress=True)
    header, rows = results.export_table(survey_round, measure_results, earlier)
    record_event("export", entity="survey_rounds", entity_id=survey_round.id, detail=f"results.{fmt}")
    filename = f"survey-round-{survey_round.id}-results.{fmt}"
    if fmt == "csv":
        return download(csv_bytes(header, rows), filename, "csv")
    return download(xlsx_bytes({_("Results"): (header, rows)}), filename, "xlsx")


@bp.context_processor
def labels():
    return {"ROUND_KIND_LABELS": service.ROUND_KIND_LABELS, "MEASURE_KIND_LABELS": service.MEASURE_KIND_LABELS}
