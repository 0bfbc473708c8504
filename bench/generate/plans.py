"""Generated diagnostics and local security plans: every CLSP and one forum in ten has a diagnostic of four
ranked problems and a one-year plan of four actions with quarterly reviews; one plan in three funds a quick
impact project."""
from datetime import date, timedelta
from decimal import Decimal

from bench.generate import generator
from cpms.plans.demo import ACTIVITIES, PROBLEMS
from cpms.plans.models import Diagnostic, PlanAction, PlanReview, Problem, QuickImpactProject, SecurityPlan

IMPLEMENTERS = ["ONG Lumière pour tous", "Entreprise Kasaï Bâtiment", "Association des femmes du quartier",
                "Coopérative des jeunes bâtisseurs"]


@generator
def generate_plans(gen):
    rng = gen.random("plans")
    stamps = (gen.now, gen.now)
    diagnostics, problems, plans, actions, reviews, qips = [], [], [], [], [], []
    chosen = [cid for cid, kind in gen.shared["committees"] if kind == "clsp" or rng.random() < 0.1]
    for committee_id in chosen:
        diagnostic_id = gen.ids(Diagnostic, 1)[0]
        conducted = date(2016, 1, 4) + timedelta(days=rng.randrange(0, (gen.today - date(2016, 6, 1)).days))
        diagnostics.append((diagnostic_id, committee_id, conducted,
                            "Marche exploratoire, groupes de discussion et cartographie des points chauds.", *stamps))
        problem_ids = gen.ids(Problem, len(PROBLEMS))
        order = rng.sample(range(len(PROBLEMS)), len(PROBLEMS))
        for rank, (problem_id, index) in enumerate(zip(problem_ids, order), start=1):
            category, text, place, frequency, severity = PROBLEMS[index]
            problems.append((problem_id, diagnostic_id, category, text, place, frequency, severity, rank))
        start = date(conducted.year + (conducted.month > 10), (conducted.month + 1) % 12 + 1, 1)
        end = start.replace(year=start.year + 1) - timedelta(days=1)
        plan_id = gen.ids(SecurityPlan, 1)[0]
        plans.append((plan_id, committee_id, diagnostic_id, "Plan local de sécurité", start, end, *stamps))
        action_ids = gen.ids(PlanAction, len(ACTIVITIES))
        for index, (action_id, (activity, responsible, partners, budget, status, measure)) in enumerate(
                zip(action_ids, ACTIVITIES)):
            action_start = start + timedelta(days=30 * index)
            if action_start > gen.today:
                status = "planned"
            actions.append((action_id, plan_id, problem_ids[index], activity, responsible, partners, action_start,
                            action_start + timedelta(days=120), Decimal(budget), status, measure, *stamps))
        quarter_start = start
        while quarter_start <= min(end, gen.today - timedelta(days=92)):
            quarter = (quarter_start.month - 1) // 3 + 1
            reviews.append((plan_id, quarter_start.year, quarter, quarter_start + timedelta(days=95), 1, 4,
                            "Revue trimestrielle en séance du CLSP: activités suivies."))
            quarter_start = date(quarter_start.year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
        if rng.random() < 1 / 3:
            done = start + timedelta(days=150) < gen.today
            qips.append((action_ids[0], "Lampadaires solaires du marché", rng.choice(IMPLEMENTERS),
                         Decimal(rng.randrange(5000, 25000, 500)), "completed" if done else "in_progress",
                         start + timedelta(days=150) if done else None, rng.randrange(500, 9000, 100)))
    gen.insert(Diagnostic, ["id", "committee_id", "conducted_on", "summary", "created_at", "updated_at"], diagnostics)
    gen.insert(Problem, ["id", "diagnostic_id", "category", "description", "place", "frequency", "severity",
                         "priority_rank"], problems)
    gen.insert(SecurityPlan, ["id", "committee_id", "diagnostic_id", "title", "start_date", "end_date",
                              "created_at", "updated_at"], plans)
    gen.insert(PlanAction, ["id", "plan_id", "problem_id", "activity", "responsible", "partners", "start_date",
                            "end_date", "budget", "status", "success_measure", "created_at", "updated_at"], actions)
    gen.insert(PlanReview, ["id", "plan_id", "year", "quarter", "reviewed_on", "actions_done", "actions_total",
                            "summary", "created_at", "updated_at"],
               [(review_id, *row, *stamps) for review_id, row in zip(gen.ids(PlanReview, len(reviews)), reviews)])
    gen.insert(QuickImpactProject, ["id", "plan_action_id", "name", "implementer", "budget", "status",
                                    "completed_on", "beneficiaries", "created_at", "updated_at"],
               [(qip_id, *row, *stamps) for qip_id, row in zip(gen.ids(QuickImpactProject, len(qips)), qips)])
    return {"security diagnostics": len(diagnostics), "security plans": len(plans), "plan actions": len(actions),
            "quick impact projects": len(qips)}
