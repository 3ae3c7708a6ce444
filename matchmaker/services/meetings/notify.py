"""Meeting e-mails: each in the recipient's language, with the .ics where it helps."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.models import Meeting, User
from matchmaker.services.meetings.localtime import slot_label
from matchmaker.services.meetings.seats import covering_reps
from matchmaker.services.notifications import notify as send_notice
from matchmaker.urls import external_url

# Kinds after which the recipient gets the calendar file (a cancellation updates it too).
WITH_ICS = {"accepted", "walkin", "cancelled", "scheduled"}


def meeting_url(meeting: Meeting) -> str:
    # Services run outside requests too (the expiry command), so the link comes from BASE_URL.
    return external_url("meetings.detail", meeting_id=meeting.id)


def reps_of(meeting: Meeting) -> list[User]:
    return list(db.session.scalars(
        db.select(User).where(User.organisation_id == meeting.organisation_id,
                              User.role == "rep", User.is_approved.is_(True),
                              User.is_active.is_(True))
        .order_by(User.id)
    ))


def _counterpart(meeting: Meeting, recipient: User) -> str:
    if recipient.id == meeting.buyer_id:
        return meeting.organisation.name
    profile = meeting.buyer.buyer_profile
    return f"{meeting.buyer.name} ({profile.company})" if profile else meeting.buyer.name


def _rep_line(rep: User | None, recipient: User) -> list[str]:
    # An organisation with two seats holds two meetings at once: every mail says who sits at
    # this one, so the buyer knows whom to look for and each rep which meeting is theirs.
    if rep is None:
        return []
    if rep.id == recipient.id:
        return [_("Rep at the table: you (%(name)s)", name=rep.name)]
    return [_("Rep at the table: %(name)s", name=rep.name)]


def _compose(kind: str, meeting: Meeting, recipient: User, note: str,
             rep: User | None = None) -> tuple[str, str]:
    who = _counterpart(meeting, recipient)
    when = slot_label(meeting.slot.starts_at, meeting.slot.ends_at, meeting.event,
                      recipient.locale or "es")
    table = meeting.table.display_name if meeting.table else "—"
    if kind == "requested":
        subject = _("Meeting request from %(who)s", who=who)
        intro = _("%(who)s asks to meet you at %(event)s.", who=who, event=meeting.event.name)
    elif kind == "proposed":
        subject = _("%(who)s proposes another time", who=who)
        intro = _("%(who)s cannot meet at the time you asked and proposes this one instead. "
                  "Please accept or decline it.", who=who)
    elif kind in ("accepted", "walkin", "scheduled"):
        subject = _("Meeting confirmed with %(who)s", who=who)
        intro = _("Your meeting with %(who)s at %(event)s is confirmed.", who=who,
                  event=meeting.event.name)
    elif kind == "declined":
        subject = _("%(who)s declined the meeting", who=who)
        intro = _("%(who)s declined the meeting.", who=who)
    elif kind == "cancelled":
        subject = _("Meeting with %(who)s cancelled", who=who)
        intro = _("The meeting with %(who)s has been cancelled.", who=who)
    elif kind == "expired":
        subject = _("Meeting request with %(who)s expired", who=who)
        intro = _("The meeting request with %(who)s was not answered in time and has expired; "
                  "the time is free again.", who=who)
    else:
        subject = _("Meeting with %(who)s updated", who=who)
        intro = _("Your meeting with %(who)s has changed.", who=who)
    lines = [intro, "", _("When: %(when)s", when=when), _("Table: %(table)s", table=table),
             *_rep_line(rep, recipient)]
    if meeting.table and meeting.table.video_url:
        lines.append(_("Video link: %(url)s", url=meeting.table.video_url))
    if meeting.offer is not None:
        lines.append(_("About offer %(code)s", code=meeting.offer.offer_code))
    if meeting.lots:
        lines.append(_("Lots to discuss: %(lots)s",
                       lots=", ".join(lot.lot_code for lot in meeting.lots)))
    if note:
        lines += ["", _("Message: %(note)s", note=note)]
    lines += ["", _("See the meeting and answer here: %(url)s", url=meeting_url(meeting))]
    return subject, "\n".join(lines)


def notify(meeting: Meeting, kind: str, recipients: list[User], note: str = "") -> None:
    """Queue one e-mail per recipient, composed in that person's language."""
    from matchmaker.services.meetings.calendar import meeting_ics

    rep = covering_reps([meeting])[meeting.id] if recipients else None
    for recipient in recipients:
        with force_locale(recipient.locale or "es"):
            subject, body = _compose(kind, meeting, recipient, note, rep)
            attachment = None
            if kind in WITH_ICS:
                attachment = (f"meeting-{meeting.id}.ics", "text/calendar",
                              meeting_ics(meeting, recipient))
        send_notice(recipient, f"meeting_{kind}", subject, body, attachment=attachment,
                    link=meeting_url(meeting))


def notify_other_side(meeting: Meeting, kind: str, actor: User | None, note: str = "") -> None:
    """Tell the side that did not act; an organiser's or the system's change goes to both."""
    buyer_acted = actor is not None and actor.id == meeting.buyer_id
    rep_acted = actor is not None and actor.represents(meeting.organisation_id)
    recipients: list[User] = []
    if not buyer_acted:
        recipients.append(meeting.buyer)
    if not rep_acted:
        recipients.extend(reps_of(meeting))
    notify(meeting, kind, recipients, note)
