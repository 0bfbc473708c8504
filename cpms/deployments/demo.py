"""Demo postings and coaching visits, in the spirit of the 2016 programmes in Mbuji-Mayi and Lubumbashi.

The graduates of the demo cohorts are posted after the close-out: Mbuji-Mayi's to Bipemba, Muya and Dibindi
(in January 2017 part of the Bipemba group moves into the new station and sub-stations), Lubumbashi's to
Kampemba, and the trainers trained at the police academy to Annexe. A seeded generator then lets some leave
early (transfer out of the area, resignation, dismissal, death, other), some move within the area, and some
leave after the three years the memorandum asks for. Coaching visits by senior officers and civil-society
representatives follow the officers in 2016–2017, with follow-up actions done or still open. For the programme running
today, a few officers trained in Bipemba moved to the Diulu commissariat five weeks ago (and the graduates of the
programme's ended cohorts, if any, are posted there); two recent coaching visits left follow-up actions overdue, due
this week and next week. Every sentence is given in French and English (`say`). People and organisations are
invented.
"""
import random
from datetime import date, timedelta

from sqlalchemy import select

from cpms.core.demo import demo_loader, say
from cpms.extensions import db

# early departures: (reason, probability per officer, note for "other")
EARLY = [("transfer_out", 0.05, ""), ("resignation", 0.03, ""), ("dismissal", 0.015, ""), ("death", 0.008, ""),
         ("other", 0.012, "leave")]  # "other" has a note
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
def _visits(say=say):
    return [
        ("Bipemba", date(2016, 10, 20), 0, None,
         say("Patrouilles à pied au marché de Bipemba ; bon contact avec les commerçants. Les registres de plaintes ne "
             "sont pas tenus partout.", "Foot patrols in Bipemba market; good contact with traders. Complaint "
             "registers are not kept everywhere."),
         [(say("Former les agents à la tenue du registre des plaintes", "Train the officers to keep the complaints "
               "register"), say("Chef de poste", "Station chief"), 30),
          (say("Afficher les numéros d'appel au marché", "Post the phone numbers at the market"),
           say("Commandant de la commune", "Commune commander"), 45)]),
        ("Muya", date(2016, 11, 8), 3, None,
         say("Les jeunes du quartier disent être mieux reçus au poste. Deux agents ont été vus percevoir des « frais » "
             "pour une plainte.", "Young people say they are better received at the post. Two officers were seen "
             "taking \"fees\" for a complaint."),
         [(say("Rappel sur la gratuité des plaintes, en réunion de service", "Reminder at the staff meeting that "
               "complaints are free"), say("Commandant", "Commander"), 14),
          (say("Rencontre entre agents et collectif des jeunes", "Meeting between officers and the youth collective"),
           "Collectif des jeunes de Muya", 60)]),
        ("Dibindi", date(2016, 11, 24), 1, None,
         say("Accueil des victimes de violences sexuelles encore fait au comptoir, sans confidentialité.",
             "Victims of sexual violence are still received at the counter, without privacy."),
         [(say("Aménager un coin d'accueil confidentiel", "Set up a private reception corner"),
           say("Chef de poste", "Station chief"), 45)]),
        ("Bipemba", date(2017, 1, 25), 2, "Commissariat de Bipemba",
         say("Installation dans le nouveau commissariat : le bureau SGBV et protection de l'enfance fonctionne ; une "
             "policière est présente à chaque permanence.", "Moved into the new station: the SGBV and "
             "child-protection desk works; a policewoman is on every shift."),
         [(say("Compléter l'équipement du bureau SGBV", "Complete the SGBV desk's equipment"),
           say("Projet", "Project"), 30)]),
        ("Muya", date(2017, 3, 15), 0, None,
         say("Forum de quartier tenu avec la police ; les patrouilles de nuit ont repris dans deux quartiers.",
             "Neighbourhood forum held with the police; night patrols have resumed in two neighbourhoods."),
         [(say("Planifier les patrouilles de nuit avec le CLSP", "Plan the night patrols with the CLSP"),
           say("Commandant", "Commander"), 30)]),
        ("Dibindi", date(2017, 5, 10), 3, None,
         say("Les habitants signalent moins de tracasseries aux barrières. Les agents demandent une formation de "
             "rappel sur les droits humains.", "Residents report less harassment at checkpoints. The officers ask "
             "for a refresher on human rights."),
         [(say("Organiser une journée de rappel sur les droits humains", "Hold a human-rights refresher day"),
           say("Formateur", "Trainer"), 60)]),
        ("Bipemba", date(2017, 6, 21), 1, "Sous-commissariat de Tshiala",
         say("Bonne tenue des registres ; délais de transmission des dossiers au parquet encore longs.",
             "Registers well kept; files still take long to reach the prosecutor."),
         [(say("Suivre les délais de transmission au parquet", "Follow up the time files take to reach the "
               "prosecutor"), say("Officier de police judiciaire", "Judicial police officer"), 45)]),
        ("Kampemba", date(2016, 11, 3), 4, None,
         say("Patrouilles mixtes avec les chefs de quartier ; contrôle routier jugé plus correct par les "
             "motocyclistes.", "Joint patrols with neighbourhood chiefs; motorcyclists find road checks fairer."),
         [(say("Partager le calendrier des patrouilles avec les chefs de quartier", "Share the patrol calendar with "
               "the neighbourhood chiefs"), say("Commandant", "Commander"), 21)]),
        ("Kampemba", date(2017, 2, 14), 5, None,
         say("Les commerçantes du marché saluent la présence policière ; des plaintes pour vol restent sans suite.",
             "The market's women traders welcome the police presence; theft complaints remain unanswered."),
         [(say("Faire le point sur les plaintes pour vol en souffrance", "Review the pending theft complaints"),
           say("Officier de police judiciaire", "Judicial police officer"), 30),
          (say("Réunion trimestrielle police–commerçantes", "Quarterly police–women traders meeting"),
           "Association des commerçantes de Kampemba", 90)]),
        ("Kampemba", date(2017, 8, 30), 4, None,
         say("Les agents de police des frontières et des mines formés en 2016 sont en poste ; besoin de tenues et de "
             "moyens de communication.", "The border and mining police officers trained in 2016 are in post; they "
             "need uniforms and radios."),
         [(say("Transmettre le besoin en équipement au commissariat provincial", "Pass the equipment needs on to "
               "the provincial police"), say("Commandant", "Commander"), 30)]),
    ]


# in French, for the benchmark's data generator (bench/generate/deployments.py), which runs without the demo's language
VISITS = _visits(lambda fr, en: fr)


def _function(course_type):
    return {"mining": say("Agent de la police des mines", "Mining police officer"),
            "border": say("Agent de la police des frontières", "Border police officer"),
            "tot": say("Formateur", "Trainer")}.get(course_type, say("Agent de police de proximité",
                                                                     "Community police officer"))


def _commune_ids(names):
    from cpms.geo.models import Commune
    return {c.name: c.id for c in db.session.scalars(select(Commune).where(Commune.name.in_(names)))}


def _stations():
    from cpms.stations.models import Station
    return {s.name: s for s in db.session.scalars(select(Station))}


def _post_cohorts(rng, communes, programme_ids):
    """Post the graduates of every cohort of the historical programmes (`programme_ids`; today's programme posts
    its own in _post_current); returns the postings made, by area ("kasai" or "katanga")."""
    from cpms.deployments.service import cohort_graduates, post_graduates
    from cpms.training.models import Cohort

    made = {"kasai": [], "katanga": []}
    for cohort in db.session.scalars(select(Cohort).where(Cohort.programme_id.in_(programme_ids))
                                     .order_by(Cohort.start_date, Cohort.id)):
        ids = [trainee.id for trainee, _postings in cohort_graduates(cohort)]
        rng.shuffle(ids)
        start = cohort.end_date + timedelta(days=4)
        if cohort.course.course_type == "tot":
            groups, function, area = [("Annexe", ids)], _function("tot"), "katanga"
        elif cohort.programme.code == "PDP-KOR-2015":
            third = len(ids) // 3
            groups = [("Bipemba", ids[:third]), ("Muya", ids[third:2 * third]), ("Dibindi", ids[2 * third:])]
            function, area = _function("mining" if cohort.course.course_type == "mining" else ""), "kasai"
        else:
            groups = [("Kampemba", ids)]
            function = _function(cohort.course.course_type if cohort.course.course_type != "tot" else "")
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
                note = say("Mise en disponibilité pour études", "Leave of absence for studies") if note else ""
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
    for commune, day, coach, station_name, observations, actions in _visits():
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


def _today_visits():
    """Coaching visits of the programme running today: (days ago, coach index, observations, [(what, who, due in
    days from today, done)])."""
    return [
        (30, 0, say("Les agents arrivés de Bipemba tiennent le registre des plaintes ; l'accueil des victimes se fait "
                    "encore au comptoir pendant les travaux.", "The officers who came from Bipemba keep the "
                    "complaints register; victims are still received at the counter during the works."),
         [(say("Aménager un coin d'accueil provisoire pour les victimes", "Set up a temporary corner to receive "
               "victims"), say("Chef de poste", "Station chief"), -10, False),
          (say("Afficher les horaires de permanence", "Post the duty hours"), say("Commandant", "Commander"), -20,
           True),
          (say("Présenter les agents au CLSP de Diulu", "Introduce the officers to the Diulu CLSP"),
           say("Commandant", "Commander"), 2, False)]),
        (3, 2, say("Patrouille à pied avec le forum de quartier ; bonne relation avec les commerçantes du marché.",
                   "Foot patrol with the neighbourhood forum; good relations with the market's women traders."),
         [(say("Planifier les patrouilles de nuit avec le forum", "Plan the night patrols with the forum"),
           say("Chef de poste", "Station chief"), 9, False)]),
    ]


def _post_current(context, communes, stations, today):
    """Today's programme: a few officers trained in Bipemba moved to the Diulu commissariat five weeks ago, and the
    graduates of its cohorts that have ended are posted in Diulu (if the training demo made any); two coaching
    visits followed them, with follow-up actions overdue, due this week and next week."""
    from cpms.deployments.models import FollowUpAction, Posting
    from cpms.deployments.service import cohort_graduates, create_posting, post_graduates, update_posting
    from cpms.deployments.service.coaching import create_visit
    from cpms.training.models import Cohort

    programme, station = context.get("current_programme"), stations.get("Commissariat de Diulu")
    if programme is None or station is None:
        return {}
    moved_on = today - timedelta(days=35)
    open_postings = db.session.scalars(select(Posting).where(
        Posting.commune_id == communes["Bipemba"], Posting.end_date.is_(None),
        Posting.start_date < moved_on - timedelta(days=1)).order_by(Posting.id).limit(6)).all()
    officers = []
    for posting in open_postings:
        update_posting(None, posting, **_fields(posting, end_date=moved_on - timedelta(days=1)))
        officers.append(create_posting(None, posting.trainee, station_id=station.id, function=posting.function,
                                       start_date=moved_on).trainee)
    for cohort in db.session.scalars(select(Cohort).where(Cohort.programme_id == programme.id,
                                                          Cohort.end_date < today).order_by(Cohort.id)):
        ids = [trainee.id for trainee, postings in cohort_graduates(cohort) if not postings]
        if ids:
            post_graduates(None, cohort, ids, station_id=station.id, function=_function(""),
                           start_date=max(cohort.end_date, today - timedelta(days=7)))
    if not officers:
        return {"recent postings": 0}
    for days, coach, observations, actions in _today_visits():
        name, kind, organisation = COACHES[coach]
        visit = create_visit(None, visit_date=today - timedelta(days=days), station_id=station.id, coach_name=name,
                             coach_type=kind, coach_organisation=organisation, observations=observations,
                             matricules=[o.matricule for o in officers],
                             actions=[{"description": what, "responsible": who,
                                       "due_date": today + timedelta(days=due), "is_done": done}
                                      for what, who, due, done in actions], today=today)
        for action in db.session.scalars(select(FollowUpAction).where(FollowUpAction.visit_id == visit.id,
                                                                      FollowUpAction.is_done.is_(True))):
            action.done_on = action.due_date
    return {"recent postings": len(officers)}


@demo_loader
def load_deployments(context):
    rng = random.Random(2017)
    today = date.today()
    kasai_communes, katanga_communes = ["Bipemba", "Muya", "Dibindi"], ["Kampemba", "Annexe", "Katuba"]
    communes = _commune_ids(kasai_communes + katanga_communes + ["Gombe", "Nganza", "Diulu"])
    stations = _stations()
    made = _post_cohorts(rng, communes, [programme.id for programme in context["programmes"].values()])
    posted = len(made["kasai"]) + len(made["katanga"])
    kasai = _move_into_new_stations(rng, made["kasai"], stations)
    counts = _life_events(rng, kasai, communes, kasai_communes, ["Gombe", "Nganza"], today)
    more = _life_events(rng, made["katanga"], communes, katanga_communes, ["Gombe", "Nganza"], today)
    db.session.flush()
    visits = _coaching(rng, communes, stations, today)
    return {"officers posted": posted, "early departures": counts["early departures"] + more["early departures"],
            "coaching visits": visits, **_post_current(context, communes, stations, today)}
