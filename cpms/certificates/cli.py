"""`flask cpms certificates …` commands."""
import click
from flask.cli import AppGroup

certificates_cli = AppGroup("certificates", help="Certificates: run queued cohort batches.")


@certificates_cli.command("run-batches")
@click.option("--workers", type=int, default=None, help="Rendering processes (default: CPMS_CERTIFICATE_WORKERS).")
def run_batches_command(workers):
    """Run the pending certificate batches now (the scheduler does it every few seconds)."""
    from cpms.certificates.service.batches import run_pending_batches
    from cpms.core.transaction import in_transaction
    with in_transaction("cli"):
        count = run_pending_batches(workers=workers)
    click.echo(f"Certificate batches run: {count}")


@certificates_cli.command("review-sweep")
def review_sweep_command():
    """Flag for review the valid certificates whose enrolment is no longer completed (a safety net for the
    training signals; certificates reviewed and kept are left alone)."""
    from cpms.certificates.service.reviews import sweep_reviews
    from cpms.core.transaction import in_transaction
    with in_transaction("cli"):
        count = sweep_reviews()
    click.echo(f"Certificates flagged for review: {count}")


COMMANDS = [certificates_cli]
