"""Wishes: buyers rate exhibiting organisations, reps rate buyers; the pair's weight follows.

Weights (what the scheduler maximises), from the two sides' levels:

    must + must  = 100   (mutual must-meet: placed first)
    must + like  =  40
    must + none  =  30   (one-sided must)
    like + like  =  20
    like + none  =  10
    any "no"     →  not a candidate, never scheduled
    none + none  →  not a candidate
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matchmaker.errors import NotAllowed, ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import BuyerProfile, Event, Exhibitor, Organisation, User
from matchmaker.models.roundtable import Wish, WishDirection, WishLevel

MUST, LIKE, NO = WishLevel.MUST.value, WishLevel.LIKE.value, WishLevel.NO.value

LEVEL_LABELS = {MUST: _l("Must meet"), LIKE: _l("Would like to"), NO: _l("No")}

_WEIGHTS = {
    frozenset({MUST}): 100,  # both must (a set of one element)
    frozenset({MUST, LIKE}): 40,
    frozenset({MUST, None}): 30,
    frozenset({LIKE}): 20,
    frozenset({LIKE, None}): 10,
}


def pair_weight(buyer_level: str | None, organisation_level: str | None) -> int | None:
    """Weight of a buyer–organisation meeting from both sides' levels; None = never schedule."""
    if NO in (buyer_level, organisation_level):
        return None
    return _WEIGHTS.get(frozenset({buyer_level, organisation_level}))


def is_mutual_must(buyer_level: str | None, organisation_level: str | None) -> bool:
    return buyer_level == MUST and organisation_level == MUST


@dataclass(frozen=True)
class PairWishes:
    """Both sides' levels for one buyer–organisation pair."""

    buyer_id: int
    organisation_id: int
    buyer_level: str | None
    organisation_level: str | None

    @property
    def weight(self) -> int | None:
        return pair_weight(self.buyer_level, self.organisation_level)

    @property
    def refused(self) -> bool:
        return NO in (self.buyer_level, self.organisation_level)


def event_pairs(event: Event) -> dict[tuple[int, int], PairWishes]:
    """Every (buyer_id, organisation_id) pair of the event that either side rated."""
    levels: dict[tuple[int, int], dict[str, str]] = {}
    for wish in db.session.scalars(db.select(Wish).where(Wish.event_id == event.id)):
        levels.setdefault((wish.buyer_id, wish.organisation_id), {})[wish.direction] = wish.level
    return {
        key: PairWishes(key[0], key[1], sides.get(WishDirection.BUYER),
                        sides.get(WishDirection.ORGANISATION))
        for key, sides in levels.items()
    }


def exhibiting_organisations(event: Event) -> list[Organisation]:
    return list(db.session.scalars(
        db.select(Organisation).join(Exhibitor, Exhibitor.organisation_id == Organisation.id)
        .where(Exhibitor.event_id == event.id).order_by(Organisation.name)
    ))


def event_buyers(event: Event) -> list[User]:
    """Buyers who can meet at the event: active buyer accounts (buyers do not register per event)."""
    return list(db.session.scalars(
        db.select(User).outerjoin(BuyerProfile, BuyerProfile.user_id == User.id)
        .where(User.role == "buyer", User.is_active.is_(True))
        .order_by(BuyerProfile.company, User.name)
    ))


def _check_level(level: str | None) -> None:
    if level not in (None, "", MUST, LIKE, NO):
        raise ValidationFailed(_("Choose must meet, would like to or no."), code="bad_level")


def own_wishes(event: Event, user: User) -> dict[int, str]:
    """The user's side's ratings: organisation_id → level for a buyer, buyer_id → level for a rep."""
    if user.is_buyer:
        query = db.select(Wish.organisation_id, Wish.level).where(
            Wish.event_id == event.id, Wish.buyer_id == user.id,
            Wish.direction == WishDirection.BUYER)
    else:
        query = db.select(Wish.buyer_id, Wish.level).where(
            Wish.event_id == event.id, Wish.organisation_id == user.organisation_id,
            Wish.direction == WishDirection.ORGANISATION)
    return dict(db.session.execute(query).all())


def save_wishes(event: Event, user: User, levels: Mapping[int, str | None]) -> int:
    """Store the user's side's ratings (other party id → level; empty/None clears the rating).

    A buyer rates the event's exhibiting organisations; an approved rep rates buyers for their
    organisation. Returns how many ratings changed.

    Raises:
        NotAllowed: ``not_a_participant`` for organisers and unapproved reps.
        ValidationFailed: ``bad_level``; ``not_exhibiting``/``not_a_buyer`` for a party the
            user cannot rate.
    """
    if user.is_buyer:
        direction = WishDirection.BUYER
        allowed = {o.id for o in exhibiting_organisations(event)}
    elif user.is_approved_rep:
        direction = WishDirection.ORGANISATION
        if not db.session.scalar(db.select(Exhibitor.id).where(
                Exhibitor.event_id == event.id,
                Exhibitor.organisation_id == user.organisation_id)):
            raise NotAllowed(_("Your organisation does not exhibit at this event."),
                             code="not_exhibiting")
        allowed = {b.id for b in event_buyers(event)}
    else:
        raise NotAllowed(_("Only buyers and association reps rate meetings."),
                         code="not_a_participant")
    for other_id, level in levels.items():
        _check_level(level)
        if other_id not in allowed:
            code = "not_exhibiting" if direction == WishDirection.BUYER else "not_a_buyer"
            raise ValidationFailed(_("You cannot rate this participant."), code=code)
    current = {
        (w.organisation_id if direction == WishDirection.BUYER else w.buyer_id): w
        for w in db.session.scalars(_own_query(event, user, direction))
    }
    changed = 0
    for other_id, level in levels.items():
        wish = current.get(other_id)
        if not level:
            if wish is not None:
                db.session.delete(wish)
                changed += 1
            continue
        if wish is None:
            buyer_id, organisation_id = ((user.id, other_id) if direction == WishDirection.BUYER
                                         else (other_id, user.organisation_id))
            db.session.add(Wish(event_id=event.id, buyer_id=buyer_id,
                                organisation_id=organisation_id, direction=direction,
                                level=level, set_by_id=user.id))
            changed += 1
        elif wish.level != level:
            wish.level = level
            wish.set_by_id = user.id
            changed += 1
    db.session.flush()
    return changed


def _own_query(event: Event, user: User, direction: str):
    query = db.select(Wish).where(Wish.event_id == event.id, Wish.direction == direction)
    if direction == WishDirection.BUYER:
        return query.where(Wish.buyer_id == user.id)
    return query.where(Wish.organisation_id == user.organisation_id)


def set_wish(event: Event, buyer: User, organisation: Organisation, direction: str,
             level: str, *, by: User | None = None) -> Wish:
    """Set one rating directly (demo data and tests); no permission check."""
    wish = db.session.scalar(db.select(Wish).where(
        Wish.event_id == event.id, Wish.buyer_id == buyer.id,
        Wish.organisation_id == organisation.id, Wish.direction == direction))
    if wish is None:
        wish = Wish(event_id=event.id, buyer_id=buyer.id, organisation_id=organisation.id,
                    direction=direction, level=level, set_by_id=by.id if by else None)
        db.session.add(wish)
    else:
        wish.level = level
    db.session.flush()
    return wish


def wish_counts(pairs: Iterable[PairWishes]) -> dict[str, int]:
    """Summary for the organiser: candidate pairs, mutual musts, refused pairs."""
    pairs = list(pairs)
    return {
        "candidates": sum(1 for p in pairs if p.weight is not None),
        "mutual_must": sum(1 for p in pairs if is_mutual_must(p.buyer_level, p.organisation_level)),
        "refused": sum(1 for p in pairs if p.refused),
    }
