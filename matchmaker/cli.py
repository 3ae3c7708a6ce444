"""Flask commands: demo data, translations, the mail worker, first organiser."""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import with_appcontext


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Seed even when the database already has events.")
@with_appcontext
def seed_demo_command(force: bool) -> None:
    """Load a believable ExpoAmazónica with associations, reps and buyers."""
    from matchmaker.demo import seed_demo

    created = seed_demo(force=force)
    click.echo("Demo data loaded." if created else "The database already has data; nothing done.")


@click.command("i18n-build")
def i18n_build_command() -> None:
    """Merge the Spanish catalogue parts and compile them."""
    from matchmaker import i18n

    i18n.build()
    click.echo("Catalogues compiled.")


@click.command("i18n-missing")
@click.option("--write-part", default="", help="Append stubs for the missing messages to this part.")
@click.option("--only", multiple=True, help="Only messages from paths starting with this prefix.")
def i18n_missing_command(write_part: str, only: tuple[str, ...]) -> None:
    """List messages that have no Spanish translation yet."""
    from matchmaker import i18n

    if write_part:
        click.echo(f"{i18n.write_missing_part('es', write_part, only)} stubs written.")
        return
    missing = i18n.missing_translations("es")
    for message_id, places in sorted(missing.items()):
        click.echo(f"{places[0]}: {message_id!r}")
    click.echo(f"{len(missing)} missing.")


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running, polling the outbox.")
@click.option("--interval", default=15, show_default=True, help="Seconds between polls.")
@with_appcontext
def send_mail_command(loop: bool, interval: int) -> None:
    """Deliver queued e-mails over SMTP, retrying failures with back-off."""
    from flask import current_app

    from matchmaker.services.mail import deliver_pending, smtp_configured

    if not smtp_configured(current_app.config):
        click.echo("MAIL_SERVER is not set: messages stay in the outbox (Admin → Outbox).")
        return
    while True:
        sent, failed = deliver_pending()
        click.echo(f"sent {sent}, failed {failed}")
        if not loop:
            break
        time.sleep(interval)


@click.command("create-organiser")
@click.argument("email")
@click.argument("name")
@click.password_option()
@with_appcontext
def create_organiser_command(email: str, name: str, password: str) -> None:
    """Create an organiser account (the first one, on a fresh production database)."""
    from matchmaker.extensions import db
    from matchmaker.services.accounts import create_user

    create_user(email=email, name=name, password=password, role="organiser")
    db.session.commit()
    click.echo(f"Organiser {email} created.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (seed_demo_command, i18n_build_command, i18n_missing_command,
                    send_mail_command, create_organiser_command):
        app.cli.add_command(command)
