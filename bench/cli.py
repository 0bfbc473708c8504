"""`python -m bench generate`: fill the app's database (CPMS_DATABASE_URL or instance/config.py, as for `flask
--app cpms`) with invented data at a chosen size. It must be empty and migrated (`flask --app cpms db upgrade`)."""
import click
from flask.cli import ScriptInfo, with_appcontext

from bench.generate import DEFAULT_SEED, SCALES, GenerationRefused, generate


@click.command("generate")
@click.option("--scale", type=click.Choice(list(SCALES)), default="small", show_default=True,
              help="national: 100,000 trainees, 5,000,000 attendance marks…; province: a tenth; small: a hundredth.")
@click.option("--seed", type=int, default=None, help="Seed of the random generators.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The data's today (default: today); the same seed and day give the same data.")
@with_appcontext
def generate_command(scale, seed, today):
    """Fill an empty, migrated database with invented data at the chosen size (for benchmarks)."""
    from cpms.extensions import db

    click.echo(f"Generating {scale} data…")
    try:
        summary = generate(db.engine, scale, DEFAULT_SEED if seed is None else seed, today and today.date(),
                           echo=click.echo)
    except GenerationRefused as error:
        raise click.ClickException(str(error))
    click.echo("Generated: " + ", ".join(f"{n:,} {what}" for what, n in summary.items()))
    click.echo("The demo logins work on this database (see README, Demo logins).")


def main(argv=None):
    """Run the command on the app create_app() builds from the configuration."""
    from cpms import create_app
    return generate_command.main(args=argv, prog_name="python -m bench generate",
                                 obj=ScriptInfo(create_app=create_app))
