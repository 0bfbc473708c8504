"""Demo CLSPs of Bipemba, Muya, Dibindi (Mbuji-Mayi) and Kampemba (Lubumbashi), with their forums, members,
two years of monthly meetings, action items in every state, diagnostics, plans and quick impact projects.
A neighbourhood forum of Bipemba met three weeks ago and has one action item overdue and one due soon, so the demo
project officer of Kasaï-Oriental gets reminders at the scheduler's first sweep.

Names are invented. A fixed random seed keeps the dataset the same at every load.
"""
import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from cpms.core.demo import demo_loader
from cpms.extensions import db

FIRST_WOMEN = ["Mamie", "Pascaline", "Chantal", "Germaine", "Béatrice", "Thérèse", "Nathalie", "Odile", "Solange",
               "Clarisse", "Monique", "Rachel"]
FIRST_MEN = ["Jean", "Albert", "Didier", "Patrice", "Joseph", "Emmanuel", "Gustave", "Théo", "Richard", "Blaise",
             "Serge", "Augustin"]
LAST = ["Tshibola", "Kanku", "Mutombo", "Kabasele", "Ilunga", "Mbuyi", "Ngalula", "Kalonji", "Tshimanga",
        "Kasongo", "Mukendi", "Banza", "Lukusa", "Nkongolo", "Kabeya", "Mwamba"]
# (sex, category, role) of a CLSP's members: police, authorities and the population, about a third women
CLSP_SEATS = [("M", "police", "member"), ("F", "police", "member"), ("M", "local_authority", "president"),
              ("F", "civil_society", "secretary"), ("M", "civil_society", "member"), ("F", "womens_group", "member"),
              ("F", "womens_group", "member"), ("M", "youth_group", "member"), ("F", "youth_group", "member"),
              ("M", "customary", "member"), ("M", "religious", "member"), ("M", "other", "member")]
FORUM_SEATS = [("M", "police", "member"), ("M", "civil_society", "president"), ("F", "womens_group", "secretary"),
               ("M", "youth_group", "member"), ("M", "religious", "member"), ("M", "civil_society", "member")]
COMMITTEES = [
    ("Kasaï-Oriental", "PDP-KOR-2015", "Bipemba", ["Tshiala", "Bonzola"]),
    ("Kasaï-Oriental", "PDP-KOR-2015", "Muya", ["Nyongolo", "Kasavubu"]),
    ("Kasaï-Oriental", "PDP-KOR-2015", "Dibindi", ["Lukelenge", "Tshikisha"]),
    ("Haut-Katanga", "PDP-HKT-2016", "Kampemba", ["Bel-Air", "Quartier industriel"]),
]
ISSUES = [("burglary", "Cambriolages de boutiques la nuit près du marché"),
          ("youth_gangs", "Bandes de jeunes (kuluna) au rond-point le soir"),
          ("sexual_violence", "Agressions de femmes sur le chemin du puits"),
          ("theft", "Vols de téléphones aux arrêts de bus"),
          ("incivilities", "Bars bruyants après minuit"),
          ("land_conflict", "Conflit de parcelle entre deux familles"),
          ("drugs", "Vente de chanvre près de l'école"),
          ("interpersonal_violence", "Bagarres au marché le samedi")]
ACTIONS = ["Organiser des patrouilles conjointes police-population", "Réparer l'éclairage de l'avenue du marché",
           "Sensibiliser les jeunes au rond-point", "Rencontrer le chef de quartier au sujet des bars",
           "Accompagner les victimes vers le desk SGBV du commissariat", "Signaler le conflit foncier au cadastre",
           "Installer une permanence de police le samedi au marché", "Réunir les parents d'élèves sur la drogue"]
CLOSING = {"done": "Réalisé; compte rendu présenté en séance.", "dropped": "Abandonné faute de moyens."}


def _person(rng, sex):
    first = rng.choice(FIRST_WOMEN if sex == "F" else FIRST_MEN)
    return f"{first} {rng.choice(LAST)} {rng.choice(LAST)}"


def _quartier(commune, name):
    from cpms.geo.models import Quartier
    from cpms.geo.service import create_quartier

    existing = db.session.scalar(select(Quartier).where(Quartier.commune_id == commune.id, Quartier.name == name))
    return existing or create_quartier(commune, name=name)


def _members(rng, committee, seats, since, replacement=None):
    from cpms.committees.service import add_member

    members = []
    for sex, category, role in seats:
        members.append(add_member(committee, name=_person(rng, sex), sex=sex, category=category, role=role,
                                  phone=f"+243 81 {rng.randint(100, 999)} {rng.randint(1000, 9999)}", email="",
                                  start_date=since, end_date=None))
    # one member left and was replaced, so the roll call follows who was a member on the day
    members[-1].end_date = since + timedelta(days=400)
    sex, category, role = replacement or seats[-1]
    members.append(add_member(committee, name=_person(rng, sex), sex=sex, category=category, role=role,
                              phone="", email="", start_date=since + timedelta(days=401), end_date=None))
    return members


def _meetings(rng, committee, members, first_day, months, today, stats):
    from cpms.committees.service import add_security_issue, raise_action_item, save_meeting, update_action_item

    open_items = []
    for month in range(months):
        year, month_no = first_day.year + (first_day.month - 1 + month) // 12, (first_day.month - 1 + month) % 12 + 1
        starts_at = datetime(year, month_no, rng.randint(5, 12), 8 + rng.randint(0, 2), 0, tzinfo=timezone.utc)
        day = starts_at.date()
        active = [m for m in members if m.is_active_on(day)]
        share = rng.choice([0.4, 0.6, 0.7, 0.8, 0.9])
        present = [m.id for m in active if rng.random() < share]
        kind = "workshop" if month == 0 else ("extraordinary" if month % 7 == 6 else "ordinary")
        issue_category, issue_text = rng.choice(ISSUES)
        meeting = save_meeting(
            committee, starts_at=starts_at, place=f"Maison communale de {committee.commune.name}", kind=kind,
            status="held", guests_women=rng.randint(0, 6), guests_men=rng.randint(0, 8),
            agenda="1. Mot d'accueil\n2. Situation sécuritaire du mois\n3. Suivi des actions\n4. Divers",
            minutes=(f"La séance est ouverte à {starts_at:%H} h par le président. Le commandant du sous-commissariat "
                     f"présente la situation du mois. {issue_text}."),
            decisions="Les actions ci-dessous sont confiées aux membres désignés.", present_member_ids=present)
        stats["meetings"] += 1
        add_security_issue(meeting, category=issue_category, description=issue_text)
        # items raised earlier get closed, progressed or dropped over the following meetings
        for item in list(open_items):
            roll = rng.random()
            if roll < 0.45:
                update_action_item(item, status="done", closing_note=CLOSING["done"], today=day)
                open_items.remove(item)
            elif roll < 0.52:
                update_action_item(item, status="dropped", closing_note=CLOSING["dropped"], today=day)
                open_items.remove(item)
            elif roll < 0.7 and item.status == "open":
                update_action_item(item, status="in_progress", closing_note="", today=day)
        for _ in range(rng.randint(1, 2)):
            member = rng.choice(active)
            by_member = rng.random() < 0.7
            item = raise_action_item(meeting, description=rng.choice(ACTIONS),
                                     responsible_member_id=member.id if by_member else None,
                                     responsible_organisation="" if by_member else rng.choice(
                                         ["Mairie", "PNC – sous-commissariat", "Chef de quartier", "ONG partenaire"]),
                                     due_date=day + timedelta(days=rng.choice([14, 21, 30, 45])))
            open_items.append(item)
            stats["action_items"] += 1
    # the next meeting, still to come, for the calendar feed
    save_meeting(committee, starts_at=datetime.combine(today + timedelta(days=10), datetime.min.time(),
                                                             tzinfo=timezone.utc).replace(hour=9),
                 place=f"Maison communale de {committee.commune.name}", kind="ordinary", status="planned",
                 guests_women=0, guests_men=0, agenda="Suivi des actions en cours", minutes="", decisions="",
                 present_member_ids=[])
    stats["meetings"] += 1


@demo_loader
def load_committees(context):
    from cpms.committees.service import create_committee
    from cpms.core.permissions import Scope
    from cpms.geo.models import Commune

    rng = random.Random(2016)
    today = date.today()
    stats = {"committees": 0, "meetings": 0, "action_items": 0}
    context["committees"] = {}
    for province, programme_code, commune_name, forums in COMMITTEES:
        programme = context["programmes"][programme_code]
        commune = db.session.scalar(select(Commune).where(Commune.name == commune_name))
        established = date(2016, 3, 22) if province == "Kasaï-Oriental" else date(2016, 5, 10)
        clsp = create_committee(Scope.national(), kind="clsp", name=f"CLSP de {commune_name}",
                                commune_id=commune.id, quartier_id=None, parent_id=None, programme_id=programme.id,
                                established_on=established, status="active")
        context["committees"][commune_name] = clsp
        # half of the committees replaced their departing member by a young woman, and so meet their targets
        replacement = ("F", "youth_group", "member") if len(context["committees"]) % 2 else None
        members = _members(rng, clsp, CLSP_SEATS, established, replacement)
        _meetings(rng, clsp, members, date(established.year, established.month + 1, 1), 24, today, stats)
        stats["committees"] += 1
        for index, quartier_name in enumerate(forums):
            quartier = _quartier(commune, quartier_name)
            forum = create_committee(Scope.national(), kind="forum", name=f"Forum de quartier {quartier_name}",
                                     commune_id=commune.id, quartier_id=quartier.id, parent_id=clsp.id,
                                     programme_id=programme.id, established_on=established + timedelta(days=60),
                                     status="active" if index == 0 else "dormant")
            forum_members = _members(rng, forum, FORUM_SEATS, forum.established_on,
                                     ("F", "youth_group", "member") if index == 0 else None)
            _meetings(rng, forum, forum_members, forum.established_on + timedelta(days=30), 6, today, stats)
            stats["committees"] += 1
    db.session.flush()
    return stats


@demo_loader
def load_reminders_due(context):
    """A recent meeting of Bipemba's active forum, with action items due around today (for the reminders)."""
    from cpms.committees.models import Committee
    from cpms.committees.service import raise_action_item, save_meeting

    today = date.today()
    clsp = context.get("committees", {}).get("Bipemba")
    forum = clsp and db.session.scalar(select(Committee).where(Committee.parent_id == clsp.id,
                                                               Committee.status == "active").order_by(Committee.id))
    items = 0
    if forum is not None:
        held = datetime.combine(today - timedelta(days=21), time(15, 0), timezone.utc)
        meeting = save_meeting(forum, starts_at=held, place="École primaire du quartier", kind="ordinary",
                               status="held", guests_women=5, guests_men=7,
                               agenda="1. Éclairage du marché\n2. Patrouilles de nuit",
                               minutes="Les habitants signalent des vols à la tombée de la nuit près du marché.",
                               decisions="Deux actions sont confiées à la mairie et au sous-commissariat.",
                               present_member_ids=[])
        for description, organisation, due in (
                ("Remplacer les ampoules de l'éclairage du marché", "Mairie", today - timedelta(days=5)),
                ("Organiser deux patrouilles de nuit par semaine", "PNC – sous-commissariat", today + timedelta(days=2))):
            raise_action_item(meeting, description=description, responsible_member_id=None,
                              responsible_organisation=organisation, due_date=due)
            items += 1
    return {"action items due for reminders": items}
