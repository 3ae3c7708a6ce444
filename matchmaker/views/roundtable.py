"""Roundtable: participants' wishes; the organiser's runs, review, adjustments and publishing."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal, format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from matchmaker import web
from matchmaker.access import get_event, organiser_required, role_required
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.forms.roundtable import AddForm, DraftForm, MoveForm, RunForm, SwapForm
from matchmaker.input_guard import db_int
from matchmaker.labels import short_name
from matchmaker.models import Event, Exhibitor, Organisation, Slot, User
from matchmaker.models.roundtable import DraftMeeting, ScheduleRun
from matchmaker.scheduler.service import progress_figures
from matchmaker.services.roundtable import adjust, publish, review, runs, wishes
from matchmaker.services.roundtable import report as report_service
from matchmaker.services.roundtable.problem import event_slots

bp = Blueprint("roundtable", __name__, url_prefix="/roundtable")

participant_required = role_required("buyer", "rep")

RUN_STATUS_LABELS = {
    "queued": _l("Waiting to start"), "running": _l("Running"), "done": _l("Finished"),
    "failed": _l("Failed"), "cancelled": _l("Stopped early"),
}
# What the scheduler is doing, for the progress page (the solver's own messages are English
# figures for the log; `ScheduleRun.phase` holds one of these codes).
RUN_PHASE_LABELS = {
    "queued": _l("waiting for a worker"), "reading": _l("reading the wishes"),
    "greedy": _l("building a first timetable"), "placing": _l("placing the meetings"),
    "breaks": _l("shortening the waits between meetings"), "done": _l("finishing"),
}
SOLVER_STATUS_LABELS = {
    "optimal": _l("proven optimal"), "feasible": _l("good, not proven optimal"),
    "greedy-only": _l("first quick timetable only"), "infeasible": _l("infeasible"),
}


def _progress_text(run: ScheduleRun) -> str:
    """"Running · placing the meetings · ...": the run's state, phase and current gap (what
    the best timetable so far has against what is proven possible) in the reader's language."""
    text = str(RUN_STATUS_LABELS.get(run.status, run.status))
    if run.is_active and run.phase in RUN_PHASE_LABELS:
        text += " · " + str(RUN_PHASE_LABELS[run.phase])
        gap = _gap_text(run.message)
        if gap:
            text += " · " + gap
    return text


def _gap_text(message: str | None) -> str:
    figures = progress_figures(message)
    if figures is None:
        return ""
    what, value, bound = figures
    if what == "breaks":
        if value is None:
            return _("idle gaps: at least %(bound)s", bound=format_number(bound))
        return _("idle gaps: %(value)s so far, at least %(bound)s",
                 value=format_number(value), bound=format_number(max(0, bound)))
    if value is None or bound <= 0:
        return ""
    return _("wishes placed: %(percent)s%% of the most possible",
             percent=format_decimal(100 * min(1.0, value / bound), "#,##0.0"))


@bp.context_processor
def _labels():
    from matchmaker.labels import BUYER_TYPES

    buyer_types = dict(BUYER_TYPES)
    return {
        "run_status_label": lambda code: str(RUN_STATUS_LABELS.get(code, code)),
        "run_progress_text": _progress_text,
        "solver_status_label": lambda code: str(SOLVER_STATUS_LABELS.get(code, code)),
        "buyer_type_label": lambda code: str(buyer_types.get(code, code)),
    }


# Wishes --------------------------------------------------------------------------------

def _wish_events() -> list[Event]:
    return list(db.session.scalars(
        db.select(Event).where(Event.is_published.is_(True), Event.is_archived.is_(False),
                               Event.ends_on >= date.today(),
                               Event.id.in_(db.select(Exhibitor.event_id)))
        .order_by(Event.starts_on)))


def _check_participant() -> None:
    if current_user.is_rep and not current_user.is_approved:
        abort(403)


@bp.get("/wishes")
@participant_required
def wishes_home():
    """Pick the event to rate (straight to it when there is only one)."""
    _check_participant()
    events = _wish_events()
    if len(events) == 1:
        return redirect(url_for("roundtable.wishes_edit", event_slug=events[0].slug))
    return render_template("roundtable/wishes_home.html", events=events)


@bp.route("/<event_slug>/wishes", methods=["GET", "POST"])
@participant_required
def wishes_edit(event_slug: str):
    """Buyers rate exhibiting organisations; reps rate buyers; one form, three choices each."""
    _check_participant()
    event = get_event(event_slug)
    if current_user.is_buyer:
        others = [(o.id, o, None) for o in wishes.exhibiting_organisations(event)]
    else:
        others = [(b.id, None, b) for b in wishes.event_buyers(event)]
    current = wishes.own_wishes(event, current_user)
    status = 200
    if request.method == "POST":
        from matchmaker.forms import ActionForm

        form = ActionForm()
        typed = {oid: request.form.get(f"level-{oid}", "") for oid, _o, _b in others}
        if not form.validate_on_submit():
            abort(400)
        try:
            changed = wishes.save_wishes(event, current_user, typed)
        except DomainError as error:
            status = web.refused(error)
            current = typed
        else:
            flash(_("Your wishes have been saved (%(n)d changed).", n=changed), "success")
            return redirect(url_for("roundtable.wishes_edit", event_slug=event.slug))
    return render_template("roundtable/wishes.html", event=event, others=others,
                           current=current, levels=wishes.LEVEL_LABELS), status


# Organiser: overview and runs ------------------------------------------------------------

def _get_run(run_id: int) -> ScheduleRun:
    # populate_existing: a background run writes this row from another session.
    run = db.session.get(ScheduleRun, run_id, populate_existing=True)
    if run is None:
        abort(404)
    return run


@bp.get("/<event_slug>/")
@organiser_required
def overview(event_slug: str):
    event = get_event(event_slug, manage=True)
    return _render_overview(event, RunForm())


def _render_overview(event: Event, form: RunForm, status: int = 200):
    pairs = wishes.event_pairs(event)
    return render_template(
        "roundtable/overview.html", event=event, form=form, runs=runs.runs_of(event),
        counts=wishes.wish_counts(pairs.values()), slot_count=len(event_slots(event)),
    ), status


@bp.post("/<event_slug>/runs")
@organiser_required
def start(event_slug: str):
    event = get_event(event_slug, manage=True)
    form = RunForm()
    if not form.validate_on_submit():
        return _render_overview(event, form, 422)
    try:
        run = runs.start_run(event, current_user, time_limit_s=form.time_limit_s.data,
                             must_place_all=form.must_place_all.data)
    except DomainError as error:
        status = web.refused(error)
        return _render_overview(event, form, status)
    web.after_commit(lambda: runs.launch(run.id))  # the solver thread reads the run row
    return redirect(url_for("roundtable.run", run_id=run.id))


@bp.post("/runs/<int:run_id>/rerun")
@organiser_required
def rerun(run_id: int):
    """A new run that keeps this run's pinned meetings where they are."""
    parent = _get_run(run_id)
    try:
        run = runs.start_run(parent.event, current_user, time_limit_s=parent.time_limit_s,
                             parent=parent, must_place_all=parent.must_place_all)
    except DomainError as error:
        web.refused(error)
        return redirect(url_for("roundtable.run", run_id=parent.id))
    web.after_commit(lambda: runs.launch(run.id))
    return redirect(url_for("roundtable.run", run_id=run.id))


@bp.get("/runs/<int:run_id>/progress")
@organiser_required
def progress(run_id: int):
    run = _get_run(run_id)
    return jsonify({**runs.progress_of(run), "text": _progress_text(run)})


@bp.post("/runs/<int:run_id>/cancel")
@organiser_required
def cancel(run_id: int):
    run = _get_run(run_id)
    try:
        runs.cancel_run(run)
    except DomainError as error:
        web.refused(error)
    else:
        flash(_("Stopping the scheduler; the best timetable found so far is kept."), "info")
    return redirect(url_for("roundtable.run", run_id=run.id))


@bp.get("/runs/<int:run_id>")
@organiser_required
def run(run_id: int):
    run = _get_run(run_id)
    if run.is_active:
        return render_template("roundtable/progress.html", run=run, event=run.event)
    return _render_review(run)


# Review and adjustments ------------------------------------------------------------------

def _draft_choices(run: ScheduleRun) -> list[SelectChoice]:
    event = run.event
    drafts = sorted(run.drafts, key=lambda d: (d.slot.starts_at, d.table_id or 0))
    return [SelectChoice(d.id, f"#{d.id} · {review.slot_label(d.slot, event)} · "
                               f"{review.buyer_label(d.buyer)} ↔ {d.organisation.name}")
            for d in drafts if not d.is_existing]


def _forms(run: ScheduleRun, posted: str | None):
    """The four action forms; the posted one keeps what was typed."""
    event = run.event
    # The forms offer no slot that has begun; a drop on the grid (JSON) may name one, and
    # the service then refuses it with its reason rather than "correct the marked fields".
    every_slot = event_slots(event)
    offered = every_slot if posted and _wants_json() else adjust.open_slots(every_slot)
    slots = [SelectChoice(s.id, review.slot_label(s, event)) for s in offered]
    tables = [SelectChoice("", _("Any free table"))] + [
        SelectChoice(n, _("Table %(n)s", n=n)) for n in sorted(_table_numbers(event))]
    drafts = _draft_choices(run)
    data = request.form if posted else None
    forms = {
        "move": MoveForm(formdata=data if posted == "move" else None, prefix="move"),
        "swap": SwapForm(formdata=data if posted == "swap" else None, prefix="swap"),
        "add": AddForm(formdata=data if posted == "add" else None, prefix="add"),
        "draft": DraftForm(formdata=data if posted == "draft" else None, prefix="draft"),
    }
    forms["move"].draft_id.choices = drafts
    forms["move"].slot_id.choices = slots
    forms["move"].table_id.choices = tables
    forms["swap"].first_id.choices = drafts
    forms["swap"].second_id.choices = drafts
    forms["add"].buyer_id.choices = [SelectChoice(b.id, review.buyer_label(b))
                                     for b in wishes.event_buyers(event)]
    forms["add"].organisation_id.choices = [SelectChoice(o.id, o.name)
                                            for o in wishes.exhibiting_organisations(event)]
    forms["add"].slot_id.choices = slots
    forms["add"].table_id.choices = tables
    forms["draft"].draft_id.choices = drafts
    selected = request.args.get("draft", type=db_int)
    if selected and not posted:
        forms["move"].draft_id.data = forms["draft"].draft_id.data = selected
        forms["swap"].first_id.data = selected
    return forms


def _table_numbers(event: Event) -> set[int]:
    from matchmaker.models import MeetingTable, RoundtableSession

    return set(db.session.scalars(
        db.select(MeetingTable.number).join(RoundtableSession)
        .where(RoundtableSession.event_id == event.id, MeetingTable.is_active.is_(True))))


def _table_id(slot: Slot, number: int | None) -> int | None:
    """The slot's session's table with this number (None: any free table)."""
    if number is None:
        return None
    table = next((t for t in slot.session.tables if t.number == number and t.is_active), None)
    return table.id if table is not None else -1  # -1: the checker reports "wrong table"


def _render_review(run: ScheduleRun, *, posted: str | None = None, status: int = 200,
                   clashes: list[str] | None = None):
    stored = report_service.load_report(run)
    live = report_service.live_report(run, review.slot_order(run)) if run.has_result else None
    keys = list(stored.get("participants", []))
    keys += [f"b:{u['buyer_id']}" for u in stored.get("unplaced", [])]
    keys += [f"o:{u['organisation_id']}" for u in stored.get("unplaced", [])]
    names = review.participant_names(keys + (list(live.breaks) if live else []))
    blocks = review.grid(run) if run.has_result else []
    still_open = {s.id for s in adjust.open_slots([r.slot for b in blocks for r in b.rows])}
    return render_template(
        "roundtable/review.html", run=run, event=run.event, report=stored, live=live,
        names=names, blocks=blocks,
        begun={r.slot.id for b in blocks for r in b.rows} - still_open,
        forms=_forms(run, posted), clashes=clashes or [],
        reason_label=report_service.reason_label,
        latest=runs.latest_run(run.event),
        moved=set(request.args.getlist("moved", type=db_int)), short_name=short_name,
    ), status


def _wants_json() -> bool:
    """The timetable's drag and drop posts with fetch and asks for JSON; forms get HTML."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) \
        == "application/json"


def _adjust(run_id: int, name: str, action, moved=lambda form: ()):
    """Run one adjustment; answer a form with a redirect (or a re-render), fetch with JSON.

    Both answers carry the same checks and reasons; `moved` names the meetings to highlight.
    """
    run = _get_run(run_id)
    forms = _forms(run, name)
    form = forms[name]
    as_json = _wants_json()
    if not form.validate_on_submit():
        if as_json:
            db.session.rollback()
            return jsonify(error={"code": "invalid",
                                  "message": _("Please correct the marked fields.")}), 422
        flash(_("Please correct the marked fields."), "error")
        return _render_review(run, posted=name, status=422)
    try:
        message = action(run, form)
    except DomainError as error:
        if as_json:
            return web.refused_json(error)
        status = web.refused(error)
        return _render_review(run, posted=name, status=status)
    flash(message, "success")
    target = url_for("roundtable.run", run_id=run.id, moved=list(moved(form))) + "#timetable"
    if as_json:
        return jsonify(message=message, redirect=target)
    return redirect(target)


def _draft_of(run: ScheduleRun, draft_id: int) -> DraftMeeting:
    draft = db.session.get(DraftMeeting, draft_id)
    if draft is None or draft.run_id != run.id:
        abort(404)
    return draft


def _slot_of(slot_id: int) -> Slot | None:
    return db.session.get(Slot, slot_id)


@bp.post("/runs/<int:run_id>/move")
@organiser_required
def move(run_id: int):
    def action(run, form):
        draft = _draft_of(run, form.draft_id.data)
        slot = _slot_of(form.slot_id.data)
        adjust.move(run, draft, slot, _table_id(slot, form.table_id.data) if slot else None)
        return _("The meeting has been moved.")

    return _adjust(run_id, "move", action, lambda form: [form.draft_id.data])


@bp.post("/runs/<int:run_id>/swap")
@organiser_required
def swap(run_id: int):
    def action(run, form):
        adjust.swap(run, _draft_of(run, form.first_id.data), _draft_of(run, form.second_id.data))
        return _("The two meetings have been swapped.")

    return _adjust(run_id, "swap", action, lambda form: [form.first_id.data, form.second_id.data])


@bp.post("/runs/<int:run_id>/add")
@organiser_required
def add(run_id: int):
    def action(run, form):
        buyer = db.get_or_404(User, form.buyer_id.data)
        organisation = db.get_or_404(Organisation, form.organisation_id.data)
        slot = _slot_of(form.slot_id.data)
        adjust.add(run, buyer, organisation, slot,
                   _table_id(slot, form.table_id.data) if slot else None)
        return _("The meeting has been added.")

    return _adjust(run_id, "add", action)


@bp.post("/runs/<int:run_id>/drafts")
@organiser_required
def draft_action(run_id: int):
    """Remove, pin or unpin one meeting (the button pressed says which)."""
    operation = request.form.get("operation")
    if operation not in ("remove", "pin", "unpin"):
        abort(400)

    def action(run, form):
        draft = _draft_of(run, form.draft_id.data)
        if operation == "remove":
            adjust.remove(run, draft)
            return _("The meeting has been removed.")
        adjust.set_pinned(run, draft, operation == "pin")
        return (_("The meeting is pinned: a re-run keeps it where it is.") if operation == "pin"
                else _("The meeting is no longer pinned."))

    return _adjust(run_id, "draft", action)


@bp.get("/runs/<int:run_id>/publish")
@organiser_required
def confirm_publish(run_id: int):
    """Publishing e-mails everyone whose timetable changes: say how many before doing it."""
    run = _get_run(run_id)
    if not run.has_result or run.published_at is not None:
        return redirect(url_for("roundtable.run", run_id=run.id))
    return render_template("roundtable/publish_confirm.html", run=run, event=run.event,
                           preview=publish.preview(run))


@bp.post("/runs/<int:run_id>/publish")
@organiser_required
def publish_run(run_id: int):
    run = _get_run(run_id)
    try:
        result = publish.publish(run, current_user)
    except publish.PublishConflict as error:
        web.refused(error)
        return _render_review(_get_run(run_id), status=409, clashes=error.clashes)
    except DomainError as error:
        status = web.refused(error)
        return _render_review(_get_run(run_id), status=status)
    flash(_("The timetable has been published: %(created)d new meetings, %(kept)d unchanged, "
            "%(cancelled)d cancelled. Participants have been e-mailed.",
            created=len(result.created), kept=len(result.kept),
            cancelled=len(result.cancelled)), "success")
    return redirect(url_for("roundtable.run", run_id=run.id))
