from sqlalchemy import func, select

from cpms.committees.models import ActionItem, Committee, Meeting
from cpms.extensions import db as _db
from cpms.plans.models import QuickImpactProject, SecurityPlan


def test_demo_committees_meetings_items_and_plans(app, db, client, web):
    from cpms.core.demo import load_demo

    with app.test_request_context():
        load_demo()
    _db.session.commit()
    clsps = _db.session.execute(select(Committee.name, func.count(Meeting.id)).join(Meeting)
                                .where(Committee.kind == "clsp", Meeting.status == "held")
                                .group_by(Committee.name)).all()
    assert dict(clsps) == {"CLSP de Bipemba": 24, "CLSP de Muya": 24, "CLSP de Dibindi": 24, "CLSP de Kampemba": 24}
    assert _db.session.scalar(select(func.count()).select_from(Committee).where(Committee.kind == "forum")) == 8
    states = set(_db.session.scalars(select(ActionItem.status).distinct()))
    assert states == {"open", "in_progress", "done", "dropped"}
    assert _db.session.scalar(select(func.count()).select_from(SecurityPlan)) == 4
    assert _db.session.scalar(select(func.count()).select_from(QuickImpactProject)) >= 4

    # the demo project officer of Kasaï-Oriental sees the three CLSPs of Mbuji-Mayi, not Kampemba
    web.post("/login", {"email": "projet@demo.cpms.example", "password": "Cpms-demo-Kasai-03"})
    html = client.get("/committees/?kind=clsp").get_data(as_text=True)
    assert "CLSP de Bipemba" in html and "CLSP de Dibindi" in html and "Kampemba" not in html
    dashboard = client.get("/").get_data(as_text=True)
    assert "Committees and forums in your area" in dashboard or "Comités et forums de votre zone" in dashboard
