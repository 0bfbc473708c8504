from datetime import date, timedelta

from sqlalchemy import func, select

from cpms.committees.models import ActionItem, Committee, Meeting
from cpms.extensions import db as _db
from cpms.plans.models import QuickImpactProject, SecurityPlan


def test_demo_committees_meetings_items_and_plans(app, demo, client, web):
    clsps = _db.session.execute(select(Committee.name, func.count(Meeting.id)).join(Meeting)
                                .where(Committee.kind == "clsp", Meeting.status == "held")
                                .group_by(Committee.name)).all()
    assert dict(clsps) == {"CLSP de Bipemba": 24, "CLSP de Muya": 24, "CLSP de Dibindi": 24, "CLSP de Kampemba": 24,
                           "CLSP de Kanshi": 2, "CLSP de Diulu": 2}
    assert _db.session.scalar(select(func.count()).select_from(Committee).where(Committee.kind == "forum")) == 8
    states = set(_db.session.scalars(select(ActionItem.status).distinct()))
    assert states == {"open", "in_progress", "done", "dropped"}
    # four historical plans and the running programme's plan (cpms/plans/demo.py)
    assert _db.session.scalar(select(func.count()).select_from(SecurityPlan)) == 5
    assert _db.session.scalar(select(func.count()).select_from(QuickImpactProject)) >= 4

    # the demo project officer of Kasaï-Oriental sees the three CLSPs of Mbuji-Mayi, not Kampemba
    web.post("/login", {"email": "projet@demo.cpms.example", "password": "Cpms-demo-Kasai-03"})
    html = client.get("/committees/?kind=clsp").get_data(as_text=True)
    assert "CLSP de Bipemba" in html and "CLSP de Dibindi" in html and "Kampemba" not in html
    dashboard = client.get("/").get_data(as_text=True)
    assert "Committees and forums in your area" in dashboard or "Comités et forums de votre zone" in dashboard


def test_demo_lives_today_in_local_time(app, demo_en, client, web):
    """Observation 10 (committees): meetings this week and next, a meeting held last week, actions due this week
    and next, a few overdue (not 24); observation 4: the demo's times are local times (09:00 in Mbuji-Mayi)."""
    from cpms.committees.models import MeetingAttendance
    from cpms.geo.time import local_day, to_local

    today = date.today()
    kanshi = _db.session.scalar(select(Committee).where(Committee.name == "CLSP de Kanshi"))
    assert kanshi.programme.code == "PDP-MBM-ACTUEL"
    meetings = _db.session.scalars(select(Meeting).where(Meeting.committee_id == kanshi.id)
                                   .order_by(Meeting.starts_at)).all()
    local = [(m.status, local_day(m.starts_at, kanshi), to_local(m.starts_at, kanshi).strftime("%H:%M"))
             for m in meetings]
    assert ("held", today - timedelta(days=7), "09:00") in local
    assert ("planned", today + timedelta(days=2), "09:00") in local
    assert ("planned", today + timedelta(days=9), "14:30") in local
    assert all(m.starts_at.hour in (7, 12) for m in meetings)  # stored in UTC: Mbuji-Mayi is UTC+2
    last_week = next(m for m in meetings if m.status == "held" and m.starts_at.date() == today - timedelta(days=7))
    assert last_week.minutes and _db.session.scalar(select(func.count()).select_from(MeetingAttendance).where(
        MeetingAttendance.meeting_id == last_week.id, MeetingAttendance.is_present)) > 0

    open_items = _db.session.scalars(select(ActionItem).where(ActionItem.status.in_(("open", "in_progress")))).all()
    overdue = [i for i in open_items if i.due_date < today]
    assert 1 <= len(overdue) <= 6
    assert any(today <= i.due_date <= today + timedelta(days=6) for i in open_items)
    assert any(today + timedelta(days=7) <= i.due_date <= today + timedelta(days=13) for i in open_items)

    # the historical meetings were held between 08:00 and 10:00 local time: 06:00–08:00 UTC in Mbuji-Mayi
    bipemba = _db.session.scalar(select(Committee).where(Committee.name == "CLSP de Bipemba"))
    old = _db.session.scalars(select(Meeting).where(Meeting.committee_id == bipemba.id, Meeting.status == "held")).all()
    assert {to_local(m.starts_at, bipemba).hour for m in old} <= {8, 9, 10}
    assert {m.starts_at.hour for m in old} <= {6, 7, 8}
    # English demo: no French sentence in the data
    assert "Maison communale" not in last_week.place and "séance" not in last_week.minutes
