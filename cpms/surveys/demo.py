"""Demo perception surveys in Mbuji-Mayi (Bipemba, Muya, Dibindi): a baseline in 2015 and an endline in 2017; and,
for the programme running today (context["current_programme"], Diulu and Kanshi), a midline round being collected:
fieldwork from ten days ago to three weeks from now, with the first responses received.

The responses are invented, generated so that the changes resemble the external evaluation of September 2017
(trust in police +41.3 %, opinion of police work +101 %, perceived insecurity −66 %, victimisation −19.6 %).
They go through the same preview and import as a KoBoToolbox export, personal columns included (dropped).
"""
import csv
import io
import random
from datetime import date, timedelta

from cpms.core.demo import demo_loader, say

SURVEY = [
    ("start", "start", "", ""), ("end", "end", "", ""), ("deviceid", "deviceid", "", ""),
    ("begin group", "respondent", "Respondent", "Répondant"),
    ("select_one sex", "sex", "Sex of the respondent", "Sexe du répondant"),
    ("integer", "age", "Age (years)", "Âge (ans)"),
    ("select_one commune", "commune", "Commune of residence", "Commune de résidence"),
    ("text", "phone", "Telephone number for a follow-up visit", "Numéro de téléphone pour une visite de suivi"),
    ("end group", "", "", ""),
    ("geopoint", "location", "Location of the household", "Position du ménage"),
    ("begin group", "police", "The police", "La police"),
    ("select_one agree", "trust_police", "I trust the police of my commune", "J'ai confiance en la police de ma commune"),
    ("select_one rating", "police_work", "How do you rate the work of the police?", "Comment jugez-vous le travail de la police ?"),
    ("end group", "", "", ""),
    ("begin group", "security", "Security", "Sécurité"),
    ("select_one yes_no_dk", "unsafe_night", "Do you feel unsafe in your quartier at night?",
     "Vous sentez-vous en insécurité dans votre quartier la nuit ?"),
    ("select_one yes_no", "victim_12m", "Were you or a member of your household a victim of a crime in the last 12 months?",
     "Vous-même ou un membre de votre ménage avez-vous été victime d'un crime au cours des 12 derniers mois ?"),
    ("integer", "safety_score", "How safe do you feel, from 1 (not at all) to 10 (completely)?",
     "À quel point vous sentez-vous en sécurité, de 1 (pas du tout) à 10 (tout à fait) ?"),
    ("text", "comments", "Comments", "Commentaires"),
    ("end group", "", "", ""),
]
CHOICES = [
    ("sex", "female", "Female", "Femme"), ("sex", "male", "Male", "Homme"),
    ("commune", "bipemba", "Bipemba", "Bipemba"), ("commune", "muya", "Muya", "Muya"),
    ("commune", "dibindi", "Dibindi", "Dibindi"), ("commune", "diulu", "Diulu", "Diulu"),
    ("commune", "kanshi", "Kanshi", "Kanshi"),
    ("agree", "strongly_disagree", "Strongly disagree", "Pas du tout d'accord"),
    ("agree", "disagree", "Disagree", "Pas d'accord"), ("agree", "neutral", "Neither agree nor disagree", "Ni d'accord ni pas d'accord"),
    ("agree", "agree", "Agree", "D'accord"), ("agree", "strongly_agree", "Strongly agree", "Tout à fait d'accord"),
    ("rating", "very_bad", "Very bad", "Très mauvais"), ("rating", "bad", "Bad", "Mauvais"),
    ("rating", "average", "Average", "Moyen"), ("rating", "good", "Good", "Bon"), ("rating", "very_good", "Very good", "Très bon"),
    ("yes_no_dk", "yes", "Yes", "Oui"), ("yes_no_dk", "no", "No", "Non"), ("yes_no_dk", "dont_know", "Don't know", "Ne sait pas"),
    ("yes_no", "yes", "Yes", "Oui"), ("yes_no", "no", "No", "Non"),
]
HEADER = ["start", "end", "deviceid", "respondent/sex", "respondent/age", "respondent/commune", "respondent/phone",
          "location", "_location_latitude", "_location_longitude", "police/trust_police", "police/police_work",
          "security/unsafe_night", "security/victim_12m", "security/safety_score", "security/comments",
          "meta/instanceID", "_uuid", "__version__", "_submitted_by"]

# what respondents wrote, (French, English); COMMENTS: the French ones (the benchmark's generator uses them)
COMMENT_PAIRS = [
    ("Les patrouilles sont plus fréquentes le soir.", "Patrols are more frequent in the evening."),
    ("Il faut plus d'éclairage sur l'avenue principale.", "The main avenue needs more lighting."),
    ("La police répond mieux aux plaintes qu'avant.", "The police answer complaints better than before."),
    ("Les jeunes désœuvrés posent problème au marché.", "Idle young people cause trouble at the market."),
    ("Le forum de quartier nous aide à parler avec la police.", "The neighbourhood forum helps us talk with the police."),
    ("", ""),
]
COMMENTS = [fr for fr, _en in COMMENT_PAIRS]


def comments():
    """What respondents wrote, in the demo's language."""
    return [say(fr, en) for fr, en in COMMENT_PAIRS]


def xlsform_bytes():
    from openpyxl import Workbook

    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name", "label::English (en)", "label::French (fr)"])
    for row in SURVEY:
        survey.append(list(row))
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)", "label::French (fr)"])
    for row in CHOICES:
        choices.append(list(row))
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append([say("Enquête de perception – police de proximité", "Perception survey – community policing"),
                     "perception_pdp", "2015.1", "French (fr)"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _exact(rng, n, share, yes, no):
    """n answers of which round(share·n) are drawn from `yes`, shuffled."""
    hits = round(share * n)
    values = [rng.choice(yes) for _ in range(hits)] + [rng.choice(no) for _ in range(n - hits)]
    rng.shuffle(values)
    return values


def responses_csv(seed, n, year, trust, opinion, insecurity, victims, score_mean, out=None, days=None,
                  communes=("bipemba", "muya", "dibindi")):
    """A KoBoToolbox-like CSV export (bytes), or written to the text file `out` when given. Interviews in May of
    `year`, or on the `days` given (in turn), in the `communes` (in turn)."""
    rng = random.Random(seed)
    remarks = comments()
    dont_know = n // 25
    unsafe = _exact(rng, n - dont_know, insecurity, ["yes"], ["no"]) + ["dont_know"] * dont_know
    rng.shuffle(unsafe)
    columns = dict(
        trust=_exact(rng, n, trust, ["agree", "strongly_agree"], ["strongly_disagree", "disagree", "neutral"]),
        opinion=_exact(rng, n, opinion, ["good", "very_good"], ["very_bad", "bad", "average"]),
        victim=_exact(rng, n, victims, ["yes"], ["no"]))
    buffer = out if out is not None else io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for i in range(n):
        uuid = f"{seed:04x}{i:04x}-5e1d-4c2a-9f00-{rng.getrandbits(48):012x}"
        score = min(10, max(1, round(rng.gauss(score_mean, 1.8))))
        day = days[i % len(days)].isoformat() if days else f"{year}-05-{1 + i % 28:02d}"
        stamp = f"{day}T09:{i % 60:02d}:00"
        writer.writerow([stamp, stamp, f"collect:demo{rng.getrandbits(32):08x}",
                         rng.choice(["female", "male"]), rng.randint(18, 70), communes[i % len(communes)],
                         f"+24381{rng.randint(1000000, 9999999)}", "-6.12 23.59 600 5", "-6.12", "23.59",
                         columns["trust"][i], columns["opinion"][i], unsafe[i], columns["victim"][i], score,
                         rng.choice(remarks), f"uuid:{uuid}", uuid, "2015.1", "enqueteur_demo"])
    return None if out is not None else buffer.getvalue().encode("utf-8")


@demo_loader
def load_surveys(context):
    from sqlalchemy import select

    from cpms.extensions import db
    from cpms.geo.models import Commune
    from cpms.surveys.service import (
        create_instrument,
        create_measure,
        create_round,
        instrument_questions,
        keep_questions,
    )

    actor = context.get("users", {}).get("suivi@demo.cpms.example")
    programme = context["programmes"]["PDP-KOR-2015"]
    instrument = create_instrument(stream=io.BytesIO(xlsform_bytes()))
    questions = {q.name: q for q in instrument_questions(instrument)}
    # the telephone numbers are not stored (free text is not, by default); the comments are kept, with a reason
    keep_questions(instrument, [questions["comments"].id], "Suggestions of residents, read for the quarterly report")
    for question, kind, name_en, name_fr, values, excluded, higher_is_better in [
        ("trust_police", "share", "Trust in the police", "Confiance en la police", ["agree", "strongly_agree"], [], True),
        ("police_work", "share", "Good opinion of police work", "Opinion favorable du travail de la police",
         ["good", "very_good"], [], True),
        ("unsafe_night", "rate", "Perceived insecurity at night", "Sentiment d'insécurité la nuit", ["yes"],
         ["dont_know"], False),
        ("victim_12m", "rate", "Household victim of a crime (12 months)", "Ménage victime d'un crime (12 mois)",
         ["yes"], [], False),
        ("safety_score", "mean", "Safety score (1–10)", "Note de sécurité (1–10)", [], [], True),
    ]:
        create_measure(instrument, question_id=questions[question].id, kind=kind, name_en=name_en,
                       name_fr=name_fr, values=values, excluded_values=excluded, higher_is_better=higher_is_better)
    communes = db.session.scalars(select(Commune.id).where(Commune.name.in_(["Bipemba", "Muya", "Dibindi"]))).all()
    rounds = []
    notes = say("Enquête auprès des ménages, marche aléatoire depuis le centre des quartiers, un adulte par ménage, "
                "environ 140 à 150 ménages par commune.",
                "Household survey, random walk from quartier centres, one adult per household, about 140–150 "
                "households per commune.")
    for name, kind, start, end, seed, n, figures in [
        (say("Enquête de base 2015 – Mbuji-Mayi", "Baseline survey 2015 – Mbuji-Mayi"), "baseline", date(2015, 5, 4),
         date(2015, 5, 29), 2015, 420, dict(trust=0.38, opinion=0.27, insecurity=0.62, victims=0.35, score_mean=4.3)),
        (say("Enquête finale 2017 – Mbuji-Mayi", "Endline survey 2017 – Mbuji-Mayi"), "endline", date(2017, 6, 5),
         date(2017, 6, 30), 2017, 450, dict(trust=0.537, opinion=0.543, insecurity=0.211, victims=0.281,
                                            score_mean=6.2)),
    ]:
        survey_round = create_round(instrument_id=instrument.id, programme_id=programme.id, name=name, kind=kind,
                                    start_date=start, end_date=end, commune_ids=communes, weight_column="",
                                    sampling_notes=notes, sex_question="sex", age_question="age",
                                    commune_question="commune")
        _import(actor, survey_round, responses_csv(seed, n, start.year, **figures), f"perception_{start.year}.csv")
        rounds.append(survey_round)
    if context.get("current_programme") is not None:
        rounds.append(_current_round(actor, instrument, context["current_programme"]))
    return {"survey rounds": len(rounds)}


def _import(actor, survey_round, data, filename):
    from cpms.surveys import imports
    summary = imports.preview_import(actor, survey_round, io.BytesIO(data), filename)
    if summary["has_errors"]:
        raise RuntimeError(f"demo survey import refused: {summary['problems']}")
    imports.confirm_import(actor, survey_round, summary["token"])


CURRENT_RESPONSES = 36  # the first days of fieldwork: enough for the totals (MIN_CELL), not for every breakdown


def _current_round(actor, instrument, programme, today=None):
    """The midline round of the programme running today, being collected: fieldwork from ten days ago to three
    weeks from now (within the programme), the responses of the days gone by."""
    from sqlalchemy import select

    from cpms.extensions import db
    from cpms.geo.models import Commune
    from cpms.surveys.service import create_round

    today = today or date.today()
    start = max(programme.start_date, today - timedelta(days=10))
    end = min(programme.end_date or today + timedelta(days=21), today + timedelta(days=21))
    communes = db.session.scalars(select(Commune.id).where(Commune.name.in_(["Diulu", "Kanshi"]))).all()
    survey_round = create_round(
        instrument_id=instrument.id, programme_id=programme.id, kind="midline",
        name=say(f"Enquête à mi-parcours {today.year} – Diulu et Kanshi", f"Midline survey {today.year} – Diulu and Kanshi"),
        start_date=start, end_date=end, commune_ids=communes, weight_column="",
        sampling_notes=say("Collecte en cours : 300 ménages prévus (150 par commune), les premiers questionnaires "
                           "sont arrivés.",
                           "Collection under way: 300 households planned (150 per commune), the first questionnaires "
                           "have arrived."),
        sex_question="sex", age_question="age", commune_question="commune")
    days = [start + timedelta(days=i) for i in range((today - start).days + 1)]
    data = responses_csv(today.year, CURRENT_RESPONSES, today.year, trust=0.47, opinion=0.44, insecurity=0.33,
                         victims=0.3, score_mean=5.6, days=days, communes=("diulu", "kanshi"))
    _import(actor, survey_round, data, f"perception_{today.isoformat()}.csv")
    return survey_round
