"""Who stands on which side of a meeting; the booking rules and the views both ask here."""

from __future__ import annotations

from matchmaker.models import Meeting, User


def is_buyer_side(user: User, meeting: Meeting) -> bool:
    return bool(user.is_authenticated and user.id == meeting.buyer_id)


def is_rep_of(user: User, organisation_id: int) -> bool:
    return user.represents(organisation_id)


def is_org_side(user: User, meeting: Meeting) -> bool:
    """A rep of the meeting's organisation; organisers act for organisations too."""
    return is_rep_of(user, meeting.organisation_id) or is_organiser(user)


def is_organiser(user: User) -> bool:
    return bool(user.is_authenticated and user.is_organiser)


def can_view(user: User, meeting: Meeting) -> bool:
    return is_buyer_side(user, meeting) or is_org_side(user, meeting)


def allowed_actions(user: User, meeting: Meeting, now) -> set[str]:
    """What `user` may do to the meeting now, for showing the right buttons (the services
    check again)."""
    actions: set[str] = set()
    if not can_view(user, meeting):
        return actions
    actions.add("view")
    buyer, org = is_buyer_side(user, meeting), is_org_side(user, meeting)
    status = meeting.status_at(now)
    if status == "requested" and org:
        actions |= {"accept", "decline", "propose"}
    if status == "proposed" and buyer:
        actions |= {"accept", "decline"}
    if status in ("requested", "proposed", "accepted"):
        actions.add("cancel")
    if (org and status in ("accepted", "held", "no_show")
            and meeting.slot.starts_at <= now):
        actions.add("mark")
    return actions
