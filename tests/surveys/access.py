from tests.access import PUBLIC

READERS = frozenset({"admin", "me_officer", "project_officer", "viewer"})
MANAGERS = frozenset({"admin", "me_officer"})

EXPECTED = {
    "surveys.index": READERS,
    "surveys.instrument_create": MANAGERS,
    "surveys.instrument_detail": READERS,
    "surveys.instrument_keep": MANAGERS,
    "surveys.measure_create": MANAGERS,
    "surveys.round_create": MANAGERS,
    "surveys.round_edit": MANAGERS,
    "surveys.round_detail": READERS,
    "surveys.round_token": MANAGERS,
    "surveys.round_import": MANAGERS,
    "surveys.import_confirm": MANAGERS,
    "surveys.import_preview": MANAGERS,
    "surveys.import_cancel": MANAGERS,
    "surveys.round_results": READERS,
    "surveys.round_export": READERS,
    "api.survey_round_list": READERS,
    "api.survey_round_results": READERS,
    # public for the access matrix: KoBoToolbox authenticates with the round's own token, checked in the view
    "api.survey_submission": PUBLIC,
}
# questionnaires (and their measures) are national: rounds carry the area
AREA_NEUTRAL = {"surveys.instrument_detail", "surveys.instrument_keep", "surveys.measure_create"}


def samples(request):
    from tests.surveys.fixtures import create_test_instrument, create_test_round

    instrument = create_test_instrument()
    survey_round = create_test_round(instrument, request.getfixturevalue("make_programme")(provinces=["Kasaï-Oriental"]))
    from cpms.extensions import db
    from cpms.surveys.models import SurveyImport
    record = SurveyImport(round_id=survey_round.id, source="file", filename="export.csv", state="published")
    db.session.add(record)
    db.session.commit()
    return {"instrument_id": instrument.id, "round_id": survey_round.id, "token": "expired-preview", "fmt": "csv",
            "import_id": record.id}
