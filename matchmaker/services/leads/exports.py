"""Lead exports: one flat row iterator, rendered as streamed CSV or constant-memory XLSX.

The query selects plain columns (no ORM objects) with correlated aggregates for lots,
sources and meetings, and is fetched in batches (yield_per; a server-side cursor on
PostgreSQL), so 100,000 leads export with flat memory. Contact details appear only where
the buyer consents (ContactConsent, else the profile default).
"""

from __future__ import annotations

import functools
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.labels import BUYER_TYPES, country_name
from matchmaker.models import BuyerProfile, Event, Lot, Meeting, Organisation, User
from matchmaker.models.leads import ContactConsent, Lead, LeadLot, LeadSource
from matchmaker.printing.tabular import PhoneNumber, csv_stream, xlsx_file
from matchmaker.services.leads.consent import consent_expression
from matchmaker.services.leads.labels import RATING_LABELS, SOURCE_LABELS
from matchmaker.services.leads.queries import LeadFilter, apply_filter, scoped

BATCH_ROWS = 2000
# Meetings that never happened or will not happen do not count as a contact.
_DEAD_MEETING_STATUSES = ("declined", "cancelled", "expired")


def header() -> list[str]:
    return [
        _("Event"), _("Organisation"), _("Buyer"), _("Company"), _("Country"), _("Buyer type"),
        _("E-mail"), _("Phone"), _("Contact shared"), _("Lots of interest"), _("Rating"),
        _("Tags"), _("Notes"), _("Follow-up action"), _("Follow-up due"), _("Meetings"),
        _("Sources"), _("First contact"), _("Last contact"), _("Time zone"),
    ]


def _export_query(user: User, lead_filter: LeadFilter):
    lots = (
        db.select(db.func.aggregate_strings(Lot.lot_code, "|"))
        .join(LeadLot, LeadLot.lot_id == Lot.id)
        .where(LeadLot.lead_id == Lead.id)
        .scalar_subquery()
    )
    sources = (
        db.select(db.func.aggregate_strings(LeadSource.kind, "|"))
        .where(LeadSource.lead_id == Lead.id)
        .scalar_subquery()
    )
    meetings = (
        db.select(db.func.count(Meeting.id))
        .where(Meeting.event_id == Lead.event_id, Meeting.buyer_id == Lead.buyer_id,
               Meeting.organisation_id == Lead.organisation_id,
               Meeting.status.not_in(_DEAD_MEETING_STATUSES))
        .scalar_subquery()
    )
    query = (
        db.select(
            Event.name, Organisation.name, User.name, BuyerProfile.company, BuyerProfile.country,
            BuyerProfile.buyer_type, User.email, User.phone, consent_expression().label("shares"),
            lots, Lead.rating, Lead.tags, Lead.notes, Lead.follow_up_action, Lead.follow_up_due,
            meetings, sources, Lead.first_contact_at, Lead.last_contact_at, Event.timezone,
        )
        .select_from(Lead)
        .join(Event, Event.id == Lead.event_id)
        .join(Organisation, Organisation.id == Lead.organisation_id)
        .join(User, User.id == Lead.buyer_id)
        .outerjoin(BuyerProfile, BuyerProfile.user_id == Lead.buyer_id)
        .outerjoin(ContactConsent, (ContactConsent.buyer_id == Lead.buyer_id)
                   & (ContactConsent.organisation_id == Lead.organisation_id))
    )
    query = apply_filter(scoped(user, query), lead_filter)
    return query.order_by(Lead.event_id, Lead.organisation_id, Lead.id)


def _sources_text(raw: str | None, labels=SOURCE_LABELS) -> str:
    counts = Counter((raw or "").split("|")) if raw else Counter()
    return ", ".join(
        str(labels.get(kind, kind)) + (f" ×{n}" if n > 1 else "")
        for kind, n in sorted(counts.items())
    )


def lead_rows(user: User, lead_filter: LeadFilter, *, text_times: bool = True) -> Iterator[list]:
    """Yield one export row per lead user may see, matching the filter.

    Contact times are in the event's local time, with its time zone in the last column: as
    "YYYY-MM-DD HH:MM" text (`text_times`, for CSV) or as naive local datetimes (XLSX date
    cells). Phone numbers are `PhoneNumber`s, exported without a formula guard's "'".

    Raises:
        NotAllowed: ``leads_forbidden`` (when the first row is requested).
    """
    # Labels are translated once per export, not per row: gettext cost more than the query.
    buyer_types = {code: str(label) for code, label in BUYER_TYPES}
    ratings = {code: str(label) for code, label in RATING_LABELS.items()}
    source_labels = {kind: str(label) for kind, label in SOURCE_LABELS.items()}
    yes, no = _("yes"), _("no")
    countries = _Labels(country_name)
    # Few combinations of sources repeat over most leads; bounded, as memory must stay flat.
    sources_text = functools.lru_cache(maxsize=512)(
        lambda raw: _sources_text(raw, source_labels))
    query = _export_query(user, lead_filter).execution_options(yield_per=BATCH_ROWS)

    def local(moment, zone):
        if moment is None:
            return ""
        moment = to_local(moment, zone)
        return moment.strftime("%Y-%m-%d %H:%M") if text_times else moment

    for (event, organisation, buyer, company, country, buyer_type, email, phone, shares, lots,
         rating, tags, notes, action, due, meetings, sources, first, last, timezone
         ) in db.session.execute(query):
        yield [
            event, organisation, buyer, company or "", countries[country] if country else "",
            buyer_types.get(buyer_type, buyer_type or ""),
            email if shares else "", PhoneNumber(phone) if shares and phone else "",
            yes if shares else no,
            ", ".join(sorted((lots or "").split("|"))) if lots else "",
            ratings.get(rating, ""),
            (tags or "").replace(",", ", "), notes or "", action or "", due, meetings or 0,
            sources_text(sources), local(first, timezone), local(last, timezone), timezone,
        ]


class _Labels(dict):
    """label(value), computed once per value for one export (for few values: countries)."""

    def __init__(self, label) -> None:
        super().__init__()
        self._label = label

    def __missing__(self, value):
        text = self[value] = self._label(value)
        return text


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def to_local(moment: datetime, zone: str | None) -> datetime:
    """A stored UTC time as a naive time in `zone` (the event's; UTC if it has none)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone(zone or "UTC")).replace(tzinfo=None)


def csv_chunks(user: User, lead_filter: LeadFilter) -> Iterator[str]:
    """The CSV export (UTF-8 BOM, neutralised cells) as text chunks for a streamed response.

    Raises:
        NotAllowed: ``leads_forbidden``.
    """
    scoped(user, db.select(Lead))  # refuse before the first byte is sent
    return csv_stream(header(), lead_rows(user, lead_filter))


def xlsx_to_tempfile(user: User, lead_filter: LeadFilter) -> IO[bytes]:
    """The XLSX export written to an anonymous temporary file, rewound for sending.

    Raises:
        NotAllowed: ``leads_forbidden``.
    """
    scoped(user, db.select(Lead))
    # The caller (send_file) closes it, which deletes it.
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    xlsx_file(header(), lead_rows(user, lead_filter, text_times=False), _("Leads"),
              output=output)
    output.seek(0)
    return output
