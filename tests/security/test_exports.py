"""Exports of personal data ask for a reason and write it to the audit log; viewers get none of them."""
from sqlalchemy import select

from cpms.core.audit import AuditEntry
from cpms.core.exports import EXPORT_KINDS
from cpms.extensions import db as _db
from tests.helpers.access_matrix import EXPECTED, _url, login_scoped, routes
from tests.security.content import readable_text


def personal_export_rules(app):
    return [rule for rule in routes(app)
            if getattr(app.view_functions[rule.endpoint], "_cpms_export", None) == "personal"]


def test_declared_exports_use_known_kinds_and_personal_ones_are_closed_to_viewers(app):
    problems = []
    for rule in routes(app):
        view = app.view_functions[rule.endpoint]
        kind = getattr(view, "_cpms_export", None)
        if kind is not None and kind not in EXPORT_KINDS:
            problems.append(f"{rule.endpoint}: unknown export kind {kind}")
        if kind == "personal" and ("viewer" in EXPECTED[rule.endpoint] or EXPECTED[rule.endpoint] == "public"):
            problems.append(f"{rule.endpoint}: viewers must not get personal data")
    assert problems == []
    assert {"training.trainee_export", "committees.action_item_export"} <= {r.endpoint for r in personal_export_rules(app)}


def test_every_personal_export_asks_for_a_reason_and_audits_it(app, db, web, client, make_user, sample_ids):
    login_scoped(app, web, make_user, "admin", [])
    rules = personal_export_rules(app)
    assert rules
    for rule in rules:
        url = _url(app, rule, sample_ids)
        join = "&" if "?" in url else "?"
        asked = client.get(url)
        assert asked.status_code == 200 and asked.mimetype == "text/html", rule.endpoint
        assert 'name="reason"' in asked.get_data(as_text=True)
        assert client.get(url + join + "reason=because").status_code == 422  # too short to say anything
        assert _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export")) is None

        reason = f"Donor audit of {rule.endpoint}"
        response = client.get(url + join + "reason=" + reason.replace(" ", "+"))
        assert response.status_code == 200 and response.mimetype != "text/html", rule.endpoint
        entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export")
                                   .order_by(AuditEntry.id.desc()))
        assert entry is not None and reason in entry.detail and entry.actor_label.startswith("admin")
        _db.session.execute(AuditEntry.__table__.delete().where(AuditEntry.action == "export"))
        _db.session.commit()


def test_the_trainee_export_keeps_the_list_filters(app, client, web, make_user, make_trainee):
    make_trainee(last_name="Mutombo", sex="F")
    make_trainee(last_name="Ilunga", sex="M")
    login_scoped(app, web, make_user, "project_officer", ["Kasaï-Oriental"])
    form = client.get("/training/trainees/export.csv?sex=F").get_data(as_text=True)
    assert 'name="sex" value="F"' in form
    text = readable_text(client.get("/training/trainees/export.xlsx?sex=F&reason=Women+trained+this+year"))
    assert "Mutombo" in text and "Ilunga" not in text
