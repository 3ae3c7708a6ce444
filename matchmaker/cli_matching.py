"""Matchmaking commands: `flask recommend` and `flask import-participants`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.importing.fields import FIELDS, guess_mapping, missing_required
from matchmaker.importing.reading import TableProblem, read_table
from matchmaker.matching import REP
from matchmaker.models import Event
from matchmaker.services import events
from matchmaker.services.imports import participants
from matchmaker.services.matching import recommend
from matchmaker.services.matching.text import finding_text_plain, match_json

KINDS = tuple(FIELDS)


@click.command("recommend")
@click.argument("email")
@click.option("--event", "event_slug", default="", help="Event slug (default: the current fair).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--limit", default=10, show_default=True, help="How many to list.")
@with_appcontext
def recommend_command(email: str, event_slug: str, as_json: bool, limit: int) -> None:
    """Ranked lots and offers with reasons for a buyer, or the buyers to meet for a rep."""
    from matchmaker.services.accounts import find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with the e-mail {email}.")
    if event_slug:
        event = db.session.scalar(db.select(Event).where(Event.slug == event_slug))
        if event is None:
            raise click.ClickException(f"No event with the slug {event_slug}.")
    else:
        event = events.current()
    today = date.today()
    try:
        if user.is_buyer:
            result = recommend.for_buyer(user, event, today=today)
            payload = {"buyer": user.email, "event": event.slug if event else None,
                       "recommended": [match_json(m) for m in result.fitting[:limit]],
                       "excluded": [match_json(m) for m in result.excluded],
                       "to_meet": [o.name for o in result.to_meet]}
        else:
            rows = recommend.for_rep(user, event, today=today)
            payload = {"rep": user.email, "event": event.slug if event else None,
                       "buyers": [{"email": r.buyer.email, "name": r.buyer.name,
                                   "company": r.buyer.buyer_profile.company
                                   if r.buyer.buyer_profile else "",
                                   "score": r.fit.score, "best": r.fit.best.supply.code,
                                   "fitting": r.fit.fitting_count,
                                   "reasons": _for_rep(r.fit.reasons, r.buyer.name),
                                   "misses": _for_rep(r.fit.best.misses, r.buyer.name)}
                                  for r in rows[:limit]]}
    except DomainError as error:
        raise click.ClickException(error.message) from error
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    _echo_text(payload)


def _for_rep(findings, buyer_name: str) -> list[str]:
    # Run outside a request: "the buyer" is not translated here, the name mostly stands in.
    called = (buyer_name or "").split()[:1] or [None]
    return [finding_text_plain(f, REP, called[0]) for f in findings]


def _echo_text(payload: dict) -> None:
    if "recommended" in payload:
        click.echo(f"Recommendations for {payload['buyer']} at {payload['event'] or 'all events'}:")
        for n, item in enumerate(payload["recommended"], 1):
            click.echo(f"{n:>2}. [{item['score']:.1f}] {item['kind']} {item['code']} – "
                       f"{item['name']} ({item['organisation']})")
            for line in item["reasons"]:
                click.echo(f"      + {line}")
            for line in item["misses"]:
                click.echo(f"      - {line}")
            for line in item["notes"]:
                click.echo(f"      ~ {line}")
            for line in item["signals"]:
                click.echo(f"      * {line} (behaviour)")
        if not payload["recommended"]:
            click.echo("    Nothing fits yet.")
        click.echo(f"Ruled out: {len(payload['excluded'])}")
        for item in payload["excluded"]:
            click.echo(f"    {item['code']}: {'; '.join(item['excluded_by'])}")
        if payload["to_meet"]:
            click.echo("Who to meet: " + ", ".join(payload["to_meet"]))
        return
    click.echo(f"Buyers to meet for {payload['rep']} at {payload['event'] or 'all events'}:")
    for n, row in enumerate(payload["buyers"], 1):
        click.echo(f"{n:>2}. [{row['score']:.1f}] {row['company']} ({row['name']}, "
                   f"{row['email']}) – best fit {row['best']}, {row['fitting']} fitting")
        for line in row["reasons"]:
            click.echo(f"      + {line}")
        for line in row["misses"]:
            click.echo(f"      - {line}")
    if not payload["buyers"]:
        click.echo("    No buyer's demand fits yet.")


@click.command("import-participants")
@click.argument("event_slug")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", type=click.Choice(KINDS), default="buyers", show_default=True)
@click.option("--dry-run", is_flag=True, help="Show what would happen; write and send nothing.")
@with_appcontext
def import_command(event_slug: str, path: str, kind: str, dry_run: bool) -> None:
    """Import an event's exhibitors or buyers from a CSV or XLSX registration sheet."""
    event = db.session.scalar(db.select(Event).where(Event.slug == event_slug))
    if event is None:
        raise click.ClickException(f"No event with the slug {event_slug}.")
    file = Path(path)
    # Translated messages and e-mails need a request's locale machinery.
    with current_app.test_request_context(headers={"Accept-Language": "en"}):
        try:
            table = read_table(file.name, file.read_bytes())
        except TableProblem as problem:
            raise click.ClickException(str(problem)) from problem
        mapping_now = guess_mapping(kind, table.headers,
                                    participants.remembered_mapping(event, kind))
        missing = missing_required(kind, mapping_now)
        if missing:
            raise click.ClickException(
                "No column found for: " + ", ".join(f.label for f in missing)
                + ". Map the columns once in the import page; the mapping is remembered.")
        import_plan = participants.plan(event, kind, table, mapping_now)
        for row in import_plan.rows:
            detail = "; ".join(p.message % p.params for p in row.problems) or \
                ", ".join(row.changes)
            click.echo(f"row {row.number:>4}  {row.action:<9}  {row.label}"
                       + (f"  ({detail})" if detail else ""))
        counts = import_plan.counts
        summary = (f"{counts['create']} to create, {counts['update']} to update, "
                   f"{counts['unchanged']} unchanged, {counts['refuse']} refused")
        if dry_run:
            db.session.rollback()
            click.echo(f"Dry run: {summary}. Nothing written, nothing sent.")
            return
        try:
            participants.apply(event, import_plan)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(f"Nothing was imported: {error.message}") from error
        db.session.commit()  # a command, not a request: the kernel does not commit it
        click.echo(f"Imported: {summary}.")
