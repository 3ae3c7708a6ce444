"""Runs: synchronous and threaded execution, progress, cancellation, the CLI command."""

from __future__ import annotations

import json
import time

from matchmaker.extensions import db
from matchmaker.models import DraftMeeting, ScheduleRun, User
from matchmaker.scheduler import Schedule, check_schedule
from matchmaker.services.roundtable import runs
from matchmaker.services.roundtable.problem import build_problem
from tests.factories import make_meeting


def _start(client, fair, limit=5):
    response = client.post(f"/roundtable/{fair.event.slug}/runs", data={"time_limit_s": limit})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return db.session.scalar(db.select(ScheduleRun).order_by(ScheduleRun.id.desc()))


def test_sync_run_places_every_mutual_must_within_the_rules(wished_fair, login_as):
    fair = wished_fair
    booked = make_meeting(fair.slots[0], fair.buyers[0], fair.orgs[0], status="accepted")
    run = _start(login_as(fair.organiser), fair)
    assert run.status == "done"
    report = json.loads(run.report_json)
    # 4 buyers × 3 organisations fit in 8 slots × 3 tables: all 12 meetings, proven by the bound.
    assert report["placed_count"] == report["requested_count"] == 12
    assert report["placed_weight"] == report["upper_bound_weight"]
    drafts = run.drafts
    assert len(drafts) == 12
    existing = [d for d in drafts if d.is_existing]
    assert [(d.meeting_id, d.slot_id, d.table_id) for d in existing] == [
        (booked.id, booked.slot_id, booked.table_id)]
    # Independent check of every hard constraint on the stored drafts.
    built = build_problem(fair.event)
    assignments, tables = {}, {}
    for d in drafts:
        rid = f"m{d.meeting_id}" if d.is_existing else f"p{d.buyer_id}-{d.organisation_id}"
        assignments[rid] = d.slot_id
        tables[rid] = built.table_index(d.slot_id, d.table_id)
    assert check_schedule(built.problem, Schedule(assignments, tables=tables)) == []


def test_review_page_shows_grid_and_report(wished_fair, login_as):
    client = login_as(wished_fair.organiser)
    run = _start(client, wished_fair)
    html = client.get(f"/roundtable/runs/{run.id}").get_data(as_text=True)
    assert "Quality report" in html
    assert '<table class="rt-grid">' in html
    assert wished_fair.orgs[0].name in html
    assert "proven optimal" in html or "not proven optimal" in html


def test_no_slots_refused(app, login_as, factories):
    event = factories.event()
    response = login_as(factories.user("organiser")).post(
        f"/roundtable/{event.slug}/runs", data={"time_limit_s": 5})
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(ScheduleRun)) == 0


def test_second_run_refused_while_one_is_active(fair, request_ctx):
    first = runs.start_run(fair.event, fair.organiser)
    db.session.commit()
    try:
        runs.start_run(fair.event, fair.organiser)
    except Exception as error:  # noqa: BLE001 — asserting on the code below
        assert getattr(error, "code", None) == "run_in_progress"
    else:
        raise AssertionError("second run accepted")
    runs.cancel_run(first)
    db.session.commit()
    assert first.status == "cancelled"


def test_queued_run_reports_progress_and_finishes(wished_fair, login_as, app):
    client = login_as(wished_fair.organiser)
    run = _start(client, wished_fair, limit=3)
    progress_url = f"/roundtable/runs/{run.id}/progress"
    seen = []
    deadline = time.monotonic() + 60  # a bound on the wait, not an assertion on speed
    while time.monotonic() < deadline:
        state = client.get(progress_url).get_json()
        seen.append(state["status"])
        if state["finished"]:
            break
        time.sleep(0.2)
    assert state["finished"] and state["status"] == "done", seen
    assert state["progress"] == 1.0
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(DraftMeeting)
                             .where(DraftMeeting.run_id == run.id)) == 12


def test_progress_page_without_js_refreshes_itself(fair, request_ctx, login_as):
    run = runs.start_run(fair.event, fair.organiser)
    db.session.commit()
    html = login_as(fair.organiser).get(f"/roundtable/runs/{run.id}").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh"' in html
    assert "<progress" in html and 'aria-live="polite"' in html
    runs.cancel_run(run)
    db.session.commit()


def test_cli_runs_synchronously(wished_fair, runner):
    result = runner.invoke(args=["roundtable-run", wished_fair.event.slug, "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    assert "done" in result.output and "placed 12/12" in result.output
    strict = runner.invoke(args=["roundtable-run", wished_fair.event.slug, "--time-limit", "5",
                                 "--must-place-all"])
    assert strict.exit_code == 0, strict.output
    assert "placed 12/12" in strict.output
    assert db.session.scalar(db.select(ScheduleRun).order_by(ScheduleRun.id.desc())).must_place_all
    bad = runner.invoke(args=["roundtable-run", "no-such-event"])
    assert bad.exit_code != 0


RUN_PHASE_TEXT = {
    "breaks": "shortening the waits between meetings", "placing": "placing the meetings",
}


def test_progress_reads_in_the_organisers_language(fair, request_ctx, login_as):
    """The solver's own messages are English figures for the log; the page and its polled
    text say what is happening in the reader's language."""
    run = runs.start_run(fair.event, fair.organiser)
    run.status, run.phase, run.message = "running", "breaks", "12 breaks (bound 4)"
    db.session.commit()
    organiser_id = fair.organiser.id
    client = login_as(fair.organiser)
    texts = {}
    for language in ("es", "en"):  # the organiser's own choice of language
        db.session.get(User, organiser_id).locale = language
        db.session.commit()
        html = client.get(f"/roundtable/runs/{run.id}").get_data(as_text=True)
        state = client.get(f"/roundtable/runs/{run.id}/progress").get_json()
        assert "bound" not in html.split('id="run-progress-text"')[1].split("</p>")[0]
        assert state["text"] in html
        texts[language] = state["text"]
    assert texts["en"] == (
        "Running · shortening the waits between meetings"
        " · idle gaps: 12 so far, at least 4"
    )
    assert texts["es"] == (
        "En curso · acortando las esperas entre reuniones"
        " · huecos: 12 por ahora, como mínimo 4"
    )
    assert state["message"] == "12 breaks (bound 4)"  # kept for the log and scripts
    # Before any timetable the proven bound alone; while placing, the share of the bound.
    for message, phase, expected in (
        ("- breaks (bound 3)", "breaks", "idle gaps: at least 3"),
        ("5208 weight (bound 5210)", "placing", "wishes placed: 100.0% of the most possible"),
        ("5000 weight (bound 5210)", "placing", "wishes placed: 96.0% of the most possible"),
        ("breaks <= 3: none", "breaks", None),
    ):
        run = db.session.get(ScheduleRun, run.id)
        run.message, run.phase = message, phase
        db.session.commit()
        text = client.get(f"/roundtable/runs/{run.id}/progress").get_json()["text"]
        if expected is None:  # any other message: the phase alone
            assert text == "Running · shortening the waits between meetings"
        else:
            assert text == f"Running · {RUN_PHASE_TEXT[phase]} · {expected}"

    runs.cancel_run(run)
    db.session.commit()


def test_organiser_can_require_every_wished_meeting(wished_fair, login_as):
    """The form's "every wished meeting must be placed" reaches the solver (its SAT model of
    complete timetables), shows on the review page and carries over to a re-run."""
    fair = wished_fair
    client = login_as(fair.organiser)
    html = client.get(f"/roundtable/{fair.event.slug}/").get_data(as_text=True)
    assert 'name="must_place_all"' in html
    response = client.post(f"/roundtable/{fair.event.slug}/runs",
                           data={"time_limit_s": 5, "must_place_all": "y"})
    assert response.status_code == 302
    run = db.session.scalar(db.select(ScheduleRun).order_by(ScheduleRun.id.desc()))
    assert run.must_place_all and run.status == "done"
    report = json.loads(run.report_json)
    assert report["placed_count"] == report["requested_count"] == 12
    assert report["status"] == "optimal"
    assert any(phase[0] == "sat breaks" for phase in report["phases"])
    html = client.get(f"/roundtable/runs/{run.id}").get_data(as_text=True)
    assert "Every wished meeting had to be placed." in html
    client.post(f"/roundtable/runs/{run.id}/rerun")
    again = db.session.scalar(db.select(ScheduleRun).order_by(ScheduleRun.id.desc()))
    assert again.id != run.id and again.must_place_all
    # Unticked (the default), the run may leave meetings out and says nothing of the kind.
    plain = _start(client, fair)
    assert not plain.must_place_all
    assert "Every wished meeting had to be placed." not in client.get(
        f"/roundtable/runs/{plain.id}").get_data(as_text=True)


def test_a_failed_run_says_so_in_the_organisers_language(fair, login_as):
    run = runs.start_run(fair.event, fair.organiser)
    run.status, run.message = "failed", "RuntimeError: solver crashed"
    db.session.commit()
    organiser_id = fair.organiser.id
    client = login_as(fair.organiser)
    db.session.get(User, organiser_id).locale = "es"
    db.session.commit()
    html = client.get(f"/roundtable/runs/{run.id}").get_data(as_text=True)
    assert "El planificador no pudo terminar esta ejecución." in html
    # The exception text is kept, out of the way, for support.
    assert "Detalles técnicos" in html and "<code>RuntimeError: solver crashed</code>" in html
    assert "The scheduler" not in html
