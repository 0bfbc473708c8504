"""/api/v1/survey-rounds: rounds, their results, and the KoBoToolbox REST-service endpoint."""
from flask import jsonify, request
from flask_babel import force_locale
from flask_login import current_user

from cpms.core.api import bp
from cpms.core.api.helpers import Filter, array_of, described, fields, nullable
from cpms.core.errors import DomainError
from cpms.core.pagination import paginate
from cpms.core.permissions import VIEWER, get_or_404, public, require_role, scope_of
from cpms.extensions import db, limiter
from cpms.surveys import imports, service
from cpms.surveys.models import SurveyRound
from cpms.surveys.service import READERS, results

LANGUAGES = ("fr", "en")


def round_json(survey_round, responses=0):
    return {"id": survey_round.id, "name": survey_round.name, "kind": survey_round.kind, "responses": responses,
            "instrument": {"id": survey_round.instrument.id, "name": survey_round.instrument.name,
                           "form_version": survey_round.instrument.form_version},
            "programme_id": survey_round.programme_id, "start_date": survey_round.start_date.isoformat(),
            "end_date": survey_round.end_date.isoformat() if survey_round.end_date else None,
            "communes": [c.id for c in survey_round.communes]}


@bp.route("/survey-rounds")
@require_role(*READERS)
@described(item=fields(id="integer", name="string", kind="string", responses="integer",
                       instrument=fields(id="integer", name="string", form_version="string"),
                       programme_id="integer", start_date=("string", "date"),
                       end_date=nullable("string", "date"), communes={"type": "array", "items": {"type": "integer"}}))
def survey_round_list():
    """Survey rounds with at least one commune in the caller's area, with their number of responses."""
    page = paginate(service.visible_rounds(scope_of(current_user)))
    counts = service.response_counts([r.id for r in page.items])
    return jsonify({"items": [round_json(r, counts.get(r.id, 0)) for r in page.items], "page": page.page,
                    "per_page": page.per_page, "total": page.total})


def request_language():
    """The language of the answer's labels: ?lang=fr|en, else the request's Accept-Language, else the user's."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES) or (getattr(current_user, "locale", "") or "en")[:2]


def _estimate_schema():
    return {"type": ["object", "null"], "properties": {"n": {"type": "integer"}, "estimate": {"type": ["number", "null"]},
                                                      "ci_low": {"type": ["number", "null"]},
                                                      "ci_high": {"type": ["number", "null"]},
                                                      "suppressed": {"type": "boolean"}},
            "required": ["n", "estimate", "ci_low", "ci_high", "suppressed"]}


GROUP = fields(kind="string", code="string", label="string", group="string", estimate=_estimate_schema(),
               earlier=_estimate_schema(),
               change={"type": ["object", "null"], "properties": {"difference": {"type": ["number", "null"]},
                                                                  "relative": {"type": ["number", "null"]},
                                                                  "p_value": {"type": ["number", "null"]}}})
RESULTS = fields(round=fields(id="integer", name="string", kind="string"),
                 compared_with={"type": ["object", "null"], "properties": {"id": {"type": "integer"},
                                                                          "name": {"type": "string"}}},
                 measures=array_of(fields(id="integer", name_en="string", name_fr="string", kind="string",
                                          higher_is_better="boolean",
                                          breakdowns={"type": "object", "additionalProperties": array_of(GROUP)})),
                 language={"type": "string", "enum": list(LANGUAGES)})


@bp.route("/survey-rounds/<int:round_id>/results")
@require_role(*READERS)
@described(item=RESULTS, filters=(Filter("compare", "integer", "Compare with this earlier round of the same "
                                                                "questionnaire (default: the latest earlier one)"),
                                   Filter("lang", "string", "Language of the groups' labels", LANGUAGES)))
def survey_round_results(round_id):
    """Estimates with 95 % intervals per measure and breakdown; ?compare=<round id> for the change
    (default: the latest earlier round of the same questionnaire). Cells under 5 answers are suppressed
    for viewers. Each group has a stable `kind` (overall, commune, sex, age_group) and `code` (the choice's code,
    the commune's id, the age group), and a `label` in the request's language (?lang=fr|en or Accept-Language)."""
    survey_round = get_or_404(SurveyRound, round_id, current_user, check=service.can_see_round)
    scope = scope_of(current_user)
    candidates = results.comparable_rounds(survey_round, scope)
    compare_id = request.args.get("compare", type=int)
    earlier = next((r for r in candidates if r.id == compare_id), None) if compare_id else \
        results.default_earlier_round(survey_round, candidates)
    language = request_language()
    with force_locale(language):
        measure_results = results.round_results(survey_round, scope, earlier, suppress=current_user.role == VIEWER)
        answer = results.results_json(survey_round, measure_results, earlier)
    answer["language"] = language
    return jsonify(answer)


@bp.route("/survey-rounds/<int:round_id>/submissions", methods=["POST"])
@public
@limiter.limit("600/minute")
def survey_submission(round_id):
    """KoBoToolbox REST service: one JSON submission per request. Public in the access matrix because the
    caller is a collection server, not a user: it must send the round's token (X-Round-Token header or
    `Authorization: Bearer`). Unknown round or wrong token: 404. Re-sent submissions are not duplicated
    ("already_received"); one marked "Not approved" in KoBoToolbox is left out ("not_approved")."""
    raw = request.headers.get("X-Round-Token", "")
    authorization = request.headers.get("Authorization", "")
    if not raw and authorization.startswith("Bearer "):
        raw = authorization[len("Bearer "):].strip()
    survey_round = db.session.get(SurveyRound, round_id)
    if survey_round is None or not service.webhook_token_matches(survey_round, raw):
        return jsonify({"error": "not_found", "message": "Unknown round or wrong round token."}), 404
    payload = request.get_json(silent=True)
    try:  # an answer of 422 rolls back whatever the submission wrote (cpms.core.transaction)
        status, problems = imports.receive_submission(survey_round, payload)
    except DomainError as error:
        return jsonify({"error": "invalid", "message": error.message}), 422
    if problems or status is None:
        return jsonify({"error": "invalid", "problems": problems}), 422
    # "not_approved": a submission marked "Not approved" (KoBoToolbox) or rejected (ODK Central) is left out, as a
    # file import leaves it out; 200 so that the collection server does not send it again
    return jsonify({"status": status}), 201 if status == "created" else 200
