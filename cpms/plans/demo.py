"""A diagnostic and a local security plan for each demo CLSP, with quarterly reviews and quick impact projects."""
from datetime import date, timedelta
from decimal import Decimal

from cpms.core.demo import demo_loader

PROBLEMS = [("burglary", "Cambriolages de boutiques la nuit", "Marché central", "weekly", 3),
            ("youth_gangs", "Bandes de jeunes qui rackettent les passants", "Rond-point", "daily", 4),
            ("sexual_violence", "Agressions de femmes sur le chemin du puits", "Route du puits", "monthly", 4),
            ("incivilities", "Bars bruyants après minuit", "Avenue de la paix", "weekly", 2)]
ACTIVITIES = [
    ("Éclairage public de l'avenue du marché", "Mairie", "PNC, comité des commerçants", 12500, "done",
     "Cambriolages signalés en baisse de moitié"),
    ("Patrouilles conjointes police-population le soir", "PNC – sous-commissariat", "Forums de quartier", 1800,
     "in_progress", "Une patrouille par semaine au moins"),
    ("Sensibilisation et desk SGBV au commissariat", "PNC – desk SGBV", "Association des femmes", 3200, "done",
     "Plaintes enregistrées et suivies"),
    ("Médiation avec les propriétaires de bars", "Chef de quartier", "Églises", 0, "planned",
     "Fermeture des bars à minuit respectée"),
]


@demo_loader
def load_plans(context):
    from cpms.plans import service

    stats = {"security_plans": 0, "quick_impact_projects": 0}
    today = date.today()
    for offset, (commune_name, clsp) in enumerate(context.get("committees", {}).items()):
        conducted = clsp.established_on + timedelta(days=45)
        diagnostic = service.create_diagnostic(clsp, conducted_on=conducted, today=today,
                                               summary=f"Atelier de diagnostic local de sécurité de {commune_name}: "
                                                       "marche exploratoire, groupes de discussion et cartographie.")
        problems = [service.add_problem(diagnostic, category=category, description=text, place=place,
                                        frequency=frequency, severity=severity, priority_rank=rank)
                    for rank, (category, text, place, frequency, severity) in enumerate(PROBLEMS, start=1)]
        start = date(conducted.year, conducted.month, 1) + timedelta(days=62)
        start = date(start.year, start.month, 1)
        plan = service.create_plan(clsp, diagnostic_id=diagnostic.id, title=f"Plan local de sécurité de {commune_name}",
                                   start_date=start, end_date=start.replace(year=start.year + 1) - timedelta(days=1))
        actions = []
        for index, (activity, responsible, partners, budget, status, measure) in enumerate(ACTIVITIES):
            if offset % 2 and status == "planned":
                status = "cancelled"
            actions.append(service.add_plan_action(
                plan, problem_id=problems[index].id, activity=activity, responsible=responsible,
                partners=partners, start_date=start + timedelta(days=30 * index),
                end_date=start + timedelta(days=30 * index + 120), budget=Decimal(budget), status=status,
                success_measure=measure))
        quarter_start = plan.start_date
        for _ in range(3):
            quarter = (quarter_start.month - 1) // 3 + 1
            service.record_review(plan, year=quarter_start.year, quarter=quarter, today=today,
                                  summary="Revue trimestrielle en séance du CLSP: activités suivies, difficultés "
                                          "de financement signalées.")
            quarter_start = date(quarter_start.year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
        service.create_qip(actions[0], name=f"Lampadaires solaires – marché de {commune_name}",
                           implementer="ONG Lumière pour tous", budget=Decimal(12500), status="completed",
                           completed_on=start + timedelta(days=150), beneficiaries=6000 + 1500 * offset, today=today)
        service.create_qip(actions[2], name=f"Réhabilitation du bureau du desk SGBV ({commune_name})",
                           implementer="Entreprise Kasaï Bâtiment", budget=Decimal(8000),
                           status="in_progress" if offset % 2 else "planned", completed_on=None,
                           beneficiaries=1200, today=today)
        stats["security_plans"] += 1
        stats["quick_impact_projects"] += 2
    return stats
