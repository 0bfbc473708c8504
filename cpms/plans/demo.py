"""A diagnostic and a local security plan for each demo CLSP, with quarterly reviews and quick impact projects, and
for the programme running today a plan whose activities fall due this week and next week, a few of them overdue.

Every sentence is given in French and English (`say`); names of people, places and organisations are not translated.
"""
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from cpms.core.demo import demo_loader, say
from cpms.extensions import db


def _problems(say=say):
    return [("burglary", say("Cambriolages de boutiques la nuit", "Shops burgled at night"), "Marché central",
             "weekly", 3),
            ("youth_gangs", say("Bandes de jeunes qui rackettent les passants", "Youth gangs extorting passers-by"),
             "Rond-point", "daily", 4),
            ("sexual_violence", say("Agressions de femmes sur le chemin du puits", "Women attacked on the way to the well"),
             "Route du puits", "monthly", 4),
            ("incivilities", say("Bars bruyants après minuit", "Noisy bars after midnight"), "Avenue de la paix",
             "weekly", 2)]


def _activities(say=say):
    return [
        (say("Éclairage public de l'avenue du marché", "Street lighting on the market avenue"), say("Mairie", "Town hall"),
         say("PNC, comité des commerçants", "PNC, traders' committee"), 12500, "done",
         say("Cambriolages signalés en baisse de moitié", "Reported burglaries halved")),
        (say("Patrouilles conjointes police-population le soir", "Joint police–community evening patrols"),
         say("PNC – sous-commissariat", "PNC – sub-station"), say("Forums de quartier", "Neighbourhood forums"), 1800,
         "in_progress", say("Une patrouille par semaine au moins", "At least one patrol a week")),
        (say("Sensibilisation et desk SGBV au commissariat", "Awareness sessions and an SGBV desk at the station"),
         say("PNC – desk SGBV", "PNC – SGBV desk"), say("Association des femmes", "Women's association"), 3200, "done",
         say("Plaintes enregistrées et suivies", "Complaints recorded and followed up")),
        (say("Médiation avec les propriétaires de bars", "Mediation with bar owners"),
         say("Chef de quartier", "Neighbourhood chief"), say("Églises", "Churches"), 0, "planned",
         say("Fermeture des bars à minuit respectée", "Bars close at midnight")),
    ]


# in French, for the benchmark's data generator (bench/generate/plans.py), which runs without the demo's language
PROBLEMS = _problems(lambda fr, en: fr)
ACTIVITIES = _activities(lambda fr, en: fr)


def _historical_plan(service, clsp, commune_name, offset, today):
    conducted = clsp.established_on + timedelta(days=45)
    diagnostic = service.create_diagnostic(clsp, conducted_on=conducted, today=today, summary=say(
        f"Atelier de diagnostic local de sécurité de {commune_name} : marche exploratoire, groupes de discussion et "
        "cartographie.", f"Local security diagnostic workshop in {commune_name}: exploratory walk, focus groups and "
        "mapping."))
    problems = [service.add_problem(diagnostic, category=category, description=text, place=place,
                                    frequency=frequency, severity=severity, priority_rank=rank)
                for rank, (category, text, place, frequency, severity) in enumerate(_problems(), start=1)]
    start = date(conducted.year, conducted.month, 1) + timedelta(days=62)
    start = date(start.year, start.month, 1)
    plan = service.create_plan(clsp, diagnostic_id=diagnostic.id,
                               title=say(f"Plan local de sécurité de {commune_name}",
                                         f"Local security plan of {commune_name}"),
                               start_date=start, end_date=start.replace(year=start.year + 1) - timedelta(days=1))
    actions = []
    for index, (activity, responsible, partners, budget, status, measure) in enumerate(_activities()):
        if offset % 2 and status == "planned":
            status = "cancelled"
        actions.append(service.add_plan_action(
            plan, problem_id=problems[index].id, activity=activity, responsible=responsible,
            partners=partners, start_date=start + timedelta(days=30 * index),
            end_date=start + timedelta(days=30 * index + 120), budget=Decimal(budget), status=status,
            success_measure=measure, today=today))
    quarter_start = plan.start_date
    for _ in range(3):
        quarter = (quarter_start.month - 1) // 3 + 1
        service.record_review(plan, year=quarter_start.year, quarter=quarter, today=today, summary=say(
            "Revue trimestrielle en séance du CLSP : activités suivies, difficultés de financement signalées.",
            "Quarterly review at the CLSP meeting: activities followed up, funding difficulties reported."))
        quarter_start = date(quarter_start.year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    service.create_qip(actions[0], name=say(f"Lampadaires solaires – marché de {commune_name}",
                                            f"Solar street lights – {commune_name} market"),
                       implementer="ONG Lumière pour tous", budget=Decimal(12500), status="completed",
                       completed_on=start + timedelta(days=150), beneficiaries=6000 + 1500 * offset, today=today)
    service.create_qip(actions[2], name=say(f"Réhabilitation du bureau du desk SGBV ({commune_name})",
                                            f"Refurbishing the SGBV desk's office ({commune_name})"),
                       implementer="Entreprise Kasaï Bâtiment", budget=Decimal(8000),
                       status="in_progress" if offset % 2 else "planned", completed_on=None,
                       beneficiaries=1200, today=today)


def current_committee(programme):
    """The CLSP of the programme running today (the committees demo creates it), or None."""
    from cpms.committees.models import Committee
    if programme is None:
        return None
    return db.session.scalar(select(Committee).where(Committee.programme_id == programme.id)
                             .order_by(Committee.kind != "clsp", Committee.id))


def current_plan(committee, today):
    """A plan of today's programme: activities done, two overdue, one due this week, one next week, one later."""
    from cpms.plans import service

    conducted = min(today, max(committee.established_on, today - timedelta(days=120)))
    diagnostic = service.create_diagnostic(committee, conducted_on=conducted, today=today, summary=say(
        "Diagnostic participatif avec les forums de quartier : vols la nuit, violences faites aux femmes, bandes de "
        "jeunes.", "Participatory diagnostic with the neighbourhood forums: theft at night, violence against women, "
        "youth gangs."))
    problems = [service.add_problem(diagnostic, category=category, description=text, place=place,
                                    frequency=frequency, severity=severity, priority_rank=rank)
                for rank, (category, text, place, frequency, severity) in enumerate(_problems(), start=1)]
    start = conducted + timedelta(days=14) if conducted + timedelta(days=14) <= today - timedelta(days=30) else conducted
    plan = service.create_plan(committee, diagnostic_id=diagnostic.id,
                               title=say(f"Plan local de sécurité de {committee.commune.name} {today.year}",
                                         f"Local security plan of {committee.commune.name} {today.year}"),
                               start_date=start, end_date=start + timedelta(days=364))
    this_week = today + timedelta(days=max(0, min(2, 6 - today.weekday())))
    next_week = today + timedelta(days=7 - today.weekday() + 2)
    due = [(today - timedelta(days=20), "done"), (today - timedelta(days=12), "planned"),
           (today - timedelta(days=4), "in_progress"), (this_week, "in_progress"), (next_week, "planned"),
           (start + timedelta(days=300), "planned")]
    activities = _activities() + [
        (say("Réunion publique sur la sécurité au marché", "Public meeting on security at the market"),
         say("Président du CLSP", "CLSP chair"), "PNC", 300, "", say("Cent participants", "A hundred participants")),
        (say("Numéro vert affiché dans chaque quartier", "Hotline number posted in every neighbourhood"),
         say("PNC – commandant de la commune", "PNC – commune commander"), "", 150, "",
         say("Affiches posées dans les huit quartiers", "Posters up in the eight neighbourhoods"))]
    for index, (end, status) in enumerate(due):
        activity, responsible, partners, budget, _status, measure = activities[index]
        service.add_plan_action(plan, problem_id=problems[index % len(problems)].id, activity=activity,
                                responsible=responsible, partners=partners, start_date=min(start, end),
                                end_date=max(end, start), budget=Decimal(budget), status=status,
                                success_measure=measure, today=today)
    return plan


@demo_loader
def load_plans(context):
    from cpms.plans import service

    stats = {"security_plans": 0, "quick_impact_projects": 0}
    today = date.today()
    for offset, (commune_name, clsp) in enumerate(context.get("committees", {}).items()):
        _historical_plan(service, clsp, commune_name, offset, today)
        stats["security_plans"] += 1
        stats["quick_impact_projects"] += 2
    committee = current_committee(context.get("current_programme"))
    if committee is not None:
        current_plan(committee, today)
        stats["security_plans"] += 1
    return stats
