"""Flask commands: demo data, translations, the job worker, mail, first organiser, backups,
reminders, meeting expiry and the roundtable scheduler."""

from __future__ import annotations

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
@with_appcontext
def send_mail_command() -> None:
    """Deliver due e-mails over SMTP now (the workers do this every minute by themselves)."""
    from flask import current_app

    from matchmaker.services.mail import deliver_pending, smtp_configured

    if not smtp_configured(current_app.config):
        click.echo("MAIL_SERVER is not set: messages stay in the outbox (Admin → Outbox).")
        return
    sent, failed = deliver_pending()
    click.echo(f"sent {sent}, failed {failed}")


@click.command("worker")
@click.option("--workers", "-w", default=2, show_default=True,
              help="Jobs this process runs at once (threads).")
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Also schedule mail, reminders, expiry, the job reaper and file clean-up.")
@click.option("--verbose", is_flag=True, help="Log every task Huey runs (the reaper's too).")
@with_appcontext
def worker_command(workers: int, periodic: bool, verbose: bool) -> None:
    """Run background jobs: roundtable runs, badges and posters, exports, mail, reminders.

    Start one or more anywhere that shares the database, JOBS_QUEUE_URL and JOB_FILES_FOLDER
    with the app servers; a job whose worker dies is picked up again by another."""
    import logging

    from flask import current_app

    from matchmaker import jobs
    from matchmaker.jobs.consumer import create_consumer

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(process)d %(threadName)s %(levelname)s "
                               "%(name)s: %(message)s")
    # Huey logs each task at INFO, the reaper's every JOB_REAP_INTERVAL_S included; the jobs
    # log their own start, end and failures.
    logging.getLogger("huey").setLevel(logging.INFO if verbose else logging.WARNING)
    consumer = create_consumer(jobs.huey, workers=workers, periodic=periodic,
                               worker_type="thread", max_delay=1.0,
                               reap_every_s=current_app.config["JOB_REAP_INTERVAL_S"])
    consumer.run()


@click.command("jobs-status")
@with_appcontext
def jobs_status_command() -> None:
    """List queued, running and recently failed jobs, and what the queue holds."""
    from datetime import timedelta

    from matchmaker import jobs
    from matchmaker.extensions import db
    from matchmaker.jobs.kinds import KINDS
    from matchmaker.models.base import utcnow

    now = utcnow()
    for kind in KINDS.values():
        model = kind.model
        rows = db.session.scalars(db.select(model).where(
            (model.status.in_(("queued", "running")))
            | ((model.status == "failed") & (model.finished_at > now - timedelta(days=1))))
            .order_by(model.id)).all()
        for row in rows:
            beat = f"{(now - row.heartbeat_at).total_seconds():.0f} s ago" \
                if row.heartbeat_at else "never"
            reason = getattr(row, kind.reason_column) if row.status == "failed" else ""
            click.echo(f"{kind.name:<10} {row.id:>6} {row.status:<8} attempt {row.attempts} "
                       f"heartbeat {beat:<12} {row.worker} {reason}".rstrip())
    click.echo(f"queue: {jobs.huey.pending_count()} waiting, "
               f"{jobs.huey.scheduled_count()} scheduled")


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


def _site_folders() -> dict:
    """The folders a backup carries besides the database."""
    from matchmaker.file_store import job_files_root
    from matchmaker.uploads import upload_root

    return {"uploads": upload_root(), "job-files": job_files_root()}


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path: str | None) -> None:
    """Write the database, the uploaded files and the job files into one archive (default:
    instance/backups/), with every file's checksum."""
    from pathlib import Path

    from flask import current_app

    from matchmaker.services.backup import BackupError, backup_site, default_backup_path

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    target = Path(path) if path else default_backup_path(Path(current_app.instance_path) / "backups")
    try:
        manifest = backup_site(url, target, _site_folders())
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{len(manifest['files'])} files and the database.")
    click.echo(f"Backup written to {target}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: str, yes: bool) -> None:
    """Replace the whole database and the uploaded and job files with a `flask backup`."""
    from pathlib import Path

    from flask import current_app

    from matchmaker.extensions import db
    from matchmaker.services.backup import BackupError, restore_site

    if not yes:
        click.confirm("This replaces ALL current data and files with the backup. Continue?",
                      abort=True)
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the old data or a lock
    try:
        manifest = restore_site(current_app.config["SQLALCHEMY_DATABASE_URI"], Path(path),
                                _site_folders())
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    if manifest["format"] == 0:
        click.echo("An older backup of the database only: files were left as they are.")
    click.echo(f"Database and {len(manifest['files'])} files restored from {path}")


@click.command("send-reminders")
@click.option("--minutes", default=60, show_default=True,
              help="Remind this many minutes before each accepted meeting.")
@click.option("--expiry-hours", default=3, show_default=True,
              help="Warn this many hours before an unanswered request expires.")
@with_appcontext
def send_reminders_command(minutes: int, expiry_hours: int) -> None:
    """Queue meeting reminders and expiry warnings; safe to run every few minutes."""
    from matchmaker.extensions import db
    from matchmaker.services.reminders import send_reminders

    run = send_reminders(minutes=minutes, expiry_warning_hours=expiry_hours)
    db.session.commit()
    click.echo(f"reminders {run.reminders}, expiry warnings {run.expiry_warnings}")


@click.command("meetings-expire")
@with_appcontext
def meetings_expire_command() -> None:
    """Expire unanswered meeting requests whose time ran out (run it every few minutes)."""
    from matchmaker.extensions import db
    from matchmaker.services.meetings import booking

    count = booking.expire_overdue()
    db.session.commit()
    click.echo(f"{count} expired.")


@click.command("roundtable-run")
@click.argument("event_slug")
@click.option("--time-limit", default=30, show_default=True, help="Seconds for the solver.")
@click.option("--keep-pinned/--no-keep-pinned", default=True, show_default=True,
              help="Keep the pinned meetings of the event's latest run.")
@click.option("--must-place-all", is_flag=True,
              help="Every wished meeting must be placed (or the run proves they cannot all fit).")
@with_appcontext
def roundtable_run_command(event_slug: str, time_limit: int, keep_pinned: bool,
                           must_place_all: bool) -> None:
    """Run the roundtable scheduler for an event now, in this process; review it in the web."""
    from matchmaker.errors import DomainError
    from matchmaker.extensions import db
    from matchmaker.models import Event
    from matchmaker.services.roundtable import report, runs

    event = db.session.scalar(db.select(Event).where(Event.slug == event_slug))
    if event is None:
        raise click.ClickException(f"no event {event_slug!r}")
    parent = runs.latest_run(event) if keep_pinned else None
    try:
        run = runs.start_run(event, None, time_limit_s=time_limit, must_place_all=must_place_all,
                             parent=parent if parent is not None and parent.has_result else None)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.code}: {error.message}") from error
    db.session.commit()
    run = runs.execute(run.id)
    figures = report.load_report(run)
    click.echo(f"run {run.id}: {run.status} ({run.message}); placed "
               f"{figures.get('placed_count', 0)}/{figures.get('requested_count', 0)} meetings, "
               f"weight {figures.get('placed_weight', 0)} of at most "
               f"{figures.get('upper_bound_weight', 0)}; {figures.get('total_breaks', 0)} breaks")


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (seed_demo_command, i18n_build_command, i18n_missing_command,
                    send_mail_command, worker_command, jobs_status_command,
                    create_organiser_command, backup_command, restore_command,
                    send_reminders_command, meetings_expire_command, roundtable_run_command):
        app.cli.add_command(command)
    from matchmaker.cli_matching import import_command, recommend_command

    app.cli.add_command(recommend_command)
    app.cli.add_command(import_command)
