"""Printed material for the fair, as A4 PDFs: booth posters, sample-bag label sheets, badges.

Every code is the target's short /q/<token> URL (tokens are issued on the way). Posters are
bilingual whatever the visitor's language: each heading is rendered in Spanish and English
from the translation catalogue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matchmaker.errors import ValidationFailed
from matchmaker.extensions import db
from matchmaker.labels import country_name
from matchmaker.models import BuyerProfile, Event, Exhibitor, Lot, Role, User
from matchmaker.printing.pdf import (
    AVERY_L7160,
    MARGIN_MM,
    add_qr,
    label_grid,
    new_document,
    new_label_document,
)
from matchmaker.printing.qr import format_manual_code
from matchmaker.services import qr_codes

if TYPE_CHECKING:
    from matchmaker.models.qr import QrToken
    from matchmaker.printing.document import PrintDocument

MAX_LABELS = 20 * AVERY_L7160.per_sheet
A4_WIDTH, A4_HEIGHT = 210.0, 297.0
POSTER_BOOTH_QR_MM = 80.0
POSTER_LOT_QR_MM = 42.0
POSTER_LOT_COLUMNS = 3
# A6 badges, four to an A4 sheet: the size of the usual clip-on badge holder.
BADGE_WIDTH, BADGE_HEIGHT = A4_WIDTH / 2, A4_HEIGHT / 2
BADGE_QR_MM = 52.0
# Room under the QR for the code typed when the QR will not scan.
BADGE_CODE_MM = 7.0

Progress = Callable[[int], None]


def _both(message) -> str:
    """'Stand · Booth': a message in Spanish, then in English if it differs."""
    with force_locale("es"):
        spanish = str(message)
    with force_locale("en"):
        english = str(message)
    return spanish if spanish == english else f"{spanish} · {english}"


BOOTH_HEADING = _l("Booth %(booth)s")
SCAN_BOOTH = _l("Scan to see our lots and keep in touch")
OUR_LOTS = _l("Our cacao lots")
SCAN_LOT = _l("Scan a code to open the lot's product sheet")
BUYER = _l("Buyer")


def _bilingual_format(message, **params) -> str:
    parts = []
    for locale in ("es", "en"):
        with force_locale(locale):
            text = str(message) % params
        if text not in parts:
            parts.append(text)
    return " · ".join(parts)


def _published_lots(organisation_ids: Iterable[int]) -> dict[int, list[Lot]]:
    """Each organisation's published lots, by lot code, in one query."""
    lots: dict[int, list[Lot]] = {organisation_id: [] for organisation_id in organisation_ids}
    for lot in db.session.scalars(
        db.select(Lot).where(Lot.organisation_id.in_(list(lots)), Lot.is_published.is_(True))
        .order_by(Lot.lot_code)
    ):
        lots[lot.organisation_id].append(lot)
    return lots


def _draw_poster(pdf: PrintDocument, exhibitor: Exhibitor, lots: list[Lot],
                 tokens: dict[tuple[str, int], QrToken]) -> None:
    width = A4_WIDTH - 2 * MARGIN_MM
    pdf.add_page()
    pdf.set_font(size=11)
    pdf.cell(width, 6, exhibitor.event.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="B", size=26)
    pdf.multi_cell(width, 11, exhibitor.organisation.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="B", size=18)
    pdf.cell(width, 10, _bilingual_format(BOOTH_HEADING, booth=exhibitor.booth), align="C",
             new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + 3
    add_qr(pdf, qr_codes.short_url(tokens["booth", exhibitor.id]),
           (A4_WIDTH - POSTER_BOOTH_QR_MM) / 2, y, POSTER_BOOTH_QR_MM)
    pdf.set_y(y + POSTER_BOOTH_QR_MM + 1)
    pdf.set_font(style="", size=12)
    pdf.multi_cell(width, 6, _both(SCAN_BOOTH), align="C", new_x="LMARGIN", new_y="NEXT")
    if not lots:
        return
    pdf.ln(4)
    pdf.set_font(style="B", size=15)
    pdf.cell(width, 8, _both(OUR_LOTS), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=9)
    pdf.cell(width, 5, _both(SCAN_LOT), align="C", new_x="LMARGIN", new_y="NEXT")
    _draw_lot_grid(pdf, lots, pdf.get_y() + 3, tokens)


def _draw_lot_grid(pdf: PrintDocument, lots: list[Lot], top: float,
                   tokens: dict[tuple[str, int], QrToken]) -> None:
    column_width = (A4_WIDTH - 2 * MARGIN_MM) / POSTER_LOT_COLUMNS
    cell_height = POSTER_LOT_QR_MM + 16
    bottom = A4_HEIGHT - MARGIN_MM - 12
    y = top
    for index, lot in enumerate(lots):
        column = index % POSTER_LOT_COLUMNS
        if column == 0 and index:
            y += cell_height
        if y + cell_height > bottom:
            pdf.add_page()
            y = MARGIN_MM
        x = MARGIN_MM + column * column_width
        add_qr(pdf, qr_codes.short_url(tokens["lot", lot.id]),
               x + (column_width - POSTER_LOT_QR_MM) / 2, y, POSTER_LOT_QR_MM)
        pdf.set_xy(x, y + POSTER_LOT_QR_MM)
        pdf.set_font(style="B", size=11)
        pdf.cell(column_width, 5, lot.lot_code, align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font(style="", size=8)
        names = " / ".join(dict.fromkeys(n for n in (lot.name_es, lot.name_en) if n))
        pdf.multi_cell(column_width, 4, names[:90], align="C", max_line_height=4)


def _poster_tokens(exhibitors: list[Exhibitor], lots: dict[int, list[Lot]]
                   ) -> dict[tuple[str, int], QrToken]:
    # Every code of the file is issued (or read) up front, a few statements in all.
    tokens = {("booth", exhibitor_id): token
              for exhibitor_id, token in qr_codes.booth_tokens(exhibitors).items()}
    tokens.update((("lot", lot_id), token) for lot_id, token in qr_codes.lot_tokens(
        lot for organisation_lots in lots.values() for lot in organisation_lots).items())
    return tokens


def issue_codes(event: Event, kind: str) -> None:
    """Issue every code the event's posters (kind "posters") or badges ("badges") will print,
    where missing. A print job calls it and commits before drawing, so that on SQLite the
    drawing holds no write lock (other writers, and a stopping worker handing the job back,
    need not wait for the whole file)."""
    if kind == "posters":
        exhibitors = event_exhibitors(event)
        _poster_tokens(exhibitors, _published_lots({e.organisation_id for e in exhibitors}))
    else:
        qr_codes.badge_tokens(event, (user for user, _profile in event_buyers(event)))


def booth_posters(exhibitors: Iterable[Exhibitor], *, progress: Progress | None = None) -> bytes:
    """One poster (one or more A4 pages) per exhibitor: organisation, booth, lots, QR codes."""
    exhibitors = list(exhibitors)
    lots = _published_lots({exhibitor.organisation_id for exhibitor in exhibitors})
    tokens = _poster_tokens(exhibitors, lots)
    title = _("Booth posters")
    pdf = new_document(title, "es")
    for done, exhibitor in enumerate(exhibitors, start=1):
        _draw_poster(pdf, exhibitor, lots[exhibitor.organisation_id], tokens)
        if progress:
            progress(done)
    if not exhibitors:
        pdf.add_page()
        pdf.cell(0, 10, _("No exhibitors yet."))
    return bytes(pdf.output())


def event_exhibitors(event: Event) -> list[Exhibitor]:
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(
        db.select(Exhibitor).where(Exhibitor.event_id == event.id)
        .options(joinedload(Exhibitor.organisation), joinedload(Exhibitor.event))
        .order_by(Exhibitor.booth)
    ))


def label_sheet(lot: Lot, count: int) -> bytes:
    """Avery L7160 sheets of QR stickers for sample bags, the lot code under each code.

    Raises:
        ValidationFailed: ``bad_label_count`` outside 1..MAX_LABELS; ``lot_not_published``.
    """
    if not 1 <= count <= MAX_LABELS:
        raise ValidationFailed(
            _("Choose between 1 and %(max)d labels.", max=MAX_LABELS), code="bad_label_count"
        )
    if not lot.is_published:
        raise ValidationFailed(_("Publish the lot before printing its labels."),
                               code="lot_not_published")
    url = qr_codes.short_url(qr_codes.lot_token(lot))
    pdf = new_label_document(_("Labels %(code)s", code=lot.lot_code), "es")
    qr_size = 28.0
    for cell in label_grid(count):
        if cell.starts_sheet:
            pdf.add_page()
        add_qr(pdf, url, cell.x + (cell.width - qr_size) / 2, cell.y + 1.5, qr_size)
        pdf.set_xy(cell.x, cell.y + 1.5 + qr_size)
        pdf.set_font(style="B", size=10)
        pdf.cell(cell.width, 5, lot.lot_code, align="C")
    return bytes(pdf.output())


def event_buyers(event: Event) -> list[tuple[User, BuyerProfile | None]]:
    """The buyers who get a badge: every active buyer account (buyers sign up for the fair)."""
    rows = db.session.execute(
        db.select(User, BuyerProfile).outerjoin(BuyerProfile, BuyerProfile.user_id == User.id)
        .where(User.role == Role.BUYER, User.is_active.is_(True))
        .order_by(User.name, User.id)
    )
    return [(user, profile) for user, profile in rows]


def _draw_badge(pdf: PrintDocument, event: Event, user: User, profile: BuyerProfile | None,
                x: float, y: float, token: QrToken) -> None:
    inner = BADGE_WIDTH - 16
    pdf.set_xy(x + 8, y + 8)
    pdf.set_font(style="", size=10)
    pdf.cell(inner, 5, event.name[:60], align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(style="B", size=9)
    pdf.cell(inner, 5, _both(BUYER).upper(), align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(style="B", size=18)
    pdf.multi_cell(inner, 8, user.name[:60], align="C", new_x="LEFT", new_y="NEXT",
                   max_line_height=8)
    pdf.set_font(style="", size=12)
    if profile is not None:
        pdf.multi_cell(inner, 6, profile.company[:70], align="C", new_x="LEFT", new_y="NEXT")
        pdf.cell(inner, 6, country_name(profile.country), align="C", new_x="LEFT", new_y="NEXT")
    qr_top = y + BADGE_HEIGHT - BADGE_QR_MM - BADGE_CODE_MM - 8
    add_qr(pdf, qr_codes.short_url(token), x + (BADGE_WIDTH - BADGE_QR_MM) / 2, qr_top,
           BADGE_QR_MM)
    pdf.set_xy(x + 8, qr_top + BADGE_QR_MM + 1)
    pdf.set_font(style="B", size=15)
    pdf.cell(inner, BADGE_CODE_MM - 1, format_manual_code(token.manual_code), align="C")


def badges(event: Event, *, progress: Progress | None = None) -> bytes:
    """A6 badges, four per A4 page with cut lines, for every buyer of the event."""
    buyers = event_buyers(event)
    tokens = qr_codes.badge_tokens(event, (user for user, _profile in buyers))
    pdf = new_document(_("Badges %(event)s", event=event.name), "es", page_numbers=False)
    pdf.set_auto_page_break(auto=False)
    for index, (user, profile) in enumerate(buyers):
        slot = index % 4
        if slot == 0:
            pdf.add_page()
            with pdf.local_context(draw_color=(170, 170, 170)):
                pdf.set_dash_pattern(dash=2, gap=2)
                pdf.line(A4_WIDTH / 2, 0, A4_WIDTH / 2, A4_HEIGHT)
                pdf.line(0, A4_HEIGHT / 2, A4_WIDTH, A4_HEIGHT / 2)
                pdf.set_dash_pattern()
        x = (slot % 2) * BADGE_WIDTH
        y = (slot // 2) * BADGE_HEIGHT
        _draw_badge(pdf, event, user, profile, x, y, tokens[user.id])
        if progress:
            progress(index + 1)
    if not buyers:
        pdf.add_page()
        pdf.set_xy(MARGIN_MM, MARGIN_MM)
        pdf.cell(0, 10, _("No buyers yet."))
    return bytes(pdf.output())
