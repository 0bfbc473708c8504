"""Generated perception surveys: the demo questionnaire with a commune list for the whole country, a national
baseline (2021) and endline (2025) of 100,000 households each in four communes per province, and an empty
follow-up round (2026) that the benchmark imports a KoBoToolbox-like export into (`export_csv`)."""
import csv
import random
from datetime import date

from bench.generate import generator
from cpms.core.labels import age_group_of
from cpms.surveys.demo import CHOICES, COMMENTS, SURVEY
from cpms.surveys.imports import _fold, instance_hash
from cpms.surveys.models import (
    SurveyAnswer,
    SurveyChoice,
    SurveyImport,
    SurveyInstrument,
    SurveyMeasure,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
    survey_round_communes,
)
from cpms.surveys.service.xlsform import KEPT_TYPES

COMMUNES_PER_PROVINCE = 4
FORM_VERSION = "2021.1"
IMPORT_ROUND = "Enquête de suivi 2026 – nationale"
MEASURES = [  # question, kind, English, French, values, excluded, higher is better
    ("trust_police", "share", "Trust in the police", "Confiance en la police", "agree strongly_agree", "", True),
    ("police_work", "share", "Good opinion of police work", "Opinion favorable du travail de la police",
     "good very_good", "", True),
    ("unsafe_night", "rate", "Perceived insecurity at night", "Sentiment d'insécurité la nuit", "yes", "dont_know",
     False),
    ("victim_12m", "rate", "Household victim of a crime (12 months)", "Ménage victime d'un crime (12 mois)", "yes",
     "", False),
    ("safety_score", "mean", "Safety score (1–10)", "Note de sécurité (1–10)", "", "", True),
]
# (round, kind, start, end, figures); figures as in the demo: the 2017 evaluation's changes
ROUNDS = [
    ("Enquête de base 2021 – nationale", "baseline", date(2021, 5, 3), date(2021, 6, 30),
     dict(trust=0.38, opinion=0.27, insecurity=0.62, victims=0.35, score=4.3)),
    ("Enquête finale 2025 – nationale", "endline", date(2025, 5, 5), date(2025, 6, 30),
     dict(trust=0.537, opinion=0.543, insecurity=0.211, victims=0.281, score=6.2)),
]
HEADER = ["start", "end", "deviceid", "respondent/sex", "respondent/age", "respondent/commune", "respondent/phone",
          "police/trust_police", "police/police_work", "security/unsafe_night", "security/victim_12m",
          "security/safety_score", "security/comments", "meta/instanceID", "_uuid", "__version__"]
AGREE = (["agree", "strongly_agree"], ["strongly_disagree", "disagree", "neutral"])
RATING = (["good", "very_good"], ["very_bad", "bad", "average"])


def _households(rng, n, figures, communes, year, tag):
    """Invented households: dicts of answers by question name, with an instance id."""
    for i in range(n):
        yes_trust, no_trust = AGREE
        good, bad = RATING
        unsafe = "dont_know" if rng.random() < 0.04 else ("yes" if rng.random() < figures["insecurity"] else "no")
        yield {"instance": f"{tag:08x}-{i:04x}-4c2a-9f00-{rng.getrandbits(48):012x}",
               "sex": rng.choice(("female", "male")), "age": rng.randint(18, 75), "commune": rng.choice(communes),
               "trust_police": rng.choice(yes_trust if rng.random() < figures["trust"] else no_trust),
               "police_work": rng.choice(good if rng.random() < figures["opinion"] else bad),
               "unsafe_night": unsafe, "victim_12m": "yes" if rng.random() < figures["victims"] else "no",
               "safety_score": min(10, max(1, round(rng.gauss(figures["score"], 1.8)))),
               "comments": rng.choice(COMMENTS), "stamp": f"{year}-05-{1 + i % 28:02d}T09:{i % 60:02d}:00"}


@generator
def generate_surveys(gen):
    rng = gen.random("surveys")
    stamps = (gen.now, gen.now)
    by_province = {}
    for commune_id, province_id, _city, name in gen.shared["communes"]:
        by_province.setdefault(province_id, []).append((commune_id, name))
    sampled = [c for communes in by_province.values() for c in rng.sample(communes, min(COMMUNES_PER_PROVINCE,
                                                                                         len(communes)))]
    slugs = {commune_id: _fold(name) for commune_id, name in sampled}

    instrument_id = gen.ids(SurveyInstrument, 1)[0]
    gen.insert(SurveyInstrument, ["id", "name", "form_id", "form_version", "created_at", "updated_at"],
               [(instrument_id, "Enquête de perception – police de proximité (nationale)", "perception_pdp",
                 FORM_VERSION, *stamps)])
    questions = {}
    question_rows = []
    for position, (kind, name, label_en, label_fr) in enumerate(SURVEY):
        base, *rest = kind.split() or [""]
        if base not in KEPT_TYPES or not name:
            continue
        questions[name] = gen.ids(SurveyQuestion, 1)[0]
        question_rows.append((questions[name], instrument_id, position, name, base, rest[0] if rest else None,
                              label_en, label_fr, name == "phone"))
    gen.insert(SurveyQuestion, ["id", "instrument_id", "position", "name", "type", "list_name", "label_en",
                                "label_fr", "is_identifying"], question_rows)
    choices = [c for c in CHOICES if c[0] != "commune"] + [("commune", slugs[cid], name, name) for cid, name in sampled]
    gen.insert(SurveyChoice, ["id", "instrument_id", "position", "list_name", "name", "label_en", "label_fr"],
               [(choice_id, instrument_id, position, *choice) for position, (choice_id, choice) in
                enumerate(zip(gen.ids(SurveyChoice, len(choices)), choices))])
    gen.insert(SurveyMeasure, ["id", "instrument_id", "question_id", "kind", "name_en", "name_fr", "values",
                               "excluded_values", "higher_is_better", "created_at", "updated_at"],
               [(measure_id, instrument_id, questions[q], kind, en, fr, values, excluded, better, *stamps)
                for measure_id, (q, kind, en, fr, values, excluded, better) in zip(gen.ids(SurveyMeasure,
                                                                                         len(MEASURES)), MEASURES)])

    rounds = ROUNDS + [(IMPORT_ROUND, "custom", date(2026, 5, 4), None, None)]
    round_ids = gen.ids(SurveyRound, len(rounds))
    gen.insert(SurveyRound, ["id", "instrument_id", "programme_id", "name", "kind", "start_date", "end_date",
                             "sampling_notes", "weight_column", "sex_question", "age_question", "commune_question",
                             "created_at", "updated_at"],
               [(round_id, instrument_id, gen.shared["national_programme"], name, kind, start, end,
                 f"Households in {COMMUNES_PER_PROVINCE} communes per province, one adult per household.", "", "sex",
                 "age", "commune", *stamps) for round_id, (name, kind, start, end, _f) in zip(round_ids, rounds)])
    gen.insert(survey_round_communes, ["round_id", "commune_id"],
               [(round_id, commune_id) for round_id in round_ids for commune_id, _name in sampled])

    n = gen.count(100_000)
    communes = [(commune_id, slugs[commune_id]) for commune_id, _name in sampled]
    responses = answers = 0
    for tag, (round_id, (name, _kind, start, _end, figures)) in enumerate(zip(round_ids, ROUNDS), start=1):
        import_id = gen.ids(SurveyImport, 1)[0]
        gen.insert(SurveyImport, ["id", "round_id", "created_at", "source", "filename", "rows_added", "rows_skipped",
                                  "actor_id", "state", "rows_total", "rows_done"],
                   [(import_id, round_id, gen.now, "file", f"perception_{start.year}.csv", n, 0, None, "published",
                     n, n)])
        households = list(_households(rng, n, figures, communes, start.year, tag))
        response_ids = gen.ids(SurveyResponse, n)
        responses += gen.insert(SurveyResponse, ["id", "round_id", "import_id", "instance_hash", "weight", "sex",
                                                 "age_group", "commune_id"],
                                ((rid, round_id, import_id, instance_hash(h["instance"]), 1.0, h["sex"],
                                  age_group_of(h["age"]), h["commune"][0]) for rid, h in zip(response_ids, households)))
        answers += gen.insert(SurveyAnswer, ["id", "response_id", "question_id", "value_text", "value_number"],
                              _answer_rows(gen, questions, response_ids, households))
        gen.commit()
    gen.shared["survey_rounds"] = dict(zip([r[0] for r in rounds], round_ids))
    return {"survey rounds": len(rounds), "survey responses": responses, "survey answers": answers}


def _answer_rows(gen, questions, response_ids, households):
    # ids first: a PostgreSQL connection cannot answer a query in the middle of a COPY
    ids = iter(gen.ids(SurveyAnswer, sum(9 if h["comments"] else 8 for h in households)))
    return _answers(ids, questions, response_ids, households)


def _answers(ids, questions, response_ids, households):
    for response_id, h in zip(response_ids, households):
        yield next(ids), response_id, questions["sex"], h["sex"], None
        yield next(ids), response_id, questions["age"], str(h["age"]), float(h["age"])
        yield next(ids), response_id, questions["commune"], h["commune"][1], None
        for name in ("trust_police", "police_work", "unsafe_night", "victim_12m"):
            yield next(ids), response_id, questions[name], h[name], None
        yield next(ids), response_id, questions["safety_score"], str(h["safety_score"]), float(h["safety_score"])
        if h["comments"]:
            yield next(ids), response_id, questions["comments"], h["comments"], None


def export_csv(out, commune_slugs, n, seed=2026):
    """Write a KoBoToolbox-like CSV export of n new households (the benchmark's import file) to the text file `out`.

    `commune_slugs`: the choice names of the round's communes.
    """
    rng = random.Random(f"export:{seed}")
    figures = dict(trust=0.6, opinion=0.6, insecurity=0.18, victims=0.25, score=6.5)
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for h in _households(rng, n, figures, [(None, slug) for slug in commune_slugs], 2026, 0xB0000000 + seed):
        writer.writerow([h["stamp"], h["stamp"], f"collect:{rng.getrandbits(32):08x}", h["sex"], h["age"],
                         h["commune"][1], f"+24381{rng.randint(1000000, 9999999)}", h["trust_police"],
                         h["police_work"], h["unsafe_night"], h["victim_12m"], h["safety_score"], h["comments"],
                         f"uuid:{h['instance']}", h["instance"], FORM_VERSION])
