"""The public catalogue: filters, free-text search, sort and pagination over published lots.

Every filter is plain SQL that runs the same on SQLite and PostgreSQL (LIKE on lower-cased
text, correlated EXISTS, no window functions), and a page costs a fixed number of queries:
the sorted ids of all matches, one page of lots with their organisation, and one selectin
per relation a card shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from matchmaker.extensions import db
from matchmaker.lotsheet.bounds import parse_filter_number
from matchmaker.lotsheet.pricing import NO_REFERENCES, MarketReferences
from matchmaker.lotsheet.vocab import CERT_SCHEME, GENETICS, PRODUCT_FORM, RADAR_AXES
from matchmaker.models import (
    Certificate,
    Event,
    Exhibitor,
    Lot,
    LotGenetics,
    Organisation,
    SensoryEvaluation,
    SensoryScore,
)
from matchmaker.services.lots.pricing import indicative_price_sql

SORTS = ("newest", "price", "volume", "grade", "quality")
GRADES = ("I", "II", "SS")
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_QUERY_LENGTH = 100


@dataclass
class CatalogueFilters:
    """What the visitor asked for; empty values mean "any". Built by `parse_filters`."""

    q: str = ""
    event: str = ""  # event slug
    organisation: str = ""  # organisation slug
    region: str = ""
    product_form: str = ""
    genetics: str = ""
    certification: str = ""  # certificate scheme, valid on the day
    min_grade: str = ""  # I, II or SS
    min_volume_kg: Decimal | None = None
    max_price_usd_mt: Decimal | None = None
    flavour: str = ""  # radar attribute code …
    flavour_min: Decimal | None = None  # … scored at least this on the latest evaluation
    sort: str = "newest"

    def as_args(self) -> dict[str, str]:
        """Non-empty filters as query-string arguments (for pagination links)."""
        args = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value not in ("", None) and not (item.name == "sort" and value == "newest"):
                args[item.name] = str(value)
        return args

    @property
    def is_filtered(self) -> bool:
        return any(k != "sort" for k in self.as_args())


@dataclass
class ParsedFilters:
    """Filters plus the names of arguments that were ignored because they made no sense."""

    filters: CatalogueFilters
    invalid: list[str] = field(default_factory=list)


# The domain bound of each number filter (1e999999 would overflow PostgreSQL's numeric).
FILTER_BOUNDS = {"min_volume_kg": "volume_kg", "max_price_usd_mt": "price_usd_per_mt",
                 "flavour_min": "intensity"}


def _decimal(raw: str, name: str) -> Decimal | None:
    try:
        return parse_filter_number(raw, FILTER_BOUNDS[name])
    except ValueError:
        return None


def parse_filters(args: Mapping[str, str]) -> ParsedFilters:
    """Read filters from query arguments; unknown codes and bad numbers are dropped and named."""
    filters = CatalogueFilters()
    invalid: list[str] = []
    text_fields = ("q", "event", "organisation", "region")
    for name in text_fields:
        setattr(filters, name, (args.get(name) or "").strip()[:MAX_QUERY_LENGTH])
    coded = {
        "product_form": PRODUCT_FORM.codes,
        "genetics": GENETICS.codes,
        "certification": CERT_SCHEME.codes,
        "min_grade": GRADES,
        "flavour": RADAR_AXES,
        "sort": SORTS,
    }
    for name, allowed in coded.items():
        raw = (args.get(name) or "").strip()
        if raw and raw not in allowed:
            invalid.append(name)
        elif raw:
            setattr(filters, name, raw)
    for name in ("min_volume_kg", "max_price_usd_mt", "flavour_min"):
        raw = (args.get(name) or "").strip()
        if raw:
            value = _decimal(raw, name)
            if value is None:
                invalid.append(name)
            else:
                setattr(filters, name, value)
    return ParsedFilters(filters, invalid)


def _like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _lots_scoring(attribute: str, minimum: Decimal):
    """Ids of lots whose newest evaluation scores `attribute` at least `minimum`.

    Starts from the (indexed) scores of that attribute, then keeps those that belong to
    their lot's newest evaluation, which the (lot_id, evaluated_on, id) index answers.
    """
    newest = db.aliased(SensoryEvaluation)
    latest_id = (
        select(newest.id)
        .where(newest.lot_id == SensoryEvaluation.lot_id)
        .order_by(newest.evaluated_on.desc(), newest.id.desc())
        .limit(1)
        .correlate(SensoryEvaluation)
        .scalar_subquery()
    )
    return (
        select(SensoryEvaluation.lot_id)
        .join(SensoryScore, SensoryScore.evaluation_id == SensoryEvaluation.id)
        .where(SensoryScore.attribute == attribute, SensoryScore.intensity >= minimum,
               SensoryEvaluation.id == latest_id)
    )


def _conditions(filters: CatalogueFilters, today: date,
                references: MarketReferences = NO_REFERENCES) -> list:
    conditions = [Lot.is_published.is_(True)]
    if filters.q:
        pattern = _like_pattern(filters.q)
        columns = (
            Lot.name_es, Lot.name_en, Lot.lot_code, Organisation.name, Lot.community,
            Lot.description_es, Lot.description_en, Lot.fine_flavour_note_es,
            Lot.fine_flavour_note_en,
        )
        notes = exists().where(
            SensoryEvaluation.lot_id == Lot.id,
            or_(func.lower(SensoryEvaluation.flavour_notes_es).like(pattern, escape="\\"),
                func.lower(SensoryEvaluation.flavour_notes_en).like(pattern, escape="\\")),
        )
        conditions.append(
            or_(*(func.lower(c).like(pattern, escape="\\") for c in columns), notes)
        )
    if filters.event:
        conditions.append(
            Lot.organisation_id.in_(
                select(Exhibitor.organisation_id)
                .join(Event, Event.id == Exhibitor.event_id)
                .where(Event.slug == filters.event, Event.is_published.is_(True))
            )
        )
    if filters.organisation:
        conditions.append(Organisation.slug == filters.organisation)
    if filters.region:
        conditions.append(func.lower(Lot.region) == filters.region.lower())
    if filters.product_form:
        conditions.append(Lot.product_form == filters.product_form)
    if filters.genetics:
        conditions.append(
            exists().where(LotGenetics.lot_id == Lot.id, LotGenetics.genetics == filters.genetics)
        )
    if filters.certification:
        # Valid today means certified and within its dates: expired, suspended, not yet
        # valid and in-conversion certificates do not let a lot be sold under the scheme.
        conditions.append(
            exists().where(
                Certificate.lot_id == Lot.id,
                Certificate.scheme == filters.certification,
                Certificate.status == "certified",
                Certificate.valid_from <= today,
                Certificate.valid_to >= today,
            )
        )
    if filters.min_grade:
        accepted = GRADES[: GRADES.index(filters.min_grade) + 1]
        conditions.append(Lot.latest_iso_grade.in_(accepted))
    if filters.min_volume_kg is not None:
        conditions.append(Lot.volume_kg >= filters.min_volume_kg)
    if filters.max_price_usd_mt is not None:
        # Compared by the indicative price, so a differential is neither free nor hidden.
        indicative = indicative_price_sql(references)
        conditions.append(and_(indicative.is_not(None), indicative <= filters.max_price_usd_mt))
    if filters.flavour:
        minimum = filters.flavour_min if filters.flavour_min is not None else Decimal(1)
        conditions.append(Lot.id.in_(_lots_scoring(filters.flavour, minimum)))
    return conditions


def _ordering(sort: str, references: MarketReferences = NO_REFERENCES) -> list:
    grade_rank = case((Lot.latest_iso_grade == "I", 0), (Lot.latest_iso_grade == "II", 1),
                      (Lot.latest_iso_grade == "SS", 2), else_=3)
    newest = [Lot.published_at.desc(), Lot.id.desc()]
    indicative = indicative_price_sql(references)
    # "IS NULL" first in the key puts lots without a value last on both databases.
    orders = {
        "newest": newest,
        "price": [indicative.is_(None), indicative.asc(), Lot.id.desc()],
        "volume": [Lot.volume_kg.desc(), Lot.id.desc()],
        "grade": [grade_rank, *newest],
        "quality": [Lot.latest_global_quality.is_(None), Lot.latest_global_quality.desc(),
                    Lot.id.desc()],
    }
    return orders[sort]


@dataclass(frozen=True)
class CataloguePage:
    """One page of results and what pagination links need."""

    lots: list[Lot]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def search_lots(
    filters: CatalogueFilters, *, today: date, page: int = 1, per_page: int = DEFAULT_PER_PAGE,
    with_details: bool = True, references: MarketReferences = NO_REFERENCES,
) -> CataloguePage:
    """A page of published lots matching `filters`, sorted as asked.

    `with_details` also loads photos, certificates and genetics (one query each) for cards.
    `references` turn differential prices into indicative ones for the price sort and cap.
    """
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    # The filters run once: the sorted ids of every match give both the total and the page,
    # instead of a COUNT and a LIMIT query that would each evaluate the filters.
    matching_ids = db.session.scalars(
        select(Lot.id).join(Lot.organisation)
        .where(*_conditions(filters, today, references))
        .order_by(*_ordering(filters.sort, references))
    ).all()
    page_ids = matching_ids[(page - 1) * per_page: page * per_page]
    lots: list[Lot] = []
    if page_ids:
        query = (
            select(Lot).join(Lot.organisation).where(Lot.id.in_(page_ids))
            .options(contains_eager(Lot.organisation))
        )
        if with_details:
            query = query.options(
                selectinload(Lot.photos), selectinload(Lot.certificates),
                selectinload(Lot.genetics),
            )
        by_id = {lot.id: lot for lot in db.session.scalars(query).unique()}
        lots = [by_id[lot_id] for lot_id in page_ids if lot_id in by_id]
    return CataloguePage(lots=lots, total=len(matching_ids), page=page, per_page=per_page)


def filter_choices() -> dict[str, list]:
    """Options for the catalogue's select boxes that come from data: events, orgs, regions."""
    published = select(Lot.organisation_id).where(Lot.is_published.is_(True))
    organisations = db.session.execute(
        select(Organisation.slug, Organisation.name)
        .where(Organisation.id.in_(published))
        .order_by(Organisation.name)
    ).all()
    regions = db.session.scalars(
        select(Lot.region).where(Lot.is_published.is_(True), Lot.region != "")
        .distinct().order_by(Lot.region)
    ).all()
    events = db.session.execute(
        select(Event.slug, Event.name)
        .where(Event.is_published.is_(True), Event.is_archived.is_(False))
        .order_by(Event.starts_on.desc())
    ).all()
    return {
        "organisations": [tuple(row) for row in organisations],
        "regions": list(regions),
        "events": [tuple(row) for row in events],
    }
