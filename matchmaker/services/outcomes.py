"""Meeting outcomes recorded by either side, fed into the lead; the reps' follow-up list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from matchmaker.errors import Conflict, NotAllowed, ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import Lead, Lot, Meeting, MeetingOutcome, User
from matchmaker.models.base import utcnow
from matchmaker.models.leads import LeadSourceKind
from matchmaker.models.meetings import MeetingStatus
from matchmaker.models.outcomes import DealValueRange, InterestLevel, VolumeRange
from matchmaker.services.meetings import rules

RATING_FOR_INTEREST = {"high": "hot", "medium": "warm", "low": "cold", "none": "cold"}
RECORDABLE = (MeetingStatus.ACCEPTED, MeetingStatus.HELD, MeetingStatus.NO_SHOW)


@dataclass
class OutcomeInput:
    """What the outcome form collects; attendance is 'held', 'no_show' or '' (unchanged)."""

    attendance: str = ""
    interest_level: str = InterestLevel.MEDIUM
    lot_ids: Iterable[int] = ()
    samples_requested: bool = False
    volume_range: str | None = None
    price_discussed: str = ""
    next_step: str = ""
    next_step_due: date | None = None
    deal_value_range: str | None = None
    notes: str = ""


def can_record(user: User, meeting: Meeting) -> bool:
    return rules.can_view(user, meeting)


def outcome_of(meeting: Meeting) -> MeetingOutcome | None:
    return db.session.scalar(db.select(MeetingOutcome).where(MeetingOutcome.meeting_id == meeting.id))


def record_outcome(meeting: Meeting, actor: User, data: OutcomeInput, *,
                   now: datetime | None = None) -> MeetingOutcome:
    """Save what the meeting produced and carry it into the organisation's lead.

    The organisation's side (reps, organisers) also marks attendance and sets the lead's rating
    and follow-up; the buyer's outcome adds its lots to the lead but leaves the rep's rating.

    Raises:
        NotAllowed: ``not_your_meeting``.
        Conflict: ``not_confirmed`` for a meeting that was never accepted.
        ValidationFailed: ``too_early``, ``bad_value``, ``foreign_lot``, and the codes of
            meetings.dayof.mark_outcome.
    """
    from matchmaker.services.leads.annotate import update_lead
    from matchmaker.services.leads.recording import record_lead
    from matchmaker.services.meetings.dayof import mark_outcome

    now = now or utcnow()
    if not can_record(actor, meeting):
        raise NotAllowed(_("Only the people in this meeting record its outcome."),
                         code="not_your_meeting")
    if meeting.status not in RECORDABLE:
        raise Conflict(_("Only confirmed meetings have an outcome."), code="not_confirmed")
    if meeting.slot.starts_at > now:
        raise ValidationFailed(_("The meeting has not started yet."), code="too_early")
    if (data.interest_level not in set(InterestLevel)
            or (data.volume_range or None) not in {None, *VolumeRange}
            or (data.deal_value_range or None) not in {None, *DealValueRange}
            or data.attendance not in ("", "held", "no_show")):
        raise ValidationFailed(_("Choose one of the offered values."), code="bad_value")
    wanted = {int(i) for i in data.lot_ids}
    lots = list(db.session.scalars(db.select(Lot).where(Lot.id.in_(wanted)))) if wanted else []
    if len(lots) != len(wanted) or any(lot.organisation_id != meeting.organisation_id for lot in lots):
        raise ValidationFailed(_("This lot belongs to another organisation."), code="foreign_lot")

    org_side = rules.is_org_side(actor, meeting)
    if data.attendance and org_side:
        mark_outcome(meeting, actor, data.attendance, now=now)

    outcome = outcome_of(meeting) or MeetingOutcome(
        meeting_id=meeting.id, event_id=meeting.event_id, organisation_id=meeting.organisation_id)
    outcome.interest_level = data.interest_level
    outcome.lots = lots
    outcome.samples_requested = bool(data.samples_requested)
    outcome.volume_range = data.volume_range or None
    outcome.price_discussed = (data.price_discussed or "").strip()[:120]
    outcome.next_step = (data.next_step or "").strip()[:255]
    outcome.next_step_due = data.next_step_due
    outcome.deal_value_range = data.deal_value_range or None
    outcome.notes = (data.notes or "").strip()
    outcome.recorded_by_id = actor.id
    outcome.updated_at = now
    db.session.add(outcome)
    db.session.flush()

    lead = db.session.scalar(db.select(Lead).where(
        Lead.event_id == meeting.event_id, Lead.organisation_id == meeting.organisation_id,
        Lead.buyer_id == meeting.buyer_id))
    if lead is None:
        lead = record_lead(meeting.buyer, meeting.organisation, LeadSourceKind.MEETING_REQUEST,
                           event=meeting.event, at=meeting.created_at)
    if lead is not None:
        current_lots = {lot.id for lot in lead.lots}
        update_lead(
            lead,
            rating=RATING_FOR_INTEREST[data.interest_level] if org_side else lead.rating,
            tags=lead.tags, notes=lead.notes,
            follow_up_action=outcome.next_step if org_side and outcome.next_step else lead.follow_up_action,
            follow_up_due=outcome.next_step_due if org_side and outcome.next_step_due else lead.follow_up_due,
            lot_ids=current_lots | wanted,
        )
    return outcome


@dataclass
class FollowUp:
    """One line of the follow-up list."""

    due: date
    action: str
    buyer_name: str
    company: str
    country: str
    organisation_name: str
    lead_id: int | None
    meeting_id: int | None


def follow_ups(user: User, *, event_id: int | None = None) -> list[FollowUp]:
    """Leads and meeting outcomes with a due next step, soonest first: a rep sees their
    organisation's, an organiser everyone's.

    Raises:
        NotAllowed: ``leads_forbidden`` for anyone else.
    """
    from matchmaker.models import BuyerProfile, Organisation
    from matchmaker.services.leads.queries import scoped

    leads = scoped(user, db.select(Lead, BuyerProfile, Organisation)
                   .join(User, User.id == Lead.buyer_id)
                   .outerjoin(BuyerProfile, BuyerProfile.user_id == Lead.buyer_id)
                   .join(Organisation, Organisation.id == Lead.organisation_id)
                   .where(Lead.follow_up_due.is_not(None)))
    outcomes = (db.select(MeetingOutcome, Meeting, BuyerProfile, Organisation)
                .join(Meeting, Meeting.id == MeetingOutcome.meeting_id)
                .outerjoin(BuyerProfile, BuyerProfile.user_id == Meeting.buyer_id)
                .join(Organisation, Organisation.id == MeetingOutcome.organisation_id)
                .where(MeetingOutcome.next_step_due.is_not(None)))
    if not user.is_organiser:
        outcomes = outcomes.where(MeetingOutcome.organisation_id == user.organisation_id)
    if event_id:
        leads = leads.where(Lead.event_id == event_id)
        outcomes = outcomes.where(MeetingOutcome.event_id == event_id)
    items: list[FollowUp] = []
    seen: set[tuple] = set()
    for lead, profile, organisation in db.session.execute(leads):
        seen.add((lead.buyer_id, organisation.id, lead.follow_up_due, lead.follow_up_action))
        items.append(FollowUp(lead.follow_up_due, lead.follow_up_action, lead.buyer.name,
                              profile.company if profile else "", profile.country if profile else "",
                              organisation.name, lead.id, None))
    for outcome, meeting, profile, organisation in db.session.execute(outcomes):
        key = (meeting.buyer_id, organisation.id, outcome.next_step_due, outcome.next_step)
        if key in seen:
            continue  # the lead already carries this next step
        items.append(FollowUp(outcome.next_step_due, outcome.next_step, meeting.buyer.name,
                              profile.company if profile else "", profile.country if profile else "",
                              organisation.name, None, meeting.id))
    items.sort(key=lambda item: (item.due, item.buyer_name))
    return items
