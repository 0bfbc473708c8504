"""Demo outreach activities, in the spirit of the programme documents:

- the week-long police–population trust workshop of Masisi (North Kivu), 2017: 25 police officers from the trainee
  registry and 25 civil-society representatives, with its attendance sheet; it belongs to a small North Kivu
  programme created here, as no other demo programme covers the province, which follows up the three actions agreed
  there (one done, one dropped, one open and overdue: the committee it called for was never set up);
- in Mbuji-Mayi (PDP-KOR-2015): a radio programme heard in Bipemba (audience counted), a training of journalists in
  Muya with its questionnaires before and after, community theatre on SGBV in Dibindi;
- on the programme running today: a school session in Diulu last month and a market session in Kanshi next week,
  whose facilitators (the demo project officer and a partner with an e-mail address) are reminded before it.

The outreach indicators go into the library (late: after the indicators domain made it), and people reached into
the Mbuji-Mayi framework. Names are invented; a fixed random seed keeps the dataset the same at every load.
"""
import io
import random
from datetime import date, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from cpms.core.demo import demo_loader, say
from cpms.extensions import db
from cpms.geo.models import Commune, Province
from cpms.outreach import service

FIRST = {"F": ["Mapendo", "Furaha", "Neema", "Riziki", "Aline", "Esther", "Solange"],
         "M": ["Bahati", "Jean-Paul", "Innocent", "Amani", "Espoir", "Patrick", "Josué"]}
LAST = ["Bisimwa", "Kahindo", "Mumbere", "Kavira", "Habimana", "Muhindo", "Masika", "Kasereka", "Ndayambaje"]
# the 25 civil-society seats of the Masisi workshop: (category, organisation, women, men)
MASISI_SEATS = [("womens_group", "Femmes pour la paix de Masisi", 5, 0), ("youth", "Parlement des jeunes", 2, 3),
                ("leader", "Chefferie de Bashali", 1, 4), ("leader", "Église CBCA Masisi", 0, 2),
                ("media", "Radio communautaire Masisi", 1, 2), ("local_authority", "Administration du territoire", 1, 4)]
# (code, name_en, name_fr, unit, aggregation, computation, disaggregations)
INDICATORS = [
    ("OUT-REACH", "People reached by outreach activities", "Personnes touchées par les activités de sensibilisation",
     "count", "sum", "outreach_people_reached", ["sex", "province", "commune", "outreach_category"]),
    ("OUT-TRN", "Journalists and civil-society members trained", "Journalistes et membres de la société civile formés",
     "count", "sum", "outreach_people_trained", ["sex", "province", "commune", "outreach_category"]),
    ("OUT-WSH", "Joint police–population workshops held with both sides present",
     "Ateliers conjoints police–population tenus avec les deux parties", "count", "sum", "outreach_joint_workshops",
     ["province", "commune"]),
    ("OUT-GAIN", "Mean knowledge gain of journalists and civil-society members trained (points)",
     "Gain moyen de connaissances des journalistes et membres de la société civile formés (points)", "number",
     "average", "outreach_knowledge_gain", ["sex", "outreach_category"]),
]


def _commune(name):
    return db.session.scalar(select(Commune).where(Commune.name == name))


def _activity(programme, commune, kind, topic, title, start, days=1, **fields):
    return service.create_activity(None, kind=kind, title=title, topic=topic, programme_id=programme.id,
                                   commune_id=_commune(commune).id, quartier=fields.pop("quartier", ""),
                                   start_date=start, end_date=start + timedelta(days=days - 1),
                                   language=fields.pop("language", "Français"), partners=fields.pop("partners", ""),
                                   facilitators=fields.pop("facilitators", ""), cost=fields.pop("cost", None),
                                   currency="USD")


def _civilians(rng, activity, seats):
    for category, organisation, women, men in seats:
        for sex in "F" * women + "M" * men:
            service.add_civilian(activity, name=f"{rng.choice(FIRST[sex])} {rng.choice(LAST)}",
                                 organisation=organisation, category=category, sex=sex)


def _attendance_sheet():
    """A small picture standing for the scanned attendance sheet."""
    sheet = Image.new("RGB", (420, 594), "white")
    draw = ImageDraw.Draw(sheet)
    draw.text((30, 30), "Liste de presence - Atelier police-population, Masisi", fill="black")
    for row in range(50):
        draw.line((30, 70 + row * 10, 390, 70 + row * 10), fill=(180, 180, 180))
    buffer = io.BytesIO()
    sheet.save(buffer, "PNG")
    return FileStorage(stream=io.BytesIO(buffer.getvalue()), filename="liste-presence.png")


def _masisi_officers(rng):
    """25 officers of Masisi in the registry (matricules 17-9xxxxx), about a fifth women."""
    from cpms.training.models import Rank
    from cpms.training.service import create_trainee
    ranks = db.session.scalars(select(Rank).order_by(Rank.position)).all()[:4]
    communes = [_commune("Masisi centre"), _commune("Sake")]
    officers = []
    for n in range(25):
        sex = "F" if n % 5 == 0 else "M"
        officers.append(create_trainee(matricule=f"17{950001 + n:06d}", last_name=rng.choice(LAST), first_name=
                                       rng.choice(FIRST[sex]), post_name="", sex=sex, commune_id=communes[n % 2].id,
                                       rank_id=rng.choice(ranks).id if ranks else None))
    return officers


def _masisi(rng):
    from cpms.programmes.service import create_programme
    province = db.session.scalar(select(Province).where(Province.name == "Nord-Kivu"))
    programme = create_programme(code="PDP-NKV-2017", name="Police de proximité – Masisi 2017", donors="Pays-Bas",
                                 start_date=date(2017, 1, 1), end_date=date(2017, 12, 31), requires_vetting=False,
                                 province_ids=[province.id],
                                 description=say("Dialogue entre la police et la population du territoire de Masisi.",
                                                 "Dialogue between the police and the population of Masisi "
                                                 "territory."))
    workshop = _activity(programme, "Masisi centre", "joint_workshop", "community_policing",
                         say("Atelier de confiance police–population de Masisi",
                             "Masisi police–population trust workshop"),
                         date(2017, 5, 15), days=5, quartier="Centre", language="Swahili",
                         partners="Femmes pour la paix de Masisi; Radio communautaire Masisi",
                         facilitators="Mapendo Kavira; Commissaire Amani Muhindo", cost=6200)
    for officer in _masisi_officers(rng):
        service.add_officer(None, workshop, officer.matricule)
    _civilians(rng, workshop, MASISI_SEATS)
    service.add_evidence(None, workshop, kind="attendance_sheet", upload=_attendance_sheet())
    _masisi_actions(workshop)
    return workshop


def _masisi_actions(workshop):
    """The actions agreed at the end of the Masisi workshop, followed up by its programme (no committee in Masisi):
    one done, one dropped, one still open and overdue."""
    done = service.agree_action(None, workshop, committee_id=0, description=say(
        "Tenir une permanence mensuelle de la police au marché de Masisi centre",
        "Hold a monthly police desk at Masisi centre market"),
        responsible="Commissaire Amani Muhindo", due_date=date(2017, 7, 1))
    service.update_programme_action(done, status="done", today=date(2017, 6, 28), note=say(
        "Première permanence tenue le 3 juin, puis chaque premier samedi du mois.",
        "First desk held on 3 June, then every first Saturday of the month."))
    dropped = service.agree_action(None, workshop, committee_id=0, description=say(
        "Émission radio mensuelle police–population sur Radio communautaire Masisi",
        "Monthly police–population programme on Radio communautaire Masisi"),
        responsible="Radio communautaire Masisi", due_date=date(2017, 8, 31))
    service.update_programme_action(dropped, status="dropped", today=date(2017, 9, 15), note=say(
        "La radio a cessé d'émettre faute de carburant pour son groupe électrogène.",
        "The radio went off air: no fuel for its generator."))
    service.agree_action(None, workshop, committee_id=0, description=say(
        "Mettre en place un comité local de sécurité de proximité à Masisi centre",
        "Set up a local community-security committee in Masisi centre"),
        responsible="Administration du territoire", due_date=date(2017, 10, 31))


def _mbuji_mayi(rng, programme):
    radio = _activity(programme, "Bipemba", "radio", "sgbv", say("Émission « Police et population » sur Radio Okapi",
                                                                 "“Police and population” programme on Radio Okapi"),
                      date(2016, 11, 8), language="Tshiluba", partners="Radio Okapi")
    for sex, people in (("F", 4200), ("M", 3800)):
        service.set_count(radio, category="public", sex=sex, people=people,
                          estimate_source=say("Enquête d'audience de la radio", "The radio's audience survey"))
    training = _activity(programme, "Muya", "media_training", "child_protection",
                         say("Formation des journalistes sur la protection de l'enfant",
                             "Training of journalists on child protection"),
                         date(2016, 9, 12), days=3, partners="UNICEF", facilitators="Chantal Ngalula", cost=2400)
    _civilians(rng, training, [("media", "Radio Tshiondo", 2, 4), ("media", "RTNC Kasaï-Oriental", 1, 3)])
    scores = {}
    for participant in service.activity_roster(training):  # one journalist missed the last day's questionnaire
        pre = rng.randrange(30, 60)
        scores[participant.id] = (pre, None if not scores else min(pre + rng.randrange(5, 35), 100))
    service.record_scores(training, scores)
    theatre = _activity(programme, "Dibindi", "theatre", "sgbv", say("Théâtre forum sur les violences sexuelles",
                                                                     "Forum theatre on sexual violence"),
                        date(2017, 2, 18), quartier="Lukelenge", language="Tshiluba", cost=350)
    for category, sex, people in (("public", "F", 260), ("public", "M", 190), ("youth", "F", 45), ("youth", "M", 60)):
        service.set_count(theatre, category=category, sex=sex, people=people,
                          estimate_source=say("Comptage à l'entrée", "Head count at the entrance"))
    return 3


def _today(rng, programme):
    today = date.today()
    school = _activity(programme, "Diulu", "session", "child_protection",
                       say("Causerie dans les écoles de Diulu", "Talk in the schools of Diulu"), today - timedelta(days=30))
    for sex, people in (("F", 140), ("M", 155)):
        service.set_count(school, category="youth", sex=sex, people=people,
                          estimate_source=say("Registres des écoles", "The schools' registers"))
    market = _activity(programme, "Kanshi", "session", "community_policing",
                       say("Sensibilisation au marché de Kanshi", "Awareness session at Kanshi market"),
                       today + timedelta(days=7), language="Tshiluba", facilitators="Kapinga Mbuyi")
    service.add_facilitator(market, user_id=0, name="Kapinga Mbuyi", email="kapinga.mbuyi@example.org")
    from cpms.auth.models import User
    officer = db.session.scalar(select(User).where(User.email == "projet@demo.cpms.example"))
    if officer is not None and officer.id in {uid for uid, _name in service.facilitator_user_choices(market)}:
        service.add_facilitator(market, user_id=officer.id, name="", email="")
    return 2


@demo_loader
def load_outreach(context):
    rng = random.Random(2017)
    workshop = _masisi(rng)
    made = 1 + _mbuji_mayi(rng, context["programmes"]["PDP-KOR-2015"]) + _today(rng, context["current_programme"])
    context["outreach_masisi_workshop"] = workshop
    return {"outreach activities": made}


@demo_loader(late=True)
def load_outreach_indicators(context):
    """The outreach indicators in the library; people reached in the Mbuji-Mayi framework (outcome OC2)."""
    from cpms.indicators.models import ResultNode
    from cpms.indicators.service import add_programme_indicator, create_indicator
    library = {code: create_indicator(code=code, name_en=name_en, name_fr=name_fr, definition="", unit=unit,
                                      direction="higher", aggregation=aggregation, source="computed",
                                      computation=computation, computation_param="", disaggregations=dimensions,
                                      is_active=True)
               for code, name_en, name_fr, unit, aggregation, computation, dimensions in INDICATORS}
    programme = context["programmes"]["PDP-KOR-2015"]
    node = db.session.scalar(select(ResultNode).where(ResultNode.programme_id == programme.id,
                                                      ResultNode.code == "OC2"))
    if node is not None:
        add_programme_indicator(programme, node_id=node.id, indicator_id=library["OUT-REACH"].id, code="OUT-REACH",
                                position=90, baseline_value=None, baseline_date=None, lop_target=20000)
    return {"outreach indicators": len(library)}
