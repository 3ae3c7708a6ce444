"""Publish a draft timetable into meetings and agendas, all or nothing.

In one transaction: the previous unpinned roundtable meetings that the draft does not keep
are cancelled, the draft's new meetings are written as accepted roundtable meetings (seat and
table through the meetings service, whose partial unique indexes are the final guard), and
every participant whose timetable changed gets one e-mail in their language. A clash with a
meeting booked since the run aborts everything with the list of clashes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from matchmaker.errors import Conflict
from matchmaker.extensions import db
from matchmaker.labels import table_title
from matchmaker.models import Meeting, Organisation, User
from matchmaker.models.base import utcnow
from matchmaker.models.meetings import ACTIVE_STATUSES, MeetingSource, MeetingStatus
from matchmaker.models.roundtable import DraftMeeting, ScheduleRun
from matchmaker.services.meetings import seats
from matchmaker.services.meetings.booking import record
from matchmaker.services.meetings.localtime import slot_label
from matchmaker.services.meetings.notify import reps_of
from matchmaker.services.meetings.roundtable import place_scheduled
from matchmaker.services.meetings.sessions import seat_count
from matchmaker.services.notifications import notify as send_notice
from matchmaker.urls import external_url


class PublishConflict(Conflict):
    """Publishing is refused; `clashes` describes each meeting that no longer fits."""

    def __init__(self, clashes: list[str]):
        super().__init__(_("The timetable could not be published; nothing was changed. "
                           "Meetings were booked since the run: adjust these and try again."),
                         code="publish_conflict")
        self.clashes = clashes


@dataclass
class PublishResult:
    created: list[Meeting] = field(default_factory=list)
    kept: list[Meeting] = field(default_factory=list)
    cancelled: list[Meeting] = field(default_factory=list)


def _place_key(buyer_id: int, organisation_id: int, slot_id: int, table_id: int | None):
    return (buyer_id, organisation_id, slot_id, table_id)


def _who(draft: DraftMeeting) -> str:
    profile = draft.buyer.buyer_profile
    buyer = f"{draft.buyer.name} ({profile.company})" if profile else draft.buyer.name
    when = slot_label(draft.slot.starts_at, draft.slot.ends_at, draft.run.event,
                      str(get_locale() or "es"))
    return _("%(buyer)s with %(org)s, %(when)s", buyer=buyer, org=draft.organisation.name,
             when=when)


def _precheck(run: ScheduleRun, to_create: list[DraftMeeting],
              to_cancel: set[int]) -> list[str]:
    """Clashes of the new meetings with the active meetings that stay (read just now)."""
    active = [m for m in db.session.scalars(db.select(Meeting).where(
        Meeting.event_id == run.event_id, Meeting.status.in_(ACTIVE_STATUSES)))
        if m.id not in to_cancel]
    buyers = {(m.slot_id, m.buyer_id) for m in active}
    tables = {(m.slot_id, m.table_id) for m in active if m.table_id is not None}
    org_use = Counter((m.slot_id, m.organisation_id) for m in active)
    pairs = {(m.buyer_id, m.organisation_id) for m in active}
    clashes: list[str] = []
    for draft in to_create:
        reasons = []
        if (draft.buyer_id, draft.organisation_id) in pairs:
            reasons.append(_("they already have a meeting at this event"))
        if (draft.slot_id, draft.buyer_id) in buyers:
            reasons.append(_("the buyer has another meeting then"))
        if draft.table_id is not None and (draft.slot_id, draft.table_id) in tables:
            reasons.append(_("the table is taken then"))
        if org_use[draft.slot_id, draft.organisation_id] >= seat_count(run.event_id,
                                                                        draft.organisation_id):
            reasons.append(_("the organisation has no free rep then"))
        if reasons:
            clashes.append(f"{_who(draft)}: {'; '.join(reasons)}")
        buyers.add((draft.slot_id, draft.buyer_id))
        tables.add((draft.slot_id, draft.table_id))
        org_use[draft.slot_id, draft.organisation_id] += 1
        pairs.add((draft.buyer_id, draft.organisation_id))
    return clashes


def _plan(run: ScheduleRun) -> tuple[list[DraftMeeting], list[tuple[DraftMeeting, Meeting]],
                                     list[Meeting]]:
    """What publishing does: drafts to create, (draft, meeting) pairs kept, meetings cancelled."""
    previous = list(db.session.scalars(db.select(Meeting).where(
        Meeting.event_id == run.event_id, Meeting.source == MeetingSource.ROUNDTABLE,
        Meeting.is_pinned.is_(False), Meeting.status.in_(ACTIVE_STATUSES),
    ).order_by(Meeting.id)))
    by_place = {_place_key(m.buyer_id, m.organisation_id, m.slot_id, m.table_id): m
                for m in previous}
    to_create: list[DraftMeeting] = []
    pairs: list[tuple[DraftMeeting, Meeting]] = []
    for draft in run.drafts:
        if draft.is_existing:
            continue
        same = by_place.pop(_place_key(draft.buyer_id, draft.organisation_id, draft.slot_id,
                                       draft.table_id), None)
        if same is not None:
            pairs.append((draft, same))
        else:
            to_create.append(draft)
    return to_create, pairs, list(by_place.values())


@dataclass(frozen=True)
class PublishPreview:
    """What "publish" would do, for the organiser's confirmation: counts and e-mails."""

    created: int
    kept: int
    cancelled: int
    buyers: int  # buyers e-mailed
    reps: int  # reps e-mailed

    @property
    def mails(self) -> int:
        return self.buyers + self.reps


def preview(run: ScheduleRun) -> PublishPreview:
    """Count what publishing `run` would change and who would get an e-mail; writes nothing."""
    to_create, pairs, cancelled = _plan(run)
    buyer_ids = {d.buyer_id for d in to_create} | {m.buyer_id for m in cancelled}
    org_ids = {d.organisation_id for d in to_create} | {m.organisation_id for m in cancelled}
    reps = db.session.scalar(db.select(db.func.count(User.id)).where(
        User.organisation_id.in_(org_ids), User.role == "rep", User.is_approved.is_(True),
        User.is_active.is_(True))) if org_ids else 0
    return PublishPreview(len(to_create), len(pairs), len(cancelled), len(buyer_ids), reps)


def publish(run: ScheduleRun, actor: User) -> PublishResult:
    """Write the run's draft into meetings in the caller's transaction (the view commits once).

    Raises:
        Conflict: ``run_locked`` for a run without a result or already published.
        PublishConflict: ``publish_conflict`` with `clashes` when meetings booked since the
            run stand in the way (the caller must roll back; nothing was written that counts).
    """
    if not run.has_result or run.published_at is not None:
        raise Conflict(_("This timetable cannot be published (already published or not "
                         "finished)."), code="run_locked")
    to_create, pairs, cancelled = _plan(run)
    clashes = _precheck(run, to_create, {m.id for m in cancelled})
    if clashes:
        raise PublishConflict(clashes)
    result = PublishResult()

    for meeting in cancelled:
        before = meeting.status
        meeting.status = MeetingStatus.CANCELLED
        meeting.expires_at = None
        record(meeting, actor, "rescheduled", before,
               _("Removed by a new roundtable schedule."))
    db.session.flush()
    result.cancelled = cancelled
    for draft, meeting in pairs:
        meeting.is_pinned = draft.is_pinned
        draft.meeting_id = meeting.id
        result.kept.append(meeting)
    for draft in to_create:
        try:
            meeting = place_scheduled(draft.slot, draft.buyer, draft.organisation,
                                      table=draft.table, actor=actor, pinned=draft.is_pinned)
        except Conflict as error:
            # Someone booked between the check and the insert: the index refused it.
            raise PublishConflict([f"{_who(draft)}: {error.message}"]) from error
        draft.meeting_id = meeting.id
        result.created.append(meeting)
    run.published_at = utcnow()
    run.published_by_id = actor.id
    db.session.flush()
    _notify(run, result)
    return result


def _notify(run: ScheduleRun, result: PublishResult) -> None:
    """One e-mail per person whose timetable changed, listing their roundtable meetings."""
    changed = result.created + result.cancelled
    buyer_ids = {m.buyer_id for m in changed}
    org_ids = {m.organisation_id for m in changed}
    if not changed:
        return
    active = list(db.session.scalars(db.select(Meeting).where(
        Meeting.event_id == run.event_id, Meeting.status.in_(ACTIVE_STATUSES),
        (Meeting.buyer_id.in_(buyer_ids)) | (Meeting.organisation_id.in_(org_ids)),
    )))
    per_buyer: dict[int, list[Meeting]] = defaultdict(list)
    per_org: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in active:
        per_buyer[meeting.buyer_id].append(meeting)
        per_org[meeting.organisation_id].append(meeting)
    for buyer_id in sorted(buyer_ids):
        buyer = db.session.get(User, buyer_id)
        _send(run, buyer, per_buyer[buyer_id], buyer_side=True)
    for org_id in sorted(org_ids):
        organisation = db.session.get(Organisation, org_id)
        sample = next(m for m in changed if m.organisation_id == organisation.id)
        for rep in reps_of(sample):
            _send(run, rep, per_org[org_id], buyer_side=False)


def _send(run: ScheduleRun, recipient: User, meetings: list[Meeting], *, buyer_side: bool):
    locale = recipient.locale or "es"
    meetings = sorted(meetings, key=lambda m: m.slot.starts_at)
    with force_locale(locale):
        subject = _("Your roundtable timetable for %(event)s", event=run.event.name)
        lines = [_("The organisers have published the roundtable timetable. Your meetings:"), ""]
        # Reps of an organisation with two seats split the meetings: say who sits where.
        covering = {} if buyer_side else seats.seats_of_rep_view(recipient, run.event_id,
                                                                   meetings)
        for meeting in meetings:
            if buyer_side:
                who = meeting.organisation.name
            else:
                profile = meeting.buyer.buyer_profile
                who = f"{meeting.buyer.name} ({profile.company})" if profile else meeting.buyer.name
            table = table_title(meeting.table)
            line = _("%(when)s · %(table)s · %(who)s",
                     when=slot_label(meeting.slot.starts_at, meeting.slot.ends_at,
                                     run.event, locale), table=table, who=who)
            rep = covering.get(meeting.id)
            if rep is not None:
                line += " · " + (_("you") if rep.id == recipient.id
                                 else _("rep: %(name)s", name=rep.name))
            lines.append(line)
        if not meetings:
            lines.append(_("You have no meetings in the new timetable."))
        agenda_url = external_url("agenda.mine", event=run.event.slug)
        lines += ["", _("Your agenda: %(url)s", url=agenda_url)]
    send_notice(recipient, "roundtable_published", subject, "\n".join(lines), link=agenda_url)
