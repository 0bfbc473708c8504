"""`flask cpms …` commands."""
from datetime import date

from sqlalchemy import func, select

from cpms.auth.models import User
from cpms.core.audit import AuditEntry
from cpms.extensions import db as _db
from cpms.programmes.models import Programme


def test_create_user_with_province_and_token(app, db, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["cpms", "create-user", "Ntumba@Example.org", "--password", "Dibindi-river-2016",
                                 "--role", "trainer", "--province", "kasaï-oriental", "--name", "Ntumba Kalala"])
    assert result.exit_code == 0, result.output
    user = _db.session.scalar(select(User).where(User.email == "ntumba@example.org"))
    assert user.role == "trainer" and [p.name for p in user.provinces] == ["Kasaï-Oriental"]
    assert _db.session.scalar(select(AuditEntry.actor_label).where(AuditEntry.entity == "users")) == "cli"

    token = runner.invoke(args=["cpms", "create-token", "ntumba@example.org"]).output.strip()
    assert token.startswith("cpms_")
    assert client.get("/api/v1/provinces", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_create_user_explains_refusals(app, db):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["cpms", "create-user", "a@example.org", "--password", "short", "--role", "viewer"])
    assert weak.exit_code != 0 and "12" in weak.output
    unknown = runner.invoke(args=["cpms", "create-user", "b@example.org", "--password", "Dibindi-river-2016",
                                  "--role", "viewer", "--province", "Atlantis"])
    assert unknown.exit_code != 0 and "Unknown province: Atlantis" in unknown.output


def test_demo_loads_once_and_refuses_a_non_empty_database(app, db, web):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["cpms", "demo"])
    assert first.exit_code == 0, first.output
    assert "admin@demo.cpms.example" in first.output
    assert _db.session.scalar(select(func.count()).select_from(User)) == 6
    # three historical programmes, Masisi's workshop programme (cpms/outreach/demo.py) and one running today, whose
    # period contains today
    programmes = _db.session.scalars(select(Programme).order_by(Programme.start_date)).all()
    assert len(programmes) == 5
    assert programmes[-1].start_date <= date.today() <= programmes[-1].end_date
    again = runner.invoke(args=["cpms", "demo"])
    assert again.exit_code != 0 and "not empty" in again.output
    assert runner.invoke(args=["cpms", "demo", "--if-empty"]).exit_code == 0
    assert _db.session.scalar(select(func.count()).select_from(User)) == 6
    from cpms.training.models import Attendance, Trainee
    assert _db.session.scalar(select(func.count()).select_from(Trainee)) == 1148 + 30 + 90 + 25  # trained, the next intake, today's cohorts, Masisi's workshop
    assert _db.session.scalar(select(func.count()).select_from(Attendance)) > 100_000
    # the printed logins work
    response = web.post("/login", {"email": "formateur@demo.cpms.example", "password": "Cpms-demo-Kasai-02"})
    assert response.status_code == 302
