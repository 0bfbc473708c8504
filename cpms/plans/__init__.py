"""Local security plans: diagnostics and their problems, plans with actions and reviews, quick impact projects."""
from cpms.core.contract import Domain, not_personal

DOMAIN = Domain(
    "plans",
    columns={
        **not_personal("security_diagnostics", "summary"),
        **not_personal("security_problems", "description", "place"),
        **not_personal("security_plans", "title"),
        **not_personal("security_plan_actions", "activity", "responsible", "partners", "success_measure"),
        **not_personal("security_plan_reviews", "summary"),
        **not_personal("quick_impact_projects", "name", "implementer"),
    },
)
