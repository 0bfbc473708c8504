"""Perception surveys: instruments, measures, rounds and webhook tokens (instruments.py), XLSForm parsing
(xlsform.py), estimates (stats.py), round results (results.py) and the surveyed communes on the maps (places.py).

The package gives the main part's services under `cpms.surveys.service` and imports its topic modules; no part
imports this module back."""
from cpms.surveys.service import (  # noqa: F401  (its topic modules)
    places,
    results,
    stats,
    xlsform,
)
from cpms.surveys.service.instruments import (  # noqa: F401  (its services, as cpms.surveys.service.<name>)
    MANAGERS,
    MEASURE_KIND_LABELS,
    READERS,
    ROUND_KIND_LABELS,
    TEXT_READERS,
    breakdown_questions,
    can_see_round,
    create_instrument,
    create_measure,
    create_round,
    free_text_answers,
    instrument_choices,
    instrument_measures,
    instrument_questions,
    instrument_versions,
    keep_questions,
    new_webhook_token,
    optional_questions,
    response_counts,
    survey_cards,
    update_round,
    visible_rounds,
    webhook_token_matches,
)
