"""`flask cpms …` commands."""
import os
import signal
import subprocess
import sys
import threading
import time

import click
from flask import current_app
from flask.cli import AppGroup, ScriptInfo
from sqlalchemy import func, select

from cpms.core.transaction import in_transaction
from cpms.extensions import db

cpms_cli = AppGroup("cpms", help="CPMS administration commands.")


@cpms_cli.command("create-user")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", required=True, type=click.Choice(["admin", "trainer", "project_officer", "me_officer", "viewer"]))
@click.option("--name", default=None, help="Full name (defaults to the e-mail's local part).")
@click.option("--province", "provinces", multiple=True, help="Limit the user to this province (repeatable).")
@click.option("--commune", "communes", multiple=True, help="Limit the user to this commune (repeatable).")
@click.option("--locale", default="fr", type=click.Choice(["fr", "en"]))
def create_user_command(email, password, role, name, provinces, communes, locale):
    """Create a user account."""
    from cpms.auth.service import create_user
    from cpms.core.errors import DomainError
    from cpms.geo.models import Commune, Province

    province_ids, commune_ids = [], []
    for province_name in provinces:
        pid = db.session.scalar(select(Province.id).where(func.lower(Province.name) == province_name.lower()))
        if pid is None:
            raise click.ClickException(f"Unknown province: {province_name}")
        province_ids.append(pid)
    for commune_name in communes:
        cid = db.session.scalar(select(Commune.id).where(func.lower(Commune.name) == commune_name.lower()))
        if cid is None:
            raise click.ClickException(f"Unknown commune: {commune_name}")
        commune_ids.append(cid)
    try:
        with in_transaction("cli"):
            user = create_user(name=name or email.split("@")[0], email=email, role=role, password=password,
                               locale=locale, province_ids=province_ids, commune_ids=commune_ids)
    except DomainError as error:
        raise click.ClickException(error.message)
    click.echo(f"Created {user.email} ({user.role}).")


@cpms_cli.command("create-token")
@click.argument("email")
@click.option("--name", default=None, help="What the token is for.")
def create_token_command(email, name):
    """Print a new personal API token for EMAIL (shown once)."""
    from cpms.auth.service import create_api_token, find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with e-mail {email}")
    with in_transaction("cli"):
        _token, raw = create_api_token(user, name=name)
    click.echo(raw)


@cpms_cli.command("demo")
@click.option("--force", is_flag=True, help="Load even if the database already has users.")
@click.option("--if-empty", is_flag=True, help="Do nothing (successfully) when the database already has users.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
              help="Language of the demo's sentences (default: CPMS_DEFAULT_LOCALE).")
def demo_command(force, if_empty, lang):
    """Load the invented demonstration dataset."""
    from cpms.auth.demo import DEMO_USERS, database_is_empty
    from cpms.core.demo import load_demo

    if not database_is_empty() and not force:
        if if_empty:
            click.echo("Demo data: the database already has users; nothing loaded.")
            return
        raise click.ClickException("The database is not empty; use --force to load the demo data anyway.")
    with in_transaction("cli"):
        summary = load_demo(lang)
    click.echo("Demo data loaded: " + ", ".join(f"{n} {what}" for what, n in summary.items()))
    if not if_empty:  # `make run` uses --if-empty and prints the logins when the server starts
        _print_logins(DEMO_USERS)


def _print_logins(users):
    click.echo("Demo logins (e-mail / password / role):")
    for user in users:
        click.echo(f"  {user['email']:<36} {user['password']:<24} {user['role']}")


@cpms_cli.command("backup")
@click.option("--output", "-o", default=None,
              help="Archive to write (default: <instance>/backups/cpms-<date-time>.tar.gz).")
def backup_command(output):
    """Back up the database and the data folders (uploads, stored certificates, configuration)."""
    from cpms.core.backup import BackupError, create_backup
    from cpms.core.models import utcnow

    output = output or os.path.join(current_app.instance_path, "backups", f"cpms-{utcnow():%Y%m%d-%H%M%S}.tar.gz")
    try:
        manifest = create_backup(output)
    except BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Backup written to {output}: {sum(manifest['row_counts'].values())} rows in "
               f"{len(manifest['row_counts'])} tables, {len(manifest['files'])} files.")


@cpms_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite a SQLite database that is not empty.")
def restore_command(archive, force):
    """Restore a backup into a fresh database and the configured data folders."""
    from cpms.core.backup import BackupError, restore_backup

    try:
        manifest = restore_backup(archive, force=force)
    except BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Restored the backup of {manifest['created_at']}: {sum(manifest['row_counts'].values())} rows, "
               f"{len(manifest['files'])} files.")


@cpms_cli.command("scheduler")
def scheduler_command():
    """Run the scheduler process (one per installation, never inside web workers)."""
    from cpms.core.jobs.worker import leave_now
    from cpms.core.scheduler import run_scheduler
    leave_now(run_scheduler(current_app._get_current_object()))


@cpms_cli.command("worker")
def worker_command():
    """Run a job worker (any number, on any number of machines sharing the database; docs/jobs.md)."""
    from cpms.core.jobs.worker import leave_now, run_worker
    leave_now(run_worker(current_app._get_current_object()))


@cpms_cli.command("run-jobs")
@click.option("--limit", type=int, default=None, help="Run at most this many jobs.")
def run_jobs_command(limit):
    """Run the queued jobs now, in this process, then return (e.g. from cron, or to drain the queue)."""
    from cpms.core.jobs import run_queued_jobs
    click.echo(f"{run_queued_jobs(worker_id='cli', limit=limit)} jobs run")


@cpms_cli.command("run-job")
@click.argument("job_id")
def run_job_command(job_id):
    """Run one scheduler job once, now (e.g. reminders.sweep, mail.deliver); safe beside a running scheduler."""
    from cpms.core.scheduler import registered_jobs, run_job
    if job_id not in registered_jobs():
        raise click.ClickException(f"Unknown job {job_id}; jobs: {', '.join(sorted(registered_jobs()))}")
    result = run_job(job_id, current_app._get_current_object())
    click.echo(f"{job_id}: {result}")


@cpms_cli.command("check-system")
def check_system_command():
    """Check that the system libraries WeasyPrint needs are installed."""
    problem = weasyprint_problem()
    if problem:
        raise click.ClickException(problem)
    click.echo("System libraries: OK")


def weasyprint_problem():
    try:
        import weasyprint  # noqa: F401
    except OSError as error:
        return ("WeasyPrint cannot load the Pango library it needs for PDFs (" + str(error).splitlines()[0] + ").\n"
                "Install it, then run the command again:\n"
                "  Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core\n"
                "  Fedora:        sudo dnf install pango\n"
                "  macOS:         brew install pango")
    return None


@cpms_cli.command("dev")
def dev_command():
    """Start the web app, the scheduler and one job worker (used by `make run`); Ctrl-C stops them all
    within 5 s. A scheduler or worker that exits on its own (found itself unhealthy) is started again."""
    from cpms.auth.demo import DEMO_USERS, database_is_empty

    app = current_app._get_current_object()
    host, port = app.config["HOST"], app.config["PORT"]
    # Ctrl-C and SIGTERM stop the server, then the `finally` below stops the others
    # (set explicitly: a process started in the background inherits SIGINT as ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    children = Children(click.get_current_context().ensure_object(ScriptInfo).app_import_path or "cpms")
    children.start("scheduler")
    children.start("worker")
    click.echo("")
    click.echo(f"CPMS is running at http://{host}:{port}/  (scheduler and worker beside it; Ctrl-C stops all)")
    if not database_is_empty():
        _print_logins(DEMO_USERS)
    click.echo("")
    watcher = threading.Thread(target=children.keep_alive, daemon=True)
    watcher.start()
    try:
        from werkzeug.serving import run_simple
        run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)
    finally:
        children.stop()
    from cpms.core.jobs.worker import leave_now
    leave_now(0)


class Children:
    """`flask cpms <command>` processes beside the development server, restarted when they exit."""

    STOP_SECONDS = 3.5  # then SIGKILL: with the exits of the processes, Ctrl-C ends all within 5 s on a loaded machine

    def __init__(self, app_import_path="cpms"):
        self.app_import_path = app_import_path  # the same application as the parent (`flask --app …`)
        self.processes = {}
        self.stopping = threading.Event()

    def start(self, command):
        self.processes[command] = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", self.app_import_path, "cpms", command], env=dict(os.environ))

    def keep_alive(self):
        while not self.stopping.wait(2):
            for command, process in list(self.processes.items()):
                if process.poll() is not None and not self.stopping.is_set():
                    click.echo(f"The {command} exited ({process.returncode}); starting it again.", err=True)
                    self.start(command)

    def stop(self):
        """SIGTERM to each, then SIGKILL to any still there after STOP_SECONDS in all."""
        self.stopping.set()
        deadline = time.monotonic() + self.STOP_SECONDS
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
