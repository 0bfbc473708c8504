"""Observation 4: meeting times are entered, shown and published in the committee's local time, stored in UTC.

Mbuji-Mayi (Kasaï-Oriental) is on UTC+2, Kinshasa on UTC+1.
"""
from datetime import date, datetime, time, timezone

import sqlalchemy as sa
import time_machine
from sqlalchemy import select

from cpms.committees.models import Meeting
from cpms.extensions import db as _db
from cpms.notifications.models import OutboxMessage


def _post_meeting(web, committee, when="2026-12-10T09:00", **extra):
    return web.post(f"/committees/{committee.id}/meetings/new", {
        "starts_at": when, "place": "Maison communale", "kind": "ordinary", "status": "planned",
        "guests_women": "0", "guests_men": "0", "agenda": "Sécurité du marché", "minutes": "", "decisions": "",
        **extra})


def _api_meeting(client, user, meeting_id):
    from cpms.auth.service import create_api_token
    from tests.conftest import english

    with english(client.application):
        _t, token = create_api_token(user)
    _db.session.commit()
    answer = client.get("/api/v1/meetings", headers={"Authorization": f"Bearer {token}"}).get_json()
    return next(item for item in answer["items"] if item["id"] == meeting_id)


def test_meeting_at_nine_in_mbuji_mayi_is_seven_utc_everywhere(web, client, login_as, make_committee):
    committee = make_committee(commune="Bipemba")
    user = login_as("project_officer", "Kasaï-Oriental")
    assert _post_meeting(web, committee).status_code == 302
    meeting = _db.session.scalar(select(Meeting))
    assert meeting.starts_at == datetime(2026, 12, 10, 7, 0, tzinfo=timezone.utc)  # stored in UTC

    page = client.get(f"/committees/meetings/{meeting.id}").get_data(as_text=True)
    assert "9:00" in page and "Mbuji-Mayi time, UTC+2" in page and "7:00" not in page
    assert "9:00" in client.get(f"/committees/{committee.id}").get_data(as_text=True)
    form = client.get(f"/committees/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="2026-12-10T09:00"' in form and "Mbuji-Mayi time, UTC+2" in form

    ics = client.get(f"/committees/{committee.id}/calendar.ics").get_data(as_text=True)
    assert "DTSTART:20261210T070000Z" in ics and "DTEND:20261210T090000Z" in ics

    item = _api_meeting(client, user, meeting.id)
    assert item["starts_at"] == "2026-12-10T09:00:00+02:00" and item["time_zone"] == "Africa/Lubumbashi"

    # editing without touching the time keeps it (no double conversion)
    response = web.post(f"/committees/meetings/{meeting.id}/edit", {
        "starts_at": "2026-12-10T09:00", "place": "Salle paroissiale", "kind": "ordinary", "status": "planned",
        "guests_women": "0", "guests_men": "0"})
    assert response.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Meeting, meeting.id).starts_at == datetime(2026, 12, 10, 7, 0, tzinfo=timezone.utc)


def test_meeting_at_nine_in_kinshasa_is_eight_utc(web, client, login_as, make_committee, make_programme):
    programme = make_programme(provinces=["Kinshasa"], code="PDP-KIN")
    committee = make_committee(commune="Gombe", programme=programme)
    user = login_as("project_officer", "Kinshasa")
    assert _post_meeting(web, committee).status_code == 302
    meeting = _db.session.scalar(select(Meeting))
    assert meeting.starts_at == datetime(2026, 12, 10, 8, 0, tzinfo=timezone.utc)
    assert "Kinshasa time, UTC+1" in client.get(f"/committees/meetings/{meeting.id}").get_data(as_text=True)
    assert "DTSTART:20261210T080000Z" in client.get(f"/committees/{committee.id}/calendar.ics").get_data(as_text=True)
    assert _api_meeting(client, user, meeting.id)["starts_at"] == "2026-12-10T09:00:00+01:00"


def test_members_email_gives_local_time_and_zone(db, make_committee, make_member, make_meeting, mail_settings):
    from cpms.geo.time import to_utc
    from cpms.notifications.service.sweep import sweep_reminders

    committee = make_committee(commune="Bipemba")
    member = make_member(committee, name="Jean Mutombo")
    member.email = "jean.mutombo@example.org"
    make_meeting(committee, when=to_utc(datetime(2017, 6, 5, 15, 0), committee), status="planned")
    _db.session.commit()
    with time_machine.travel(datetime.combine(date(2017, 6, 3), time(8), timezone.utc), tick=False):
        sweep_reminders(only={"meeting_upcoming"})
    mail = _db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "jean.mutombo@example.org"))
    # no account: the default language (French)
    assert "à 15:00 (heure de Mbuji-Mayi, UTC+2)" in mail.body_text and "UTC)" not in mail.body_text
    assert "13:00" not in mail.body_text


def test_geo_helpers(app, db):
    from flask_babel import force_locale

    from cpms.geo.models import Commune, Province
    from cpms.geo.time import format_local, local_day, local_zone, to_local, to_utc, zone_label

    with app.test_request_context():
        bipemba = _db.session.scalar(select(Commune).where(Commune.name == "Bipemba"))
        gombe = _db.session.scalar(select(Commune).where(Commune.name == "Gombe"))
        assert local_zone(bipemba).key == "Africa/Lubumbashi" and local_zone(gombe).key == "Africa/Kinshasa"
        assert local_zone(None).key == "UTC"
        late = to_utc(datetime(2026, 12, 10, 0, 30), bipemba)
        assert late == datetime(2026, 12, 9, 22, 30, tzinfo=timezone.utc)
        assert local_day(late, bipemba) == date(2026, 12, 10)  # the local date, not the UTC one
        assert to_local(late, gombe).hour == 23
        with force_locale("fr"):
            assert zone_label(bipemba) == "heure de Mbuji-Mayi, UTC+2"
            assert format_local(late, gombe, "short").endswith("(heure de Kinshasa, UTC+1)")
            ituri = _db.session.scalar(select(Province).where(Province.name == "Ituri"))
            assert zone_label(ituri, place_name="Ituri") == "heure d'Ituri, UTC+2"  # elided before a vowel
        with force_locale("en"):
            assert zone_label(_db.session.scalar(select(Province).where(Province.name == "Ituri"))) \
                == "Lubumbashi time, UTC+2"


def test_every_preloaded_province_has_its_zone(db):
    from cpms.geo.models import Province

    zones = dict(_db.session.execute(select(Province.name, Province.time_zone)).all())
    assert zones["Kinshasa"] == "Africa/Kinshasa"
    assert {zones[name] for name in ("Kasaï-Oriental", "Haut-Katanga", "Kasaï", "Kasaï-Central", "Nord-Kivu",
                                     "Tanganyika", "Ituri")} == {"Africa/Lubumbashi"}


def test_admin_adds_a_province_with_its_time_zone(web, login_as):
    from cpms.geo.models import Province

    login_as("admin")
    assert web.post("/geography/provinces", {"name": "Maniema", "time_zone": ""}, page="/geography/").status_code == 302
    unknown = web.post("/geography/provinces", {"name": "Province test", "time_zone": ""}, page="/geography/")
    assert unknown.status_code == 422 and "time zone" in unknown.get_data(as_text=True)
    assert web.post("/geography/provinces", {"name": "Province test", "time_zone": "Africa/Kinshasa"},
                    page="/geography/").status_code == 302
    zones = dict(_db.session.execute(select(Province.name, Province.time_zone)).all())
    assert zones["Maniema"] == "Africa/Lubumbashi" and zones["Province test"] == "Africa/Kinshasa"


def test_migration_turns_stored_wall_clock_times_into_utc(tmp_path, worker_id_safe):
    """Meetings entered before migration 0018 hold the local time with UTC digits; after it, real UTC."""
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade

    from cpms import create_app
    from tests.conftest import database_url_for, drop_test_schema, make_test_config

    url, options = database_url_for(worker_id_safe, tmp_path, purpose="migrations")
    app = create_app(make_test_config(url, options), instance_path=str(tmp_path))
    try:
        with app.app_context():
            script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
            before = script.get_revision("0018").down_revision
            upgrade(revision=before)
            meeting_ids = _old_meetings()
            upgrade(revision="0018")
            assert _meeting_hours(meeting_ids) == [7, 8]  # Mbuji-Mayi UTC+2, Kinshasa UTC+1
            downgrade(revision=before)
            assert _meeting_hours(meeting_ids) == [9, 9]
            _db.engine.dispose()
    finally:
        drop_test_schema(url, options)


def _old_meetings():
    """A programme, two committees (Bipemba, Gombe) and a meeting each "at 09:00" as the old form stored it."""
    now = datetime(2020, 1, 1, tzinfo=timezone.utc)
    stamps = {"created_at": now, "updated_at": now}
    with _db.engine.begin() as connection:
        meta = sa.MetaData()
        meta.reflect(connection, only=["programmes", "committees", "committee_meetings", "communes"])
        programmes, committees, meetings = (meta.tables[n] for n in ("programmes", "committees", "committee_meetings"))
        communes = meta.tables["communes"]
        programme_id = connection.execute(sa.insert(programmes).values(
            code="OLD", name="Old", donors="", start_date=date(2016, 1, 1), end_date=date(2018, 12, 31),
            requires_vetting=False, description="", **stamps).returning(programmes.c.id)).scalar()
        ids = []
        for commune_name in ("Bipemba", "Gombe"):
            commune_id, province_id = connection.execute(sa.select(communes.c.id, communes.c.province_id).where(
                communes.c.name == commune_name)).one()
            committee_id = connection.execute(sa.insert(committees).values(
                kind="clsp", name=f"CLSP {commune_name}", province_id=province_id, commune_id=commune_id,
                programme_id=programme_id, established_on=date(2016, 1, 1), status="active", **stamps)
                .returning(committees.c.id)).scalar()
            ids.append(connection.execute(sa.insert(meetings).values(
                committee_id=committee_id, starts_at=datetime(2017, 5, 8, 9, 0, tzinfo=timezone.utc), place="",
                kind="ordinary", status="held", guests_women=0, guests_men=0, agenda="", minutes="", decisions="",
                **stamps).returning(meetings.c.id)).scalar())
    return ids


def _meeting_hours(ids):
    with _db.engine.connect() as connection:
        meetings = sa.table("committee_meetings", sa.column("id", sa.Integer),
                            sa.column("starts_at", sa.DateTime(timezone=True)))
        rows = dict(connection.execute(sa.select(meetings.c.id, meetings.c.starts_at)
                                       .where(meetings.c.id.in_(ids))).all())
    return [rows[i].astimezone(timezone.utc).hour if rows[i].tzinfo else rows[i].hour for i in ids]
