"""The registry of reminder kinds: every kind has a template with a subject and a body, rendered in the
reader's language; a new kind is a decorated sweep."""
import pytest

from cpms.notifications.registry import KINDS, Reminder, Setting, SweepContext, load_kinds, reminder_kind
from cpms.notifications.service.mail import render_parts


def test_every_kind_has_a_template_with_a_subject_and_a_body(app):
    from jinja2 import meta

    kinds = load_kinds()
    assert set(kinds) >= {"meeting_upcoming", "action_due_soon", "action_overdue", "milestone_due",
                          "milestone_overdue", "attendance_low", "absence_streak", "vetting_pending",
                          "survey_round_due", "certificate_batch_ready", "reporting_period_due",
                          "posting_minimum_ending"}
    with app.app_context():
        for kind in kinds.values():
            source = app.jinja_env.loader.get_source(app.jinja_env, kind.template)[0]
            template = app.jinja_env.get_template(kind.template)
            assert {"subject", "body"} <= set(template.blocks), kind.name
            assert meta.find_undeclared_variables(app.jinja_env.parse(source)) <= {"ctx", "_", "ngettext"}


def test_a_new_kind_is_a_decorated_sweep(app, monkeypatch):
    monkeypatch.setattr("cpms.notifications.registry.KINDS", dict(KINDS))
    from cpms.notifications import registry

    @reminder_kind("example_report_due", label="Example report due", roles={"me_officer"}, days_before=10)
    def example_reports(ctx):
        yield Reminder(object_key="example_report:1", due_on=ctx.today, recipients=["me@example.org"])

    kind = registry.KINDS["example_report_due"]
    assert kind.template == "reminders/example_report_due.txt" and kind.days_before == 10
    with pytest.raises(ValueError):
        reminder_kind("example_batch_ready")(lambda ctx: [])  # the first registration needs a label
    with app.app_context():
        from cpms.core.models import utcnow
        reminders = list(kind.sweeps[0](SweepContext(utcnow(), Setting(True, 10, None), 14)))
    assert reminders[0].object_key == "example_report:1"


def test_templates_render_with_the_readers_language(app):
    from flask_babel import force_locale
    context = {"committee": "CLSP de Muya", "description": "Patrouilles", "responsible": "PNC",
               "due_on": "2017-06-01"}
    with app.app_context():
        with force_locale("en"):
            assert render_parts("committees/reminders/action_overdue.txt", context)[0] == \
                "Overdue action item: Patrouilles"
        with force_locale("fr"):
            subject, body = render_parts("committees/reminders/action_overdue.txt", context)
    assert subject == "Action en retard : Patrouilles"
    assert body.startswith("Cette action de CLSP de Muya était due le 1 juin 2017")  # the date from its ISO text
