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


COMMANDS = [certificates_cli]
