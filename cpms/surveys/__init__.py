"""Perception surveys: XLSForm instruments, rounds, imported responses (anonymous), measures and results."""
from cpms.core.contract import Domain, MapLayer, RetentionClass, Setting, not_personal

DOMAIN = Domain(
    "surveys",
    # responses are anonymous; free text may still name someone
    columns={
        **not_personal("survey_instruments", "name", "form_id", "form_version"),
        **not_personal("survey_instrument_versions", "version", "content_hash", "question_names"),
        **not_personal("survey_questions", "name", "type", "list_name", "label_en", "label_fr", "keep_reason"),
        **not_personal("survey_choices", "list_name", "name", "label_en", "label_fr"),
        **not_personal("survey_measures", "name_en", "name_fr", "values", "excluded_values"),
        **not_personal("survey_rounds", "name", "sampling_notes", "weight_column", "sex_question", "age_question",
                       "commune_question"),
        "survey_rounds.webhook_token_hash": "sensitive",
        # preview_token: the random name of the consumed preview's file (unique: one preview is imported once)
        **not_personal("survey_imports", "source", "filename", "preview_token"),
        # instance_hash is an HMAC of the submission id, never of a person
        **not_personal("survey_responses", "instance_hash", "sex", "age_group"),
        "survey_answers.value_text": "personal",
    },
    tables={"survey_answers": "survey", "survey_rounds": "programme"},
    retention=(
        RetentionClass("survey", "free-text survey answers: erased CPMS_RETENTION_SURVEY_TEXT_YEARS after the round",
                       setting="RETENTION_SURVEY_TEXT_YEARS", retire="cpms.surveys.privacy:retire_survey_text"),
    ),
    settings=(
        Setting("CPMS_SURVEY_UPLOAD_MAX_MB", "SURVEY_UPLOAD_MAX_MB", int, 200),
        Setting("CPMS_RETENTION_SURVEY_TEXT_YEARS", "RETENTION_SURVEY_TEXT_YEARS", float, 3),
    ),
    map_layers=(MapLayer("survey_communes", "cpms.surveys.service.places:survey_commune_layer", position=30),),
)
