"""Plain factory functions (usable from access.py samples, which cannot see this folder's fixtures)."""
from datetime import date, datetime, timezone
from decimal import Decimal

from cpms.extensions import db as _db
from tests.conftest import commune_id

_counter = {"n": 0}


def _next():
    _counter["n"] += 1
    return _counter["n"]


def new_committee(programme, commune="Bipemba", kind="clsp", name=None, parent=None):
    from cpms.committees.service import create_committee
    from cpms.core.permissions import Scope

    committee = create_committee(Scope.national(), kind=kind, name=name or f"CLSP {commune} {_next()}",
                                 commune_id=commune_id(commune), quartier_id=None,
                                 parent_id=parent.id if parent else None, programme_id=programme.id,
                                 established_on=date(2016, 3, 22), status="active")
    _db.session.commit()
    return committee


def new_member(committee, sex="F", category="civil_society", role="member", start_date=date(2016, 3, 22),
               end_date=None, name=None):
    from cpms.committees.service import add_member

    member = add_member(committee, name=name or f"Membre {_next()}", sex=sex, category=category, role=role,
                        phone="", email="", start_date=start_date, end_date=end_date)
    _db.session.commit()
    return member


def new_meeting(committee, when=datetime(2017, 5, 8, 10, 0, tzinfo=timezone.utc), status="held", present=(),
                agenda="", minutes="", kind="ordinary"):
    from cpms.committees.service import save_meeting

    meeting = save_meeting(committee, starts_at=when, place="Maison communale", kind=kind, status=status,
                           guests_women=2, guests_men=1, agenda=agenda, minutes=minutes, decisions="",
                           present_member_ids=[m.id for m in present])
    _db.session.commit()
    return meeting


def new_action_item(meeting, description="Réparer l'éclairage du marché", due_date=None, organisation="Mairie"):
    from cpms.committees.service import raise_action_item

    item = raise_action_item(meeting, description=description, responsible_member_id=None,
                             responsible_organisation=organisation, due_date=due_date or meeting.starts_at.date())
    _db.session.commit()
    return item


def new_plan(committee, actions=(("planned", 1000),)):
    from cpms.plans import service

    diagnostic = service.create_diagnostic(committee, conducted_on=date(2016, 6, 1), summary="")
    problem = service.add_problem(diagnostic, category="burglary", description="Cambriolages nocturnes",
                                  place="Marché de Bipemba", frequency="weekly", severity=3, priority_rank=1)
    plan = service.create_plan(committee, diagnostic_id=diagnostic.id, title="Plan local de sécurité 2016–2017",
                               start_date=date(2016, 7, 1), end_date=date(2017, 6, 30))
    for status, budget in actions:
        service.add_plan_action(plan, problem_id=problem.id, activity="Éclairage public du marché",
                                responsible="Mairie", partners="PNC", start_date=date(2016, 7, 1),
                                end_date=date(2016, 12, 31), budget=Decimal(budget), status=status,
                                success_measure="Moins de cambriolages")
    _db.session.commit()
    return plan
