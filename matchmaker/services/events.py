"""Event use cases: create and edit fairs, register exhibitors, find the current event."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from matchmaker.errors import Conflict, ValidationFailed
from matchmaker.extensions import db
from matchmaker.lotsheet import pricing, units
from matchmaker.models import Event, Exhibitor, Organisation
from matchmaker.slugs import unique_slug


def current(*, organisation_id: int | None = None, today: date | None = None,
            include_past: bool = True) -> Event | None:
    """The one rule for "which fair is it": the running, else the next upcoming, else (with
    `include_past`) the latest past event that is published and not archived; with
    `organisation_id`, only events where that organisation exhibits.

    A draft (unpublished) or archived event is nobody's current event: the home page, badges,
    scans, leads and bookings all agree on that.
    """
    today = today or date.today()
    visible = db.select(Event).where(Event.is_published.is_(True), Event.is_archived.is_(False))
    if organisation_id is not None:
        visible = visible.join(Exhibitor, Exhibitor.event_id == Event.id).where(
            Exhibitor.organisation_id == organisation_id)
    upcoming = db.session.scalar(
        visible.where(Event.ends_on >= today).order_by(Event.starts_on).limit(1)
    )
    if upcoming is not None or not include_past:
        return upcoming
    return db.session.scalar(visible.order_by(Event.ends_on.desc()).limit(1))


def booking_event(organisation: Organisation, slug: str | None = None) -> Event | None:
    """The event in which buyers book `organisation`: the one named by `slug`, else its
    running or next one (never a past one)."""
    if slug:
        return exhibited_by(organisation.id, slug)
    return current(organisation_id=organisation.id, include_past=False)


def exhibited_by(organisation_id: int, slug: str) -> Event | None:
    """The published, unarchived event `slug` if the organisation exhibits at it."""
    return db.session.scalar(
        db.select(Event).join(Exhibitor, Exhibitor.event_id == Event.id)
        .where(Event.slug == slug, Exhibitor.organisation_id == organisation_id,
               Event.is_published.is_(True), Event.is_archived.is_(False))
    )


def _check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise ValidationFailed(_("The event cannot end before it starts."), code="dates_reversed")


# Each market reference: (value field, date field, lowest, highest).
_REFERENCES = (
    ("ice_ny_usd_mt", "ice_ny_on", pricing.REFERENCE_USD_MT_MIN, pricing.REFERENCE_USD_MT_MAX),
    ("ice_london_gbp_t", "ice_london_on", pricing.REFERENCE_GBP_T_MIN,
     pricing.REFERENCE_GBP_T_MAX),
    ("usd_per_gbp", "usd_per_gbp_on", pricing.USD_PER_GBP_MIN, pricing.USD_PER_GBP_MAX),
    ("pen_per_usd", "pen_per_usd_on", pricing.PEN_PER_USD_MIN, pricing.PEN_PER_USD_MAX),
)


def _check_references(fields: dict) -> None:
    """A reference price or rate comes with the day it was read, and within sane bounds."""
    for value_field, day_field, low, high in _REFERENCES:
        value, day = fields.get(value_field), fields.get(day_field)
        if value is None and day is None:
            continue
        if value is None:
            raise ValidationFailed(_("Enter the figure for this date, or clear the date."),
                                   code="reference_without_value", field=value_field)
        if day is None:
            raise ValidationFailed(_("Enter the date this figure was read."),
                                   code="reference_without_date", field=day_field)
        if not value.is_finite() or not low <= value <= high:
            raise ValidationFailed(
                _("Enter a figure between %(low)s and %(high)s.", low=units.plain(low),
                  high=units.plain(high)), code="reference_out_of_range", field=value_field)


def save_event(event: Event | None, **fields) -> Event:
    """Create an event (event=None) or update one.

    Raises:
        ValidationFailed: code ``dates_reversed``, ``reference_without_value``,
            ``reference_without_date``, ``reference_out_of_range``.
    """
    _check_dates(fields["starts_on"], fields["ends_on"])
    _check_references(fields)
    if event is None:
        event = Event(slug=unique_slug(Event, fields["name"]))
        db.session.add(event)
    for name, value in fields.items():
        setattr(event, name, value)
    db.session.flush()
    return event


def register_exhibitor(event: Event, organisation: Organisation, booth: str) -> Exhibitor:
    """Give an organisation a booth at an event.

    Raises:
        Conflict: ``already_exhibiting`` or ``booth_taken``.
    """
    booth = booth.strip().upper()
    existing = db.session.scalars(
        db.select(Exhibitor).where(Exhibitor.event_id == event.id)
    ).all()
    if any(e.organisation_id == organisation.id for e in existing):
        raise Conflict(_("This organisation already exhibits at this event."),
                       code="already_exhibiting")
    if any(e.booth == booth for e in existing):
        raise Conflict(_("Booth %(booth)s is already taken.", booth=booth), code="booth_taken")
    exhibitor = Exhibitor(event=event, organisation=organisation, booth=booth)
    db.session.add(exhibitor)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        # Someone else registered the same booth or organisation between our check and now.
        raise Conflict(_("Booth %(booth)s is already taken.", booth=booth),
                       code="booth_taken") from error
    return exhibitor


def remove_exhibitor(exhibitor: Exhibitor) -> None:
    db.session.delete(exhibitor)
    db.session.flush()


def exhibitors_of(event: Event) -> list[Exhibitor]:
    """Exhibitors with their organisations, loaded in one query, by booth."""
    from sqlalchemy.orm import joinedload

    return list(
        db.session.scalars(
            db.select(Exhibitor)
            .where(Exhibitor.event_id == event.id)
            .options(joinedload(Exhibitor.organisation))
            .order_by(Exhibitor.booth)
        )
    )
