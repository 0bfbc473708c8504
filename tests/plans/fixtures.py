"""Factories for diagnostics and security plans (a pytest plugin: every test sees them)."""
from datetime import date
from decimal import Decimal

import pytest

from cpms.extensions import db as _db


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


@pytest.fixture
def make_plan(db, make_committee):
    def factory(committee=None, actions=(("planned", 1000),)):
        return new_plan(committee or make_committee(), actions=actions)

    return factory
