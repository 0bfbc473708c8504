from tests.access import ANY

EDITORS = frozenset({"admin", "project_officer"})

EXPECTED = {
    "plans.plan_list": ANY,
    "plans.diagnostic_create": EDITORS,
    "plans.diagnostic_detail": ANY,
    "plans.problem_add": EDITORS,
    "plans.plan_create": EDITORS,
    "plans.plan_detail": ANY,
    "plans.plan_edit": EDITORS,
    "plans.plan_action_add": EDITORS,
    "plans.plan_action_edit": EDITORS,
    "plans.plan_review_add": EDITORS,
    "plans.qip_list": ANY,
    "plans.qip_create": EDITORS,
    "plans.qip_edit": EDITORS,
    "api.security_plan_list": ANY,
}


def samples(request):
    from decimal import Decimal

    from sqlalchemy import select

    from cpms.extensions import db
    from cpms.plans.models import PlanAction
    from cpms.plans.service import create_qip
    from tests.plans.fixtures import new_plan

    programme = request.getfixturevalue("make_programme")(provinces=["Kasaï-Oriental"], code="PLAN-ACCESS")
    plan = new_plan(request.getfixturevalue("make_committee")(programme=programme, commune="Muya"))
    action = db.session.scalar(select(PlanAction).where(PlanAction.plan_id == plan.id))
    qip = create_qip(action, name="Lampadaires solaires", implementer="ONG Lumière", budget=Decimal(5000),
                     status="planned", completed_on=None, beneficiaries=1200)
    db.session.commit()
    return {"plan_id": plan.id, "diagnostic_id": plan.diagnostic_id, "action_id": action.id, "qip_id": qip.id}
