"""The figures of an event, for organisers (whole event) or one organisation's reps.

Every figure is one aggregate query (GROUP BY in the database), so the dashboard costs a fixed
number of queries however many scans and leads the fair produced. `chart_tables` turns the
figures into translated tables; the charts, the HTML tables, the CSV files and the post-fair
report are all drawn from those same tables.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, union

from matchmaker.extensions import db
from matchmaker.labels import BUYER_TYPES, country_name
from matchmaker.models import (
    BuyerProfile,
    CheckIn,
    Event,
    Exhibitor,
    Lead,
    LeadLot,
    LeadSource,
    Lot,
    Meeting,
    MeetingOutcome,
    Organisation,
    QrToken,
    Scan,
    User,
)
from matchmaker.services.leads.labels import RATING_LABELS, SOURCE_LABELS

DEAL_LABELS = OrderedDict([
    ("lt_5k", _l("under 5,000 USD")), ("5k_25k", _l("5,000–25,000 USD")),
    ("25k_100k", _l("25,000–100,000 USD")), ("gt_100k", _l("over 100,000 USD")),
])
VOLUME_LABELS = OrderedDict([
    ("lt_1", _l("under 1 t")), ("1_5", _l("1–5 t")), ("5_20", _l("5–20 t")),
    ("gt_20", _l("over 20 t")),
])
INTEREST_LABELS = OrderedDict([
    ("high", _l("High")), ("medium", _l("Medium")), ("low", _l("Low")), ("none", _l("None")),
])
TOP = 10


@dataclass
class Figures:
    """Raw counts, keyed by stable codes; translated only when turned into tables."""

    event: Event
    organisation: Organisation | None
    exhibitors: int = 0
    buyers_registered: int = 0
    buyers_checked_in: int = 0
    scans_total: int = 0
    leads_total: int = 0
    samples_requested: int = 0
    deals_reported: int = 0
    meeting_status: dict[str, int] = field(default_factory=dict)
    # Meetings by how they came about: a buyer's request, the roundtable scheduler, a walk-in.
    meeting_sources: dict[str, int] = field(default_factory=dict)
    scans_by_hour: list[tuple[str, int, int]] = field(default_factory=list)  # (hour, lot, booth)
    scans_by_lot: list[tuple[str, int]] = field(default_factory=list)
    scans_by_booth: list[tuple[str, int]] = field(default_factory=list)
    leads_by_source: dict[str, int] = field(default_factory=dict)
    leads_by_rating: dict[str | None, int] = field(default_factory=dict)
    buyer_countries: list[tuple[str, int]] = field(default_factory=list)
    buyer_types: dict[str, int] = field(default_factory=dict)
    deal_values: dict[str, int] = field(default_factory=dict)
    deal_volumes: dict[str, int] = field(default_factory=dict)
    lot_interest: list[tuple[str, str, int]] = field(default_factory=list)  # code, name, buyers

    @property
    def meetings_requested(self) -> int:
        """Requests buyers sent; meetings the scheduler placed or walk-ins are not requests."""
        return self.meeting_sources.get("booking", 0)

    @property
    def meetings_scheduled(self) -> int:
        return self.meeting_sources.get("roundtable", 0)

    @property
    def meetings_accepted(self) -> int:
        return sum(self.meeting_status.get(s, 0) for s in ("accepted", "held", "no_show"))

    @property
    def meetings_held(self) -> int:
        return self.meeting_status.get("held", 0)

    @property
    def meetings_no_show(self) -> int:
        return self.meeting_status.get("no_show", 0)


def _buyers_of(event: Event, organisation: Organisation | None):
    """A subquery of the ids of the event's buyers: anyone with a badge, a check-in, a lead or
    a meeting there (only leads and meetings with the organisation, when scoped)."""
    lead_q = db.select(Lead.buyer_id.label("buyer_id")).where(Lead.event_id == event.id)
    meeting_q = db.select(Meeting.buyer_id.label("buyer_id")).where(Meeting.event_id == event.id)
    if organisation is not None:
        lead_q = lead_q.where(Lead.organisation_id == organisation.id)
        meeting_q = meeting_q.where(Meeting.organisation_id == organisation.id)
        return union(lead_q, meeting_q).subquery()
    badge_q = db.select(QrToken.buyer_id.label("buyer_id")).where(
        QrToken.event_id == event.id, QrToken.kind == "badge")
    checkin_q = db.select(CheckIn.buyer_id.label("buyer_id")).where(CheckIn.event_id == event.id)
    return union(lead_q, meeting_q, badge_q, checkin_q).subquery()


def _hour_bucket(column, event: Event):
    """The local hour of a UTC timestamp as 'YYYY-MM-DD HH', computed in the database.

    The event's UTC offset on its first day is used (fairs last days, not across a DST change).
    """
    zone = ZoneInfo(event.timezone)
    noon = datetime.combine(event.starts_on, datetime.min.time()).replace(hour=12, tzinfo=zone)
    offset_minutes = int((noon.utcoffset() or timedelta()).total_seconds() // 60)
    if db.engine.dialect.name == "postgresql":
        shifted = func.timezone("UTC", column) + func.make_interval(0, 0, 0, 0, 0, offset_minutes)
        return func.to_char(shifted, "YYYY-MM-DD HH24")
    return func.strftime("%Y-%m-%d %H", column, f"{offset_minutes:+d} minutes")


def event_figures(event: Event, organisation: Organisation | None = None) -> Figures:
    """Every figure of the dashboard, for the whole event or scoped to one organisation."""
    figures = Figures(event=event, organisation=organisation)
    org_id = organisation.id if organisation else None
    buyers = _buyers_of(event, organisation)

    figures.exhibitors = db.session.scalar(
        db.select(func.count()).select_from(Exhibitor).where(Exhibitor.event_id == event.id)
    ) if org_id is None else 1
    figures.buyers_registered = db.session.scalar(db.select(func.count()).select_from(buyers))
    figures.buyers_checked_in = db.session.scalar(
        db.select(func.count()).select_from(CheckIn).where(
            CheckIn.event_id == event.id, CheckIn.buyer_id.in_(db.select(buyers.c.buyer_id)))
    )

    meetings = db.select(Meeting.status, func.count()).where(Meeting.event_id == event.id)
    if org_id:
        meetings = meetings.where(Meeting.organisation_id == org_id)
    figures.meeting_status = dict(db.session.execute(meetings.group_by(Meeting.status)).all())
    figures.meeting_sources = dict(db.session.execute(
        meetings.with_only_columns(Meeting.source, func.count()).group_by(Meeting.source)).all())

    # Lot and booth scans, with the organisation each belongs to, in one joined query base.
    lot_org = db.select(Lot.organisation_id).where(Lot.id == QrToken.lot_id).scalar_subquery()
    booth_org = (db.select(Exhibitor.organisation_id)
                 .where(Exhibitor.id == QrToken.exhibitor_id).scalar_subquery())
    scan_base = (db.select(Scan).join(QrToken, QrToken.id == Scan.token_id)
                 .where(Scan.event_id == event.id, QrToken.kind.in_(("lot", "booth"))))
    if org_id:
        scan_base = scan_base.where(func.coalesce(lot_org, booth_org) == org_id)
    scans = scan_base.subquery()
    hour = _hour_bucket(scans.c.scanned_at, event)
    kinds = (db.select(hour.label("hour"), QrToken.kind, func.count())
             .select_from(scans).join(QrToken, QrToken.id == scans.c.token_id)
             .group_by(hour, QrToken.kind).order_by(hour))
    by_hour: dict[str, list[int]] = {}
    for bucket, kind, number in db.session.execute(kinds):
        by_hour.setdefault(bucket, [0, 0])[0 if kind == "lot" else 1] += number
    figures.scans_by_hour = _fill_hours(by_hour)
    figures.scans_total = sum(lot + booth for _h, lot, booth in figures.scans_by_hour)

    per_lot = (db.select(Lot.lot_code, func.count().label("n"))
               .select_from(scans).join(QrToken, QrToken.id == scans.c.token_id)
               .join(Lot, Lot.id == QrToken.lot_id)
               .group_by(Lot.lot_code).order_by(func.count().desc(), Lot.lot_code).limit(TOP))
    figures.scans_by_lot = [(code, n) for code, n in db.session.execute(per_lot)]
    per_booth = (db.select(Exhibitor.booth, Organisation.name, func.count().label("n"))
                 .select_from(scans).join(QrToken, QrToken.id == scans.c.token_id)
                 .join(Exhibitor, Exhibitor.id == QrToken.exhibitor_id)
                 .join(Organisation, Organisation.id == Exhibitor.organisation_id)
                 .group_by(Exhibitor.booth, Organisation.name)
                 .order_by(func.count().desc(), Exhibitor.booth).limit(TOP))
    # The booth code first (it tells booths apart); the chart wraps long names, never cuts them.
    figures.scans_by_booth = [(f"{booth} · {name}", n)
                              for booth, name, n in db.session.execute(per_booth)]

    leads = db.select(Lead).where(Lead.event_id == event.id)
    if org_id:
        leads = leads.where(Lead.organisation_id == org_id)
    lead_ids = leads.with_only_columns(Lead.id)
    figures.leads_by_rating = dict(db.session.execute(
        db.select(Lead.rating, func.count()).where(Lead.id.in_(lead_ids)).group_by(Lead.rating)
    ).all())
    figures.leads_total = sum(figures.leads_by_rating.values())
    figures.leads_by_source = dict(db.session.execute(
        db.select(LeadSource.kind, func.count(func.distinct(LeadSource.lead_id)))
        .where(LeadSource.lead_id.in_(lead_ids)).group_by(LeadSource.kind)
    ).all())
    sample_sources = db.session.scalar(
        db.select(func.count()).select_from(LeadSource)
        .where(LeadSource.lead_id.in_(lead_ids), LeadSource.kind == "sample_request"))

    figures.buyer_countries = [(code, n) for code, n in db.session.execute(
        db.select(BuyerProfile.country, func.count())
        .where(BuyerProfile.user_id.in_(db.select(buyers.c.buyer_id)))
        .group_by(BuyerProfile.country).order_by(func.count().desc(), BuyerProfile.country)
    )]
    figures.buyer_types = dict(db.session.execute(
        db.select(BuyerProfile.buyer_type, func.count())
        .where(BuyerProfile.user_id.in_(db.select(buyers.c.buyer_id)))
        .group_by(BuyerProfile.buyer_type)
    ).all())

    outcomes = db.select(MeetingOutcome).where(MeetingOutcome.event_id == event.id)
    if org_id:
        outcomes = outcomes.where(MeetingOutcome.organisation_id == org_id)
    outcomes = outcomes.subquery()
    outcome_rows = db.session.execute(
        db.select(outcomes.c.deal_value_range, outcomes.c.volume_range,
                  func.sum(db.case((outcomes.c.samples_requested.is_(True), 1), else_=0)),
                  func.count())
        .group_by(outcomes.c.deal_value_range, outcomes.c.volume_range)
    ).all()
    outcome_samples = 0
    for value_range, volume_range, samples, number in outcome_rows:
        outcome_samples += samples or 0
        if value_range:
            figures.deal_values[value_range] = figures.deal_values.get(value_range, 0) + number
        if volume_range:
            figures.deal_volumes[volume_range] = figures.deal_volumes.get(volume_range, 0) + number
    figures.deals_reported = sum(figures.deal_values.values())
    figures.samples_requested = (sample_sources or 0) + outcome_samples

    figures.lot_interest = [(code, name_es or name_en, n) for code, name_es, name_en, n in
                            db.session.execute(
        db.select(Lot.lot_code, Lot.name_es, Lot.name_en, func.count(func.distinct(Lead.buyer_id)))
        .join(LeadLot, LeadLot.lot_id == Lot.id).join(Lead, Lead.id == LeadLot.lead_id)
        .where(Lead.id.in_(lead_ids))
        .group_by(Lot.lot_code, Lot.name_es, Lot.name_en)
        .order_by(func.count(func.distinct(Lead.buyer_id)).desc(), Lot.lot_code).limit(TOP)
    )]
    return figures


def _fill_hours(by_hour: dict[str, list[int]]) -> list[tuple[str, int, int]]:
    """Hourly points from the first to the last hour with scans, quiet hours as zeros."""
    if not by_hour:
        return []
    first = datetime.strptime(min(by_hour), "%Y-%m-%d %H")
    last = datetime.strptime(max(by_hour), "%Y-%m-%d %H")
    points = []
    moment = first
    while moment <= last:
        key = moment.strftime("%Y-%m-%d %H")
        lot, booth = by_hour.get(key, (0, 0))
        points.append((key, lot, booth))
        moment += timedelta(hours=1)
    return points


@dataclass
class ChartTable:
    """One chart's numbers: a header and rows whose first cell is the label."""

    key: str
    kind: str  # bar, stacked, line, donut
    title: str
    description: str
    header: list[str]
    rows: list[list]


def headline(figures: Figures) -> list[tuple[str, int]]:
    """The headline figures, translated, in reading order."""
    pairs = [
        (_("Exhibitors"), figures.exhibitors),
        (_("Buyers registered"), figures.buyers_registered),
        (_("Buyers checked in"), figures.buyers_checked_in),
        (_("QR scans"), figures.scans_total),
        (_("Leads"), figures.leads_total),
        (_("Meeting requests"), figures.meetings_requested),
        *([(_("Roundtable meetings"), figures.meetings_scheduled)]
          if figures.meetings_scheduled else []),
        (_("Meetings held"), figures.meetings_held),
        (_("Samples requested"), figures.samples_requested),
        (_("Deals reported"), figures.deals_reported),
    ]
    return pairs[1:] if figures.organisation is not None else pairs


def chart_tables(figures: Figures) -> OrderedDict[str, ChartTable]:
    """Every chart of the dashboard as a translated table, keyed by a stable name."""
    types = dict(BUYER_TYPES)
    count = _("Count")
    tables = [
        ChartTable("meetings", "bar", _("Meetings"),
                   _("Meetings requested by buyers and placed by the roundtable scheduler, "
                     "then how many were accepted, held and missed."),
                   [_("Stage"), count],
                   [[_("Requested"), figures.meetings_requested],
                    *([[_("Scheduled by the roundtable"), figures.meetings_scheduled]]
                      if figures.meetings_scheduled else []),
                    [_("Accepted"), figures.meetings_accepted],
                    [_("Held"), figures.meetings_held],
                    [_("No-show"), figures.meetings_no_show]]),
        ChartTable("scans_over_time", "line", _("QR scans over time"),
                   _("Scans of lot and booth codes per hour, in the event's time zone."),
                   [_("Hour"), _("Lot scans"), _("Booth scans")],
                   [[hour[5:] + "h", lot, booth] for hour, lot, booth in figures.scans_by_hour]),
        ChartTable("scans_by_lot", "bar", _("Scans per lot"),
                   _("The lots whose QR code was scanned most."),
                   [_("Lot"), count], [[code, n] for code, n in figures.scans_by_lot]),
        ChartTable("scans_by_booth", "bar", _("Scans per booth"),
                   _("The booths whose QR code was scanned most."),
                   [_("Booth"), count], [[label, n] for label, n in figures.scans_by_booth]),
        ChartTable("leads_by_source", "bar", _("Leads by source"),
                   _("How many leads came from each kind of contact (a lead can have several)."),
                   [_("Source"), count],
                   [[str(SOURCE_LABELS.get(k, k)), figures.leads_by_source.get(k, 0)]
                    for k in SOURCE_LABELS if figures.leads_by_source.get(k)]),
        ChartTable("leads_by_rating", "donut", _("Leads by rating"),
                   _("How the reps rated their leads."),
                   [_("Rating"), count],
                   [[str(label), figures.leads_by_rating.get(k, 0)]
                    for k, label in [*RATING_LABELS.items(), (None, _l("Not rated"))]
                    if figures.leads_by_rating.get(k)]),
        ChartTable("buyer_countries", "bar", _("Buyers by country"),
                   _("Where the buyers come from."),
                   [_("Country"), count],
                   [[country_name(code), n] for code, n in figures.buyer_countries]),
        ChartTable("buyer_types", "donut", _("Buyers by type"),
                   _("What kind of business the buyers run."),
                   [_("Type"), count],
                   [[str(types.get(k, k)), n] for k, n in sorted(
                       figures.buyer_types.items(), key=lambda item: -item[1])]),
        ChartTable("deal_values", "bar", _("Deals reported by value"),
                   _("Deals reported in meeting outcomes, by value range."),
                   [_("Value"), count],
                   [[str(label), figures.deal_values.get(k, 0)] for k, label in DEAL_LABELS.items()]),
        ChartTable("deal_volumes", "bar", _("Volumes discussed"),
                   _("Volumes discussed in meetings, in tonnes."),
                   [_("Volume"), count],
                   [[str(label), figures.deal_volumes.get(k, 0)]
                    for k, label in VOLUME_LABELS.items()]),
        ChartTable("lot_interest", "bar", _("Top lots by interest"),
                   _("Lots by the number of buyers who showed interest in them."),
                   [_("Lot"), _("Buyers")],
                   [[f"{code} {name}".strip(), n] for code, name, n in figures.lot_interest]),
    ]
    return OrderedDict((table.key, table) for table in tables)


def render_chart(table: ChartTable) -> str:
    """The SVG of one chart table."""
    from matchmaker import charts

    empty = _("No data yet.")
    if table.kind == "line":
        return charts.line_chart(
            table.title, table.description, [row[0] for row in table.rows],
            [(name, [row[i + 1] for row in table.rows]) for i, name in enumerate(table.header[1:])],
            empty=empty)
    if table.kind == "stacked":
        return charts.stacked_bar_chart(
            table.title, table.description, [row[0] for row in table.rows],
            [(name, [row[i + 1] for row in table.rows]) for i, name in enumerate(table.header[1:])],
            empty=empty)
    items = [(row[0], row[1]) for row in table.rows]
    if table.kind == "donut":
        return charts.donut_chart(table.title, table.description, items, empty=empty)
    return charts.bar_chart(table.title, table.description, items, empty=empty)


def registered_buyers(event: Event) -> list[tuple[User, BuyerProfile | None, bool]]:
    """The event's buyers with their profile and whether they checked in, by name."""
    buyers = _buyers_of(event, None)
    checked = db.select(CheckIn.buyer_id).where(CheckIn.event_id == event.id)
    rows = db.session.execute(
        db.select(User, BuyerProfile, User.id.in_(checked).label("checked"))
        .outerjoin(BuyerProfile, BuyerProfile.user_id == User.id)
        .where(User.id.in_(db.select(buyers.c.buyer_id)))
        .order_by(User.name, User.id)
    ).all()
    return [(user, profile, bool(is_in)) for user, profile, is_in in rows]


def check_in(event: Event, buyer: User, by_user: User | None, *,
             at: datetime | None = None) -> CheckIn:
    """Record a buyer's arrival at the event once; a second check-in returns the first.

    Raises:
        ValidationFailed: ``not_a_buyer``.
    """
    from sqlalchemy.exc import IntegrityError

    from matchmaker.errors import ValidationFailed
    from matchmaker.models.base import utcnow

    if not buyer.is_buyer:
        raise ValidationFailed(_("Only buyers check in."), code="not_a_buyer")
    existing = db.select(CheckIn).where(CheckIn.event_id == event.id, CheckIn.buyer_id == buyer.id)
    row = db.session.scalar(existing)
    if row is not None:
        return row
    row = CheckIn(event_id=event.id, buyer_id=buyer.id, at=at or utcnow(),
                  by_user_id=by_user.id if by_user else None)
    try:
        # Two phones at the door may scan the same badge at once: the unique constraint
        # decides, and the loser returns the winner's check-in.
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return db.session.scalars(existing).one()
    return row

