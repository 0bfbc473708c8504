"""Demo postings and coaching visits, in the spirit of the 2016 programmes in Mbuji-Mayi and Lubumbashi.

The graduates of the demo cohorts are posted after the close-out: Mbuji-Mayi's to Bipemba, Muya and Dibindi
(in January 2017 part of the Bipemba group moves into the new station and sub-stations), Lubumbashi's to
Kampemba, and the trainers trained at the police academy to Annexe. A seeded generator then lets some leave
early (transfer out of the area, resignation, dismissal, death, other), some move within the area, and some
leave after the three years the memorandum asks for. Coaching visits by senior officers and civil-society
representatives follow the officers in 2016–2017, with follow-up actions done or still open. People and
organisations are invented.
"""
import random
from datetime import date, timedelta

from sqlalchemy import select

from cpms.core.demo import demo_loader
from cpms.extensions import db

# early departures: (reason, probability per officer, note for "other")
EARLY = [("transfer_out", 0.05, ""), ("resignation", 0.03, ""), ("dismissal", 0.015, ""), ("death", 0.008, ""),
         ("other", 0.012, "Mise en disponibilité pour études")]
LATE_TRANSFER = 0.12  # share of officers transferred out after the minimum period
WITHIN_AREA_MOVE = 0.06  # share moving to another commune of the area

COACHES = [
    ("Commissaire supérieur Albert Mukendi", "senior_officer", "PNC – Commissariat provincial du Kasaï-Oriental"),
    ("Commissaire Jeanne Kalonji", "senior_officer", "PNC – Inspection provinciale"),
    ("Mama Thérèse Kapinga", "civil_society", "Réseau des femmes leaders de Bipemba"),
    ("Papy Ntumba Kabeya", "civil_society", "Collectif des jeunes de Muya"),
    ("Commissaire principal Serge Kyungu", "senior_officer", "PNC – Commissariat provincial du Haut-Katanga"),
    ("Félicité Monga Numbi", "civil_society", "Association des commerçantes de Kampemba"),
]
# (commune, date, coach index, station name or None, observations, follow-up actions [(what, who, days)])
VISITS = [
    ("Bipemba", date(2016, 10, 20), 0, None,
     "Patrouilles à pied au marché de Bipemba ; bon contact avec les commerçants. Les registres de plaintes ne sont "
     "pas tenus partout.", [("Former les agents à la tenue du registre des plaintes", "Chef de poste", 30),
                            ("Afficher les numéros d'appel au marché", "Commandant de la commune", 45)]),
    ("Muya", date(2016, 11, 8), 3, None,
     "Les jeunes du quartier disent être mieux reçus au poste. Deux agents ont été vus percevoir des « frais » "
     "pour une plainte.", [("Rappel sur la gratuité des plaintes, en réunion de service", "Commandant", 14),
                           ("Rencontre entre agents et collectif des jeunes", "Collectif des jeunes de Muya", 60)]),
    ("Dibindi", date(2016, 11, 24), 1, None,
     "Accueil des victimes de violences sexuelles encore fait au comptoir, sans confidentialité.",
     [("Aménager un coin d'accueil confidentiel", "Chef de poste", 45)]),
    ("Bipemba", date(2017, 1, 25), 2, "Commissariat de Bipemba",
     "Installation dans le nouveau commissariat : le bureau SGBV et protection de l'enfance fonctionne ; une "
     "policière est présente à chaque permanence.", [("Compléter l'équipement du bureau SGBV", "Projet", 30)]),
    ("Muya", date(2017, 3, 15), 0, None,
     "Forum de quartier tenu avec la police ; les patrouilles de nuit ont repris dans deux quartiers.",
     [("Planifier les patrouilles de nuit avec le CLSP", "Commandant", 30)]),
    ("Dibindi", date(2017, 5, 10), 3, None,
     "Les habitants signalent moins de tracasseries aux barrières. Les agents demandent une formation de "
     "rappel sur les droits humains.", [("Organiser une journée de rappel sur les droits humains", "Formateur", 60)]),
    ("Bipemba", date(2017, 6, 21), 1, "Sous-commissariat de Tshiala",
     "Bonne tenue des registres ; délais de transmission des dossiers au parquet encore longs.",
     [("Suivre les délais de transmission au parquet", "Officier de police judiciaire", 45)]),
    ("Kampemba", date(2016, 11, 3), 4, None,
     "Patrouilles mixtes avec les chefs de quartier ; contrôle routier jugé plus correct par les motocyclistes.",
     [("Partager le calendrier des patrouilles avec les chefs de quartier", "Commandant", 21)]),
    ("Kampemba", date(2017, 2, 14), 5, None,
     "Les commerçantes du marché saluent la présence policière ; des plaintes pour vol restent sans suite.",
     [("Faire le point sur les plaintes pour vol en souffrance", "Officier de police judiciaire", 30),
      ("Réunion trimestrielle police–commerçantes", "Association des commerçantes de Kampemba", 90)]),
    ("Kampemba", date(2017, 8, 30), 4, None,
     "Les agents de police des frontières et des mines formés en 2016 sont en poste ; besoin de tenues et de "
     "moyens de communication.", [("Transmettre le besoin en équipement au commissariat provincial", "Commandant", 30)]),
]


def _commune_ids(names):
    from cpms.geo.models import Commune
    return {c.name: c.id for c in db.session.scalars(select(Commune).where(Commune.name.in_(names)))}


def _stations():
    from cpms.stations.models import Station
    return {s.name: s for s in db.session.scalars(select(Station))}


def _post_cohorts(rng, communes):
    """Post every demo cohort's graduates; returns the postings made, by area ("kasai" or "katanga")."""
    from cpms.deployments.service import cohort_graduates, post_graduates
    from cpms.training.models import Cohort

    made = {"kasai": [], "katanga": []}
    for cohort in db.session.scalars(select(Cohort).order_by(Cohort.start_date, Cohort.id)):
        ids = [trainee.id for trainee, _postings in cohort_graduates(cohort)]
        rng.shuffle(ids)
        start = cohort.end_date + timedelta(days=4)
        if cohort.course.course_type == "tot":
            groups, function, area = [("Annexe", ids)], "Formateur", "katanga"
        elif cohort.programme.code == "PDP-KOR-2015":
            third = len(ids) // 3
            groups = [("Bipemba", ids[:third]), ("Muya", ids[third:2 * third]), ("Dibindi", ids[2 * third:])]
            function, area = ("Agent de la police des mines" if cohort.course.course_type == "mining"
                              else "Agent de police de proximité"), "kasai"
        else:
            groups = [("Kampemba", ids)]
            function = {"mining": "Agent de la police des mines", "border": "Agent de la police des frontières"}.get(
                cohort.course.course_type, "Agent de police de proximité")
            area = "katanga"
        for commune, group in groups:
            if group:
                made[area] += post_graduates(None, cohort, group, commune_id=communes[commune], function=function,
                                             start_date=start)
    return made


def _fields(posting, **changes):
    values = dict(station_id=posting.station_id, commune_id=None if posting.station_id else posting.commune_id,
                  function=posting.function, start_date=posting.start_date, end_date=posting.end_date,
                  end_reason=posting.end_reason, end_note=posting.end_note)
    values.update(changes)
    return values


def _move_into_new_stations(rng, postings, stations):
    """About half of the Bipemba group moves into the station and sub-stations handed over in December 2016."""
    from cpms.deployments.service import create_posting, update_posting

    names = [name for name in stations if name.endswith(("de Bipemba", "de Mpokolo", "de Tshiala", "de Kansele",
                                                         "de Nyongolo"))]
    moved = []
    for posting in postings:
        if posting.commune.name != "Bipemba" or not names or rng.random() > 0.5:
            moved.append(posting)
            continue
        update_posting(None, posting, **_fields(posting, end_date=date(2017, 1, 15)))
        station = stations[rng.choice(names)]
        moved.append(create_posting(None, posting.trainee, station_id=station.id, function=posting.function,
                                    start_date=date(2017, 1, 16)))
    return moved


def _life_events(rng, postings, communes, area_communes, outside, today):
    """Early departures, moves within the area and transfers after the minimum period."""
    from cpms.deployments.service import create_posting, update_posting

    counts = {"early departures": 0}
    for posting in postings:
        roll, threshold = rng.random(), 0.0
        for reason, probability, note in EARLY:
            threshold += probability
            if roll < threshold:
                left = min(posting.start_date + timedelta(days=rng.randrange(90, 950)), today - timedelta(days=1))
                update_posting(None, posting, **_fields(posting, end_date=left, end_reason=reason, end_note=note))
                counts["early departures"] += 1
                if reason == "transfer_out":
                    create_posting(None, posting.trainee, commune_id=communes[rng.choice(outside)],
                                   function=posting.function, start_date=left + timedelta(days=1))
                break
        else:
            roll -= threshold
            if roll < WITHIN_AREA_MOVE:
                moved_on = min(posting.start_date + timedelta(days=rng.randrange(200, 900)), today - timedelta(days=1))
                update_posting(None, posting, **_fields(posting, end_date=moved_on))
                choices = [name for name in area_communes if communes[name] != posting.commune_id]
                create_posting(None, posting.trainee, commune_id=communes[rng.choice(choices)],
                               function=posting.function, start_date=moved_on + timedelta(days=1))
            elif roll < WITHIN_AREA_MOVE + LATE_TRANSFER:
                left = min(posting.start_date + timedelta(days=rng.randrange(1140, 1900)), today - timedelta(days=1))
                update_posting(None, posting, **_fields(posting, end_date=left, end_reason="transfer_out"))
    return counts


def _coaching(rng, communes, stations, today):
    from cpms.deployments.models import FollowUpAction, Posting
    from cpms.deployments.service.coaching import create_visit
    from cpms.training.models import Trainee

    visits = 0
    for commune, day, coach, station_name, observations, actions in VISITS:
        in_post = db.session.scalars(
            select(Trainee.matricule).join(Posting, Posting.trainee_id == Trainee.id)
            .where(Posting.commune_id == communes[commune], Posting.start_date <= day,
                   (Posting.end_date.is_(None)) | (Posting.end_date >= day))
            .order_by(Trainee.id)).all()
        if not in_post:
            continue
        seen = rng.sample(in_post, min(len(in_post), rng.randint(4, 9)))
        name, kind, organisation = COACHES[coach]
        station = stations.get(station_name)
        visit = create_visit(None, visit_date=day, station_id=station.id if station else None,
                             commune_id=None if station else communes[commune], coach_name=name, coach_type=kind,
                             coach_organisation=organisation, observations=observations, matricules=seen,
                             actions=[{"description": what, "responsible": who, "due_date": day + timedelta(days=days),
                                       "is_done": n == 0 or rng.random() < 0.5}
                                      for n, (what, who, days) in enumerate(actions)], today=today)
        for action in db.session.scalars(select(FollowUpAction).where(FollowUpAction.visit_id == visit.id,
                                                                      FollowUpAction.is_done.is_(True))):
            action.done_on = action.due_date - timedelta(days=rng.randrange(0, 10))
        visits += 1
    return visits


@demo_loader
def load_deployments(context):
    rng = random.Random(2017)
    today = date.today()
    kasai_communes, katanga_communes = ["Bipemba", "Muya", "Dibindi"], ["Kampemba", "Annexe", "Katuba"]
    communes = _commune_ids(kasai_communes + katanga_communes + ["Gombe", "Nganza"])
    stations = _stations()
    made = _post_cohorts(rng, communes)
    posted = len(made["kasai"]) + len(made["katanga"])
    kasai = _move_into_new_stations(rng, made["kasai"], stations)
    counts = _life_events(rng, kasai, communes, kasai_communes, ["Gombe", "Nganza"], today)
    more = _life_events(rng, made["katanga"], communes, katanga_communes, ["Gombe", "Nganza"], today)
    db.session.flush()
    return {"officers posted": posted, "early departures": counts["early departures"] + more["early departures"],
            "coaching visits": _coaching(rng, communes, stations, today)}
