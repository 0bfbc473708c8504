"""Scheduler jobs: sweep the reminders, build the daily digests, send the outbox.

Each is a sweep over the database, safe to run late, twice, or in two schedulers at once. The scheduler runs each
in `in_transaction("scheduler:<job>")` (cpms/core/scheduler.py), which commits; the sweeps and the delivery
commit their own short steps through `in_transaction()`, under the job's actor.
"""
from cpms.core.scheduler import job
from cpms.notifications.service import purge_old
from cpms.notifications.service.digest import send_digests
from cpms.notifications.service.mail import deliver_outbox
from cpms.notifications.service.sweep import sweep_reminders


@job("reminders.sweep", minutes=10)
def sweep_job(app):
    return sweep_reminders()


@job("reminders.digest", minutes=15)
def digest_job(app):
    return send_digests()


@job("mail.deliver", minutes=1)
def deliver_job(app):
    return deliver_outbox()


@job("notifications.purge", hours=24)
def purge_job(app):
    return purge_old()
