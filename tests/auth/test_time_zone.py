"""Times of records are shown in the reader's time (DR Congo has two zones), not in UTC: the zone of the user's
areas, or the one they chose on "My account"; e-mails in the recipient's."""
from datetime import datetime, timezone

import time_machine
from sqlalchemy import select

from cpms.auth.models import User
from cpms.core.jobs import Job, run_queued_jobs
from cpms.extensions import db as _db

ASKED = datetime(2026, 12, 7, 5, 51, tzinfo=timezone.utc)  # 07:51 in Mbuji-Mayi, 06:51 in Kinshasa


def _job_asked_at_0551_utc(owner, make_job):
    job = make_job(owner, value=1)
    row = _db.session.get(Job, job.id)
    row.created_at = ASKED
    _db.session.commit()
    return job


def _requested(client, job):
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    return page.split("Requested", 1)[1].split("</dd>", 1)[0] if "Requested" in page \
        else page.split("Demandé", 1)[1].split("</dd>", 1)[0]


def test_a_job_asked_in_mbuji_mayi_shows_its_time_there_in_english_and_french(client, web, login_as, make_job):
    owner = login_as("trainer", "Kasaï-Oriental", locale="en")
    job = _job_asked_at_0551_utc(owner, make_job)
    assert "7:51" in _requested(client, job) and "5:51" not in _requested(client, job)
    web.post("/language", {"lang": "fr", "next": "/jobs/"}, page="/jobs/")
    listing = client.get("/jobs/").get_data(as_text=True)
    assert "07:51" in listing and "05:51" not in listing


def test_a_job_asked_in_kinshasa_shows_kinshasa_time(client, login_as, make_job):
    owner = login_as("trainer", "Kinshasa", locale="en")
    job = _job_asked_at_0551_utc(owner, make_job)
    assert "6:51" in _requested(client, job)


def test_a_user_of_the_whole_country_chooses_lubumbashi_time_on_my_account(client, web, login_as, make_job):
    admin = login_as("admin", locale="en")
    job = _job_asked_at_0551_utc(admin, make_job)
    assert "6:51" in _requested(client, job)  # Kinshasa time, the capital's, by default
    page = client.get("/account").get_data(as_text=True)
    assert "My area: Kinshasa time, UTC+1" in page and "Lubumbashi time, UTC+2" in page
    response = web.post("/account/time-zone", {"time_zone": "Africa/Lubumbashi"}, page="/account")
    assert response.status_code == 302
    assert "Times are now shown in Lubumbashi time, UTC+2." in client.get("/account").get_data(as_text=True)
    assert "7:51" in _requested(client, job)
    _db.session.expire_all()
    assert _db.session.get(User, admin.id).time_zone == "Africa/Lubumbashi"
    web.post("/account/time-zone", {"time_zone": ""}, page="/account")  # back to that of the area
    _db.session.expire_all()
    assert _db.session.get(User, admin.id).time_zone is None and "6:51" in _requested(client, job)


def test_a_zone_outside_the_country_is_refused_and_nothing_changes(client, web, login_as):
    user = login_as("trainer", "Kasaï-Oriental", locale="fr")
    response = web.post("/account/time-zone", {"time_zone": "Europe/Paris"}, page="/account")
    assert response.status_code == 422
    assert "Heures affichées en" in response.get_data(as_text=True)
    assert "Choisissez l’heure de Kinshasa, l’heure de Lubumbashi ou celle de votre zone." in \
        response.get_data(as_text=True).replace("&#39;", "'").replace("&#8217;", "’")
    _db.session.expire_all()
    assert _db.session.get(User, user.id).time_zone is None


def test_the_job_finished_e_mail_gives_the_time_of_the_recipient(client, make_user, make_job):
    from cpms.notifications.models import OutboxMessage
    owner = make_user("trainer", provinces=["Kasaï-Oriental"], locale="fr")
    job = make_job(owner, value=2)
    _db.session.get(Job, job.id).run_after = ASKED
    _db.session.commit()
    with time_machine.travel(ASKED, tick=False):
        assert run_queued_jobs() == 1
    message = _db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == owner.email))
    assert message is not None and "07:51" in message.body_text and "05:51" not in message.body_text


def test_the_account_page_states_the_second_factor_in_each_language(client, web, login_as):
    login_as("trainer", "Kinshasa", locale="en")
    assert "Second factor: off" in client.get("/account").get_data(as_text=True)
    web.post("/language", {"lang": "fr", "next": "/account"}, page="/account")
    assert "Second facteur : désactivé" in client.get("/account").get_data(as_text=True)
