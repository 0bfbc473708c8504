"""/api/v1/security-plans – scoped to the caller's area, with progress."""
from flask import request
from flask_login import current_user

from cpms.core.api import bp
from cpms.core.api.helpers import Filter, described, fields
from cpms.core.pagination import paginate
from cpms.core.permissions import require_role, scope_of
from cpms.plans import service


@bp.route("/security-plans")
@require_role()
@described(item=fields(id="integer", committee_id="integer", diagnostic_id={"type": ["integer", "null"]},
                       title="string", start_date=("string", "date"), end_date=("string", "date"), actions="integer",
                       actions_done="integer", actions_in_progress="integer", actions_cancelled="integer",
                       budget_usd={"type": "string", "description": "a decimal amount, e.g. \"12500.00\""}),
           filters=(Filter("committee_id", "integer", "Only this committee's plans"),))
def security_plan_list():
    """Local security plans in the caller's area, with their activity counts and budget (?committee_id=)."""
    from flask import jsonify

    page = paginate(service.visible_plans(scope_of(current_user), request.args.get("committee_id", type=int)))
    progress = service.plan_progress([plan.id for plan in page.items])

    def plan_json(plan):
        p = progress[plan.id]
        return {"id": plan.id, "committee_id": plan.committee_id, "diagnostic_id": plan.diagnostic_id,
                "title": plan.title, "start_date": plan.start_date.isoformat(), "end_date": plan.end_date.isoformat(),
                "actions": p.total, "actions_done": p.done, "actions_in_progress": p.in_progress,
                "actions_cancelled": p.cancelled, "budget_usd": str(p.budget)}

    return jsonify({"items": [plan_json(plan) for plan in page.items], "page": page.page,
                    "per_page": page.per_page, "total": page.total})
