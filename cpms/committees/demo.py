"""Demo CLSPs of Bipemba, Muya, Dibindi (Mbuji-Mayi) and Kampemba (Lubumbashi), with their forums, members,
two years of monthly meetings, action items in every state, diagnostics, plans and quick impact projects.
A neighbourhood forum of Bipemba met three weeks ago and has one action item overdue and one due soon, so the demo
project officer of Kasaï-Oriental gets reminders at the scheduler's first sweep.

Names are invented. A fixed random seed keeps the dataset the same at every load.
"""
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from cpms.core.demo import demo_loader, say
from cpms.extensions import db
from cpms.geo.time import to_utc

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
ISSUES = [("burglary", "Cambriolages de boutiques la nuit près du marché", "Shop burglaries at night near the market"),
          ("youth_gangs", "Bandes de jeunes (kuluna) au rond-point le soir",
           "Youth gangs (kuluna) at the roundabout in the evening"),
          ("sexual_violence", "Agressions de femmes sur le chemin du puits", "Assaults on women on the way to the well"),
          ("theft", "Vols de téléphones aux arrêts de bus", "Phone thefts at bus stops"),
          ("incivilities", "Bars bruyants après minuit", "Noisy bars after midnight"),
          ("land_conflict", "Conflit de parcelle entre deux familles", "Plot dispute between two families"),
          ("drugs", "Vente de chanvre près de l'école", "Cannabis sold near the school"),
          ("interpersonal_violence", "Bagarres au marché le samedi", "Fights at the market on Saturdays")]
ACTIONS = [("Organiser des patrouilles conjointes police-population", "Organise joint police-community patrols"),
           ("Réparer l'éclairage de l'avenue du marché", "Repair the lighting of the market avenue"),
           ("Sensibiliser les jeunes au rond-point", "Reach out to the young people at the roundabout"),
           ("Rencontrer le chef de quartier au sujet des bars", "Meet the quartier chief about the bars"),
           ("Accompagner les victimes vers le desk SGBV du commissariat",
            "Accompany victims to the police station's SGBV desk"),
           ("Signaler le conflit foncier au cadastre", "Report the land dispute to the land registry"),
           ("Installer une permanence de police le samedi au marché", "Set up a police post at the market on Saturdays"),
           ("Réunir les parents d'élèves sur la drogue", "Meet the pupils' parents about drugs")]
CLOSING = {"done": ("Réalisé ; compte rendu présenté en séance.", "Done; reported in the meeting."),
           "dropped": ("Abandonné faute de moyens.", "Dropped for lack of means.")}
ORGANISATIONS = [("Mairie", "Town hall"), ("PNC – sous-commissariat", "PNC – sub-station"),
                 ("Chef de quartier", "Quartier chief"), ("ONG partenaire", "Partner NGO")]
AGENDA = ("1. Mot d'accueil\n2. Situation sécuritaire du mois\n3. Suivi des actions\n4. Divers",
          "1. Welcome\n2. Security situation of the month\n3. Follow-up of the actions\n4. Any other business")


def _say(pair):
    return say(*pair)


def _hall(committee):
    return say(f"Maison communale de {committee.commune.name}", f"{committee.commune.name} commune hall")


def _local(committee, day, hour, minute=0):
    """A wall-clock time in the committee's town (its province's zone), as UTC."""
    return to_utc(datetime.combine(day, time(hour, minute)), committee)


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


def _history_meeting(rng, committee, members, day, hour, kind):
    """One held meeting of the historical programmes, with its roll call and a security issue."""
    from cpms.committees.service import add_security_issue, save_meeting

    starts_at = _local(committee, day, hour)
    active = [m for m in members if m.is_active_on(day)]
    share = rng.choice([0.4, 0.6, 0.7, 0.8, 0.9])
    present = [m.id for m in active if rng.random() < share]
    issue_category, issue_fr, issue_en = rng.choice(ISSUES)
    meeting = save_meeting(
        committee, starts_at=starts_at, place=_hall(committee), kind=kind, status="held",
        guests_women=rng.randint(0, 6), guests_men=rng.randint(0, 8), agenda=_say(AGENDA),
        minutes=say(f"La séance est ouverte à {hour} h par le président. Le commandant du sous-commissariat présente "
                    f"la situation du mois. {issue_fr}.",
                    f"The chair opens the meeting at {hour}:00. The sub-station commander presents the month's "
                    f"situation. {issue_en}."),
        decisions=say("Les actions ci-dessous sont confiées aux membres désignés.",
                      "The actions below are entrusted to the members named."), present_member_ids=present)
    add_security_issue(meeting, category=issue_category, description=say(issue_fr, issue_en))
    return meeting, active


def _follow_up(rng, open_items, day):
    """Items raised earlier get closed, progressed or dropped over the following meetings."""
    from cpms.committees.service import update_action_item

    for item in list(open_items):
        roll = rng.random()
        if roll < 0.45:
            update_action_item(item, status="done", closing_note=_say(CLOSING["done"]), today=day)
            open_items.remove(item)
        elif roll < 0.52:
            update_action_item(item, status="dropped", closing_note=_say(CLOSING["dropped"]), today=day)
            open_items.remove(item)
        elif roll < 0.7 and item.status == "open":
            update_action_item(item, status="in_progress", closing_note="", today=day)


def _meetings(rng, committee, members, first_day, months, today, stats):
    """Monthly meetings of the historical programmes (local times between 08:00 and 10:00); the items still
    open when the history ends are closed soon after, so that 2016–2018 leaves nothing overdue today."""
    from cpms.committees.service import raise_action_item, save_meeting, update_action_item

    open_items = []
    day = first_day
    for month in range(months):
        year, month_no = first_day.year + (first_day.month - 1 + month) // 12, (first_day.month - 1 + month) % 12 + 1
        day, hour = date(year, month_no, rng.randint(5, 12)), 8 + rng.randint(0, 2)
        kind = "workshop" if month == 0 else ("extraordinary" if month % 7 == 6 else "ordinary")
        meeting, active = _history_meeting(rng, committee, members, day, hour, kind)
        stats["meetings"] += 1
        _follow_up(rng, open_items, day)
        for _ in range(rng.randint(1, 2)):
            member = rng.choice(active)
            by_member = rng.random() < 0.7
            item = raise_action_item(meeting, description=_say(rng.choice(ACTIONS)),
                                     responsible_member_id=member.id if by_member else None,
                                     responsible_organisation="" if by_member else _say(rng.choice(ORGANISATIONS)),
                                     due_date=day + timedelta(days=rng.choice([14, 21, 30, 45])), today=day)
            open_items.append(item)
            stats["action_items"] += 1
    for item in open_items:
        update_action_item(item, status="done", closing_note=_say(CLOSING["done"]), today=day + timedelta(days=30))
    # the next meeting, still to come, for the calendar feed (09:00 local time)
    save_meeting(committee, starts_at=_local(committee, today + timedelta(days=10), 9), place=_hall(committee),
                 kind="ordinary", status="planned", guests_women=0, guests_men=0,
                 agenda=say("Suivi des actions en cours", "Follow-up of the current actions"), minutes="",
                 decisions="", present_member_ids=[])
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
        meeting = save_meeting(
            forum, starts_at=_local(forum, today - timedelta(days=21), 15), place=say(
                "École primaire du quartier", "The quartier's primary school"), kind="ordinary", status="held",
            guests_women=5, guests_men=7, agenda=say("1. Éclairage du marché\n2. Patrouilles de nuit",
                                                     "1. Market lighting\n2. Night patrols"),
            minutes=say("Les habitants signalent des vols à la tombée de la nuit près du marché.",
                        "Residents report thefts near the market at nightfall."),
            decisions=say("Deux actions sont confiées à la mairie et au sous-commissariat.",
                          "Two actions are entrusted to the town hall and the sub-station."), present_member_ids=[])
        for description, organisation, due in (
                (("Remplacer les ampoules de l'éclairage du marché", "Replace the bulbs of the market lighting"),
                 ORGANISATIONS[0], today - timedelta(days=5)),
                (("Organiser deux patrouilles de nuit par semaine", "Organise two night patrols a week"),
                 ORGANISATIONS[1], today + timedelta(days=2))):
            raise_action_item(meeting, description=_say(description), responsible_member_id=None,
                              responsible_organisation=_say(organisation), due_date=due)
            items += 1
    return {"action items due for reminders": items}


# --- the programme running today -------------------------------------------------------------------------------

CURRENT = [("Kanshi", 45), ("Diulu", 75)]  # CLSPs of the running programme: commune, days after its start


def _current_members(rng, committee):
    """Members since the committee was set up; one left last month (so is no longer offered as responsible)."""
    from cpms.committees.service import add_member

    members = []
    for sex, category, role in CLSP_SEATS:
        members.append(add_member(committee, name=_person(rng, sex), sex=sex, category=category, role=role,
                                  phone=f"+243 85 {rng.randint(100, 999)} {rng.randint(1000, 9999)}", email="",
                                  start_date=committee.established_on, end_date=None))
    members[-1].end_date = date.today() - timedelta(days=30)
    return members[:-1]


def _current_meetings(rng, committee, members, today):
    """Held a month ago and last week (minutes, roll call), planned this week (09:00) and next week (14:30)."""
    from cpms.committees.service import add_security_issue, save_meeting

    held = []
    for days_ago, hour, minute in ((35, 9, 0), (7, 9, 0)):
        issue_category, issue_fr, issue_en = ISSUES[(days_ago + committee.id) % len(ISSUES)]
        meeting = save_meeting(
            committee, starts_at=_local(committee, today - timedelta(days=days_ago), hour, minute),
            place=_hall(committee), kind="ordinary", status="held", guests_women=rng.randint(1, 5),
            guests_men=rng.randint(1, 6), agenda=_say(AGENDA),
            minutes=say(f"La séance est ouverte à 9 h par le président. {issue_fr}. Les actions en retard sont "
                        f"passées en revue.", f"The chair opens the meeting at 9:00. {issue_en}. The overdue "
                        f"actions are reviewed."),
            decisions=say("Les actions ci-dessous sont confiées aux membres désignés.",
                          "The actions below are entrusted to the members named."),
            present_member_ids=[m.id for m in members if rng.random() < 0.75])
        add_security_issue(meeting, category=issue_category, description=say(issue_fr, issue_en))
        held.append(meeting)
    for days_ahead, hour, minute in ((2, 9, 0), (9, 14, 30)):
        save_meeting(committee, starts_at=_local(committee, today + timedelta(days=days_ahead), hour, minute),
                     place=_hall(committee), kind="ordinary", status="planned", guests_women=0, guests_men=0,
                     agenda=_say(AGENDA), minutes="", decisions="", present_member_ids=[])
    return held


def _current_items(rng, held, members, today):
    """A few overdue from a month ago (one in progress), due this week and next from last week's meeting."""
    from cpms.committees.service import raise_action_item, update_action_item

    month_ago, last_week = held
    plan = [(month_ago, -4, "in_progress"), (month_ago, -2, "open"), (month_ago, -10, "done"),
            (last_week, 3, "open"), (last_week, 5, "open"), (last_week, 10, "open")]
    items = []
    for index, (meeting, due_in, status) in enumerate(plan):
        item = raise_action_item(meeting, description=_say(ACTIONS[(index + meeting.committee_id) % len(ACTIONS)]),
                                 responsible_member_id=rng.choice(members).id, responsible_organisation="",
                                 due_date=today + timedelta(days=due_in))
        if status != "open":
            update_action_item(item, status=status, closing_note=_say(CLOSING["done"]) if status == "done" else "")
        items.append(item)
    return items


@demo_loader
def load_current_committees(context):
    """The running programme's CLSPs of Kanshi and Diulu (Mbuji-Mayi): meetings last week, this week and next,
    action items due this week and next, a few overdue."""
    from cpms.committees.service import create_committee
    from cpms.core.permissions import Scope
    from cpms.geo.models import Commune

    programme = context.get("current_programme")
    if programme is None:
        return {}
    rng, today = random.Random(2026), date.today()
    counts = {"committees of the running programme": 0, "their meetings": 0, "their action items": 0}
    for commune_name, days_after in CURRENT:
        commune = db.session.scalar(select(Commune).where(Commune.name == commune_name))
        committee = create_committee(Scope.national(), kind="clsp", name=f"CLSP de {commune_name}",
                                     commune_id=commune.id, quartier_id=None, parent_id=None,
                                     programme_id=programme.id,
                                     established_on=programme.start_date + timedelta(days=days_after), status="active")
        context.setdefault("current_committees", {})[commune_name] = committee
        members = _current_members(rng, committee)
        held = _current_meetings(rng, committee, members, today)
        counts["their action items"] += len(_current_items(rng, held, members, today))
        counts["committees of the running programme"] += 1
        counts["their meetings"] += 4
    return counts
