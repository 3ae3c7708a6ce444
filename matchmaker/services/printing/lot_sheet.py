"""The printed lot sheet handed over at the booth: one or two pages, A4 or US Letter.

Sections follow ../shared/domain/cacao-lot-sheet.md: header (name, code, producer, QR code
and its short address), lot and packing, origin, post-harvest, cut test and grade with the
defect breakdown, flavour with a radar, certificates with their validity, EUDR summary and
commercial terms. Evidence (lab report, certificates, EUDR files) is printed as a link next
to the figure it supports.

Every row is measured before it is drawn and moved whole to the next page when it does not
fit, so no text runs into another block or off the page (tests/printing/test_lot_sheet_pdf.py
checks this on the rendered file).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _

from matchmaker.labels import label, number
from matchmaker.lot_display import CERT_STATE_LABELS, is_web_link, localized_text, price_text
from matchmaker.lotsheet.vocab import CUT_TEST_CATEGORY
from matchmaker.printing import pdf as printing_pdf
from matchmaker.services.lots.sheet import LotSheet

PAPER_SIZES = {"a4": "A4", "letter": "Letter"}
MARGIN = 12.0
KEY_WIDTH = 44.0
HALF_KEY_WIDTH = 32.0  # the key column of a fact printed in half the width
FONT = printing_pdf.FONT_FAMILY


@dataclass(frozen=True)
class Density:
    """Type sizes (pt), line heights (mm) and how much seller text is printed. The sheet is
    set at the first density that keeps it to two pages."""

    body: float
    line: float
    grid_size: float
    grid_line: float
    text_max: int  # characters of a long seller text (notes, awards) on paper


DENSITIES = (Density(8.5, 4.2, 7.5, 3.6, 320), Density(8.0, 3.8, 7.0, 3.2, 220),
             Density(7.5, 3.5, 6.8, 3.0, 160), Density(7.0, 3.1, 6.5, 2.7, 100))
BODY_SIZE, LINE = DENSITIES[0].body, DENSITIES[0].line
MAX_PAGES = 2
ACCENT = (94, 52, 30)  # cacao brown
MUTED = (90, 90, 90)
RULE = (200, 190, 180)
QR_SIZE = 30.0
RADAR_WIDTH, RADAR_HEIGHT = 84.0, 52.0  # the box reserved for the flavour radar


@dataclass(frozen=True)
class SheetLinks:
    """Absolute addresses the sheet links to; built by the view, which knows the routes."""

    page_url: str  # what the QR code carries (the lot's scan address once published)
    analysis_report: str | None = None
    cut_test_photo: str | None = None
    certificate_files: dict[int, str] = field(default_factory=dict)
    no_deforestation_file: str | None = None
    legality_file: str | None = None
    plots_geojson: str | None = None


def short_url(url: str) -> str:
    """The address as people type it: no scheme, no trailing slash."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/") or url


class SheetWriter:
    """Flowing key/value rows and headings with whole-row page breaks."""

    def __init__(self, pdf: printing_pdf.PrintDocument, density: Density = DENSITIES[0]):
        self.pdf = pdf
        self.body, self.line = density.body, density.line
        self.grid_size, self.grid_line = density.grid_size, density.grid_line
        self.text_max = density.text_max

    @property
    def bottom(self) -> float:
        return self.pdf.h - self.pdf.b_margin

    def ensure(self, height: float) -> None:
        if self.pdf.get_y() + height > self.bottom:
            self.pdf.add_page()

    def heading(self, text: str, *, keep_with: float | None = None) -> None:
        pdf = self.pdf
        self.ensure(7 + (2 * self.line if keep_with is None else keep_with))
        pdf.ln(1.5)
        pdf.set_font(FONT, "B", 10.5)
        pdf.set_text_color(*ACCENT)
        pdf.cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
        with pdf.local_context(draw_color=RULE, line_width=0.3):
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.set_text_color(0, 0, 0)
        pdf.ln(1)

    def _height(self, width: float, text: str, style: str = "", size: float | None = None) -> float:
        self.pdf.set_font(FONT, style, size or self.body)
        return self.pdf.multi_cell(width, self.line, text, dry_run=True, output="HEIGHT")

    def row(self, key: str, value: str, *, link: str | None = None,
            right: float | None = None) -> None:
        """One fact: bold key on the left, wrapped value on the right, never split."""
        if not value:
            return
        pdf = self.pdf
        right_edge = right if right is not None else pdf.w - pdf.r_margin
        value_width = right_edge - pdf.l_margin - KEY_WIDTH
        height = max(self._height(KEY_WIDTH - 2, key, "B"), self._height(value_width, value))
        self.ensure(height + 0.4)
        top = pdf.get_y()
        pdf.set_font(FONT, "B", self.body)
        pdf.set_xy(pdf.l_margin, top)
        pdf.multi_cell(KEY_WIDTH - 2, self.line, key, align="L")
        pdf.set_font(FONT, "", self.body)
        if link:
            pdf.set_text_color(20, 60, 140)
        pdf.set_xy(pdf.l_margin + KEY_WIDTH, top)
        pdf.multi_cell(value_width, self.line, value, align="L", link=link)
        pdf.set_text_color(0, 0, 0)
        pdf.set_xy(pdf.l_margin, top + height + 0.4)

    def facts(self, items: list[tuple[str, str] | tuple[str, str, str | None]]) -> None:
        """Rows of facts; two short ones (each on one line in half the width) share a line,
        so a sheet of many short facts takes half the height."""
        pdf = self.pdf
        half = pdf.epw / 2
        key_width = HALF_KEY_WIDTH

        def fits(key: str, value: str) -> bool:
            pdf.set_font(FONT, "B", self.body)
            if pdf.get_string_width(key) > key_width - 2:
                return False
            pdf.set_font(FONT, "", self.body)
            return pdf.get_string_width(value) <= half - key_width - 3

        shown = [(item[0], item[1], item[2] if len(item) > 2 else None)
                 for item in items if item[1]]
        index = 0
        while index < len(shown):
            key, value, link = shown[index]
            following = shown[index + 1] if index + 1 < len(shown) else None
            if following and fits(key, value) and fits(following[0], following[1]):
                self.ensure(self.line + 0.4)
                top = pdf.get_y()
                for column, (k, v, lk) in enumerate((shown[index], following)):
                    x = pdf.l_margin + column * half
                    pdf.set_font(FONT, "B", self.body)
                    pdf.set_xy(x, top)
                    pdf.cell(key_width - 2, self.line, k)
                    pdf.set_font(FONT, "", self.body)
                    if lk:
                        pdf.set_text_color(20, 60, 140)
                    pdf.set_xy(x + key_width, top)
                    pdf.cell(half - key_width - 3, self.line, v, link=lk or "")
                    pdf.set_text_color(0, 0, 0)
                pdf.set_xy(pdf.l_margin, top + self.line + 0.4)
                index += 2
            else:
                self.row(key, value, link=link)
                index += 1

    def note(self, text: str, *, size: float = 7.5) -> None:
        if not text:
            return
        pdf = self.pdf
        height = self._height(pdf.epw, text, size=size)
        self.ensure(height)
        pdf.set_font(FONT, "", size)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(pdf.epw, self.line * size / self.body, text, align="L",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)

    def grid(self, header: list[str], rows: list[list[str]], widths: list[float],
             links: list[str | None] | None = None) -> None:
        """A small table of single-line cells; long text is wrapped inside its cell.

        Set a point smaller than the body: certificate tables of real numbers and dates
        otherwise wrap each row to four or five lines and push a full sheet onto a third
        US Letter page."""
        pdf = self.pdf
        scale = pdf.epw / sum(widths)
        widths = [w * scale for w in widths]
        links = links or [None] * len(rows)
        for index, cells in enumerate([header, *rows]):
            style = "B" if index == 0 else ""
            pdf.set_font(FONT, style, self.grid_size)
            height = max(pdf.multi_cell(w - 1.5, self.grid_line, text, dry_run=True, output="HEIGHT")
                         for w, text in zip(widths, cells, strict=True))
            self.ensure(height + 1)
            top, x = pdf.get_y(), pdf.l_margin
            link = links[index - 1] if index else None
            for w, text in zip(widths, cells, strict=True):
                pdf.set_font(FONT, style, self.grid_size)
                pdf.set_xy(x, top)
                pdf.multi_cell(w - 1.5, self.grid_line, text, align="L", link=link)
                x += w
            pdf.set_xy(pdf.l_margin, top + height + 0.5)
            with pdf.local_context(draw_color=RULE, line_width=0.15):
                pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
            pdf.ln(0.5)


def _dates(start: date | None, end: date | None) -> str:
    if not start and not end:
        return ""
    return f"{format_date(start) if start else '…'} – {format_date(end) if end else '…'}"


def _join(*parts) -> str:
    return " · ".join(str(p) for p in parts if p not in (None, ""))


# The longest a seller-typed text runs on paper (Density.text_max). The editor allows up to
# 2,000 characters (awards, flavour and fine-flavour notes); printed whole, three of those
# fill a page, so the sheet prints the start and refers to the web page the QR code opens.
# The lot's name in the header: two lines of the title type.
PRINTED_TITLE_MAX = 90
# Names (varieties, holders, certifiers, evaluators) are printed up to this length.
PRINTED_NAME_MAX = 70


def _cut(text: str, limit: int) -> str:
    """`text` on one line, cut at a word boundary past `limit` characters with a pointer to
    the full text online (the QR code opens it)."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:–-") + " … " + _("(full text online)")


def _name(text: str, limit: int = PRINTED_NAME_MAX) -> str:
    """A name on one line, ending in "…" past `limit` characters."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _typed(obj, name: str, locale: str, *, limit: int = PRINTED_NAME_MAX) -> str:
    """Seller-typed text in the reader's language, or marked "(in Spanish)"; cut past
    `limit` characters."""
    typed = localized_text(obj, name, locale)
    text = _cut(typed.text, limit)
    return f"{text} ({typed.note})" if typed.note and text else text


def sheet_header(pdf: printing_pdf.PrintDocument, *, kind: str, title: str, code: str,
                 owner: str, qr_target: str, url: str, caption: str) -> None:
    """The printed sheet's head, shared by lot and offer sheets: title, code, owner and the
    short address on the left, the QR code (to `qr_target`) in its own square on the right."""
    qr_x = pdf.w - pdf.r_margin - QR_SIZE
    printing_pdf.add_qr(pdf, qr_target, qr_x, pdf.t_margin, QR_SIZE)
    width = qr_x - pdf.l_margin - 5  # the QR's quiet zone is inside its square
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(width, 4, kind, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*ACCENT)
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(width, 6.5, title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(width, 5, code, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(width, 4.5, owner, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(20, 60, 140)
    pdf.multi_cell(width, 4.5, short_url(url), align="L", link=url, new_x="LMARGIN",
                   new_y="NEXT")
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, "", 7.5)
    pdf.multi_cell(width, 4, caption, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(max(pdf.get_y(), pdf.t_margin + QR_SIZE) + 1)


def _header(pdf: printing_pdf.PrintDocument, sheet: LotSheet, links: SheetLinks, locale: str,
            today: date) -> None:
    lot = sheet.lot
    sheet_header(pdf, kind=_("Product sheet"), title=_name(lot.name(locale), PRINTED_TITLE_MAX),
                 code=lot.lot_code,
                 owner=lot.organisation.name, qr_target=links.page_url, url=links.page_url,
                 caption=_("Scan the code or open the address for the current sheet, "
                           "evidence files and contact. Printed %(date)s.",
                           date=format_date(today)))


def _lot_section(w: SheetWriter, sheet: LotSheet, locale: str) -> None:
    lot, volume = sheet.lot, sheet.volume
    w.heading(_("Lot and packing"))
    packing = ""
    if lot.bag_count:
        packing = ngettext("%(num)d bag", "%(num)d bags", lot.bag_count)
        if lot.net_kg_per_bag:
            packing += f" × {number(lot.net_kg_per_bag)} kg"
        packing = _join(packing, label("bag_type", lot.bag_type))
    w.facts([
        (_("Product"), label("product_form", lot.product_form)),
        (_("Harvest"), _dates(lot.harvest_start, lot.harvest_end)),
        (_("Volume available"), _join(f"{number(volume.kg, 0)} kg", f"{number(volume.mt, 3)} MT",
                                      f"{number(volume.lb, 0)} lb",
                                      f"{number(volume.quintales, 2)} {_('quintales')}")),
        (_("Packing"), packing),
        (_("HS code"), lot.hs_code),
        (_("Warehouse"), _typed(lot, "warehouse", locale, limit=160)),
    ])


def _origin_section(w: SheetWriter, sheet: LotSheet, locale: str) -> None:
    lot, org = sheet.lot, sheet.lot.organisation
    w.heading(_("Origin and traceability"))
    kind = _("Cooperative") if org.kind == "cooperative" else _("Association")
    w.row(_("Producer"), _join(org.name, kind, _("RUC %(ruc)s", ruc=org.ruc) if org.ruc else ""))
    w.row(_("Exporter of record"), lot.exporter_of_record)
    w.row(_("Origin"), ", ".join(x for x in (lot.community, lot.province, lot.region, _("Peru"))
                                 if x))
    altitude = (f"{lot.altitude_min or '…'}–{lot.altitude_max or '…'} m"
                if lot.altitude_min or lot.altitude_max else "")
    producers = []
    if lot.n_producers:
        producers.append(ngettext("%(num)d producer", "%(num)d producers", lot.n_producers))
    if lot.area_ha:
        producers.append(f"{number(lot.area_ha)} ha")
    w.facts([(_("Altitude"), altitude), (_("Producers and area"), _join(*producers)),
             (_("Production system"), label("production_system", lot.production_system))])
    w.row(_("Genetics"), ", ".join(
        f"{label('genetics', g.genetics)}{f' ({_name(g.variety_name)})' if g.variety_name else ''}"
        f" {number(g.share_pct)} %" for g in sheet.genetics))
    w.row(_("Fine flavour"), _typed(lot, "fine_flavour_note", locale, limit=w.text_max))


def _post_harvest_section(w: SheetWriter, sheet: LotSheet, locale: str) -> None:
    lot = sheet.lot
    w.heading(_("Post-harvest"))
    fermentation = [label("ferment_vessel", lot.ferment_vessel)]
    if lot.ferment_hours is not None:
        fermentation.append(_("%(hours)d hours", hours=lot.ferment_hours))
    if lot.turns is not None:
        fermentation.append(ngettext("%(num)d turn", "%(num)d turns", lot.turns))
    wood = _typed(lot, "wood_species", locale, limit=120)
    if wood:
        fermentation.append(_("boxes of %(wood)s", wood=wood))
    drying = [label("dry_method", lot.dry_method)]
    if lot.dry_days is not None:
        drying.append(ngettext("%(num)d day", "%(num)d days", lot.dry_days))
    pre_drying = "" if lot.pre_drying is None else (_("Yes") if lot.pre_drying else _("No"))
    w.facts([(_("Processing site"), label("processing_site", lot.processing_site)),
             (_("Pulp pre-drying"), pre_drying), (_("Drying"), _join(*drying)),
             (_("Fermentation"), _join(*fermentation))])


def _quality_section(w: SheetWriter, sheet: LotSheet, links: SheetLinks) -> None:
    a = sheet.analysis
    w.heading(_("Physical quality (ISO 2451, cut test ISO 1114)"), keep_with=6 * w.line)
    if a is None:
        w.note(_("No laboratory analysis yet."))
        return
    raw = a.analysis
    w.row(_("Analysis"), _join(format_date(a.analysis_date), _name(a.lab),
                               _("sample %(kg)s kg", kg=number(raw.sample_kg)) if raw.sample_kg
                               else ""))
    if links.analysis_report:
        w.row(_("Lab report"), _("Open the lab report (PDF), %(date)s",
                                 date=format_date(a.analysis_date)), link=links.analysis_report)
    grade = label("iso_grade", a.iso_grade)
    if a.trade_grade:
        grade = _join(grade, label("trade_grade", a.trade_grade))
    moisture = f"{number(a.moisture_pct, 1)} %"
    # Without parameters gettext leaves "%%" as it is; the web page's msgids are reused.
    moisture += " · " + (_("within the ISO limit of 8 %% at loading") if a.moisture_ok_at_origin
                         else _("above the ISO limit of 8 %% at loading")).replace("%%", "%")
    w.facts([
        (_("Grade"), grade),
        (_("Bean count"), _join(_("%(count)d beans / 100 g", count=a.bean_count_per_100g),
                                label("bean_size", a.bean_size))),
        (_("Fermented"), _("%(pct)s %% (well %(well)s %% + partly %(partly)s %%)",
                           pct=number(a.fermented_pct, 1),
                           well=number(a.percentages["well_fermented"], 1),
                           partly=number(a.percentages["partly_fermented"], 1))),
        (_("Moisture"), moisture),
    ])
    extra = [(_("Free fatty acids"), raw.ffa_pct, "%"), (_("Fat"), raw.fat_pct, "%"),
             (_("Shell"), raw.shell_pct, "%"), (_("Fermentation index"), raw.fermentation_index, ""),
             (_("Cadmium"), raw.cadmium_mg_kg, "mg/kg"),
             (_("Foreign matter"), raw.foreign_matter_pct, "%"),
             (_("Cocoa-related matter"), raw.cocoa_related_matter_pct, "%"),
             (_("Flat beans (mass)"), raw.flat_beans_pct, "%"), (_("Sievings"), raw.sievings_pct, "%")]
    shown = [f"{name} {number(value)}{' ' + unit if unit else ''}" for name, value, unit in extra
             if value is not None]
    w.row(_("Other results"), ", ".join(shown))
    w.ensure(w.line * 6)
    w.pdf.ln(0.5)
    w.pdf.set_font(FONT, "B", w.body)
    w.pdf.cell(0, w.line + 0.5, _("Cut test: %(n)d beans cut", n=a.cut_test_n),
               new_x="LMARGIN", new_y="NEXT")
    categories = list(CUT_TEST_CATEGORY)
    half = math.ceil(len(categories) / 2)
    rows = []
    for left, right in zip(categories[:half], categories[half:] + [None] * half, strict=False):
        cells = []
        for choice in (left, right):
            if choice is None:
                cells += ["", "", ""]
                continue
            cells += [_(choice.label), str(getattr(raw, choice.code)),
                      f"{number(a.percentages[choice.code], 1)} %"]
        rows.append(cells)
    head = [_("Category"), _("Beans"), "%"]
    w.grid(head + head, rows, [34, 11, 12, 34, 11, 12])
    if links.cut_test_photo:
        w.row(_("Cut-test photo"), _("Open the photo of the cut beans"), link=links.cut_test_photo)


def _radar(pdf: printing_pdf.PrintDocument, scores: list[tuple[str, float]], x: float, y: float,
           width: float, height: float) -> None:
    """A flavour radar in a width × height box at (x, y): rings at 2, 4, … 10, labels outside."""
    cx, cy = x + width / 2, y + height / 2
    pdf.set_font(FONT, "", 6.5)
    captions = [f"{text} {number(score)}" for text, score in scores]
    widest = max(pdf.get_string_width(caption) for caption in captions)
    radius = max(10.0, min(height / 2 - 5, width / 2 - widest - 2))
    axes = len(scores)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = 2 * math.pi * i / axes
        r = radius * value / 10
        return cx + r * math.sin(angle), cy - r * math.cos(angle)

    with pdf.local_context(draw_color=RULE, line_width=0.15):
        for ring in (2, 4, 6, 8, 10):
            pdf.polygon([point(i, ring) for i in range(axes)], style="D")
        for i in range(axes):
            pdf.line(cx, cy, *point(i, 10))
    with pdf.local_context(draw_color=ACCENT, fill_color=(222, 196, 170), line_width=0.4):
        pdf.polygon([point(i, float(score)) for i, (_t, score) in enumerate(scores)], style="DF")
    pdf.set_text_color(*MUTED)
    for i, caption in enumerate(captions):
        lx, ly = point(i, 10)
        angle = 2 * math.pi * i / axes
        caption_width = pdf.get_string_width(caption)
        dx, dy = math.sin(angle), -math.cos(angle)
        # Labels sit outside the outer ring: left of it on the left, right on the right.
        tx = lx + dx * 1.5 - (caption_width if dx < -0.2 else caption_width / 2
                              if abs(dx) <= 0.2 else 0)
        ty = ly + dy * 1.5 - (3 if dy < -0.2 else 0 if dy > 0.2 else 1.5)
        pdf.set_xy(max(x, min(tx, x + width - caption_width)), max(y, min(ty, y + height - 3)))
        pdf.cell(caption_width, 3, caption)
    pdf.set_text_color(0, 0, 0)


def _sensory_section(w: SheetWriter, sheet: LotSheet, locale: str) -> None:
    s = sheet.sensory
    pdf = w.pdf
    has_radar = s is not None and len(s.radar) >= 3
    w.heading(_("Flavour"), keep_with=RADAR_HEIGHT if has_radar else 3 * w.line)
    if s is None:
        w.note(_("No sensory evaluation yet."))
        return
    e = s.evaluation
    top = pdf.get_y()
    right = pdf.w - pdf.r_margin - (RADAR_WIDTH + 3 if has_radar else 0)
    if has_radar:
        _radar(pdf, [(label("sensory", code), score) for code, score in s.radar],
               pdf.w - pdf.r_margin - RADAR_WIDTH, top, RADAR_WIDTH, RADAR_HEIGHT)
        pdf.set_xy(pdf.l_margin, top)
    w.row(_("Protocol"), label("sensory_protocol", s.protocol), right=right)
    w.row(_("Evaluated by"), _join(_name(s.evaluator), ngettext("panel of %(num)d", "panel of %(num)d",
                                                         e.panel_size) if e.panel_size else "",
                                   format_date(s.evaluated_on)), right=right)
    w.row(_("Roast profile"), _typed(e, "roast_profile", locale, limit=90), right=right)
    w.row(_("Global quality"), _("%(score)s / 10 (the evaluator's judgement)",
                                 score=number(s.global_quality)), right=right)
    if has_radar:
        pdf.set_y(max(pdf.get_y(), top + RADAR_HEIGHT))
    w.row(_("Flavour notes"), _typed(e, "flavour_notes", locale, limit=w.text_max))
    w.row(_("Awards"), _typed(e, "awards", locale, limit=w.text_max))


def _certificates_section(w: SheetWriter, sheet: LotSheet, links: SheetLinks, state_labels) -> None:
    w.heading(_("Certificates"), keep_with=3 * w.line)
    if not sheet.certificates:
        w.note(_("No certificates."))
        return
    rows, row_links = [], []
    for view in sheet.certificates:
        c = view.certificate
        scheme = label("cert_scheme", c.scheme) + (f" ({_name(c.scheme_other)})"
                                                   if c.scheme_other else "")
        file_link = links.certificate_files.get(c.id)
        verify_link = c.verify_url if is_web_link(c.verify_url) else None
        # One row per certificate, two or three lines at most: the evidence is a short
        # clickable word (its address is on the web page the QR code opens).
        evidence = _join(_("PDF") if file_link else "", _("verify") if verify_link else "")
        rows.append([scheme, f"{_name(c.holder)}\n{c.certificate_no}",
                     _join(_name(c.certifier_name), c.certifier_code),
                     f"{state_labels[view.state]}\n{_dates(c.valid_from, c.valid_to)}",
                     evidence or "—"])
        row_links.append(file_link or verify_link)
    w.grid([_("Scheme"), _("Holder · number"), _("Certifier · code"), _("Valid"),
            _("Evidence")], rows, [28, 60, 44, 34, 14], row_links)
    w.note(_("Only a certificate within its dates and not suspended is valid. Each shipment "
             "needs its own import certificate (EU TRACES COI, USDA NOP Import Certificate)."))


def _eudr_section(w: SheetWriter, sheet: LotSheet, links: SheetLinks) -> None:
    e, lot = sheet.eudr, sheet.lot
    w.heading(_("EU Deforestation Regulation (2023/1115)"), keep_with=4 * w.line)
    polygons = sum(1 for p in e.plots if p.geometry_type == "Polygon")
    w.row(_("Plots"), _join(ngettext("%(num)d plot", "%(num)d plots", len(e.plots)),
                            ngettext("%(num)d polygon", "%(num)d polygons", polygons),
                            ngettext("%(num)d point", "%(num)d points", len(e.plots) - polygons),
                            f"{number(e.total_area_ha)} ha"))
    w.row(_("Production period"), _dates(e.production_start, e.production_end))
    if links.plots_geojson:
        # The full list of plots is the GeoJSON and the web page; paper gives the totals.
        w.row(_("Geolocation"), _("GeoJSON for TRACES (buyers with an account)"),
              link=links.plots_geojson)
    w.row(_("No-deforestation evidence"),
          _("Land-use analysis against the 31 Dec 2020 cut-off") if e.has_no_deforestation_evidence
          else _("Missing"),
          link=links.no_deforestation_file or (lot.no_deforestation_evidence_url
                                               if is_web_link(lot.no_deforestation_evidence_url)
                                               else None))
    w.facts([(_("Legality evidence"),
              _("Land title and permits") if e.has_legality_evidence else _("Missing"),
              links.legality_file),
             (_("DDS reference"), _join(e.dds_reference, lot.dds_verification))])
    w.note(_("Peru is a standard-risk country: the EU operator files full due diligence; the "
             "producer provides geolocation and evidence."))


def _terms_section(w: SheetWriter, sheet: LotSheet, locale: str, show_soles: bool) -> None:
    t, lot = sheet.terms, sheet.lot
    w.heading(_("Commercial terms"), keep_with=5 * w.line)
    price = price_text(t.price, t.references, show_soles=show_soles)
    valid = moq = ""
    if t.price_valid_until:
        valid = format_date(t.price_valid_until) + (f" · {_('Expired')}" if t.price_expired
                                                    else "")
    if t.moq_kg is not None:
        moq = f"{number(t.moq_kg, 0)} kg"
        if t.moq_bags:
            moq += " · " + ngettext("%(num)d bag", "%(num)d bags", t.moq_bags)
    w.facts([(_("Incoterm"), _join(label("incoterm", t.incoterm), t.incoterm_place)),
             (_("Price basis"), price.basis)])
    w.row(_("Price"), "\n".join(price.lines))
    w.facts([(_("Price valid until"), valid), (_("Minimum order"), moq)])
    if t.sample_available:
        sample = [_("Available")]
        if t.sample_size_g:
            sample.append(f"{t.sample_size_g} g")
        if t.sample_cost_usd is not None:
            sample.append(_("free") if not t.sample_cost_usd
                          else f"USD {number(t.sample_cost_usd, 2)}")
        if t.sample_lead_time_days:
            sample.append(ngettext("%(num)d day", "%(num)d days", t.sample_lead_time_days))
        samples = _join(*sample)
    else:
        samples = _("Not available")
    w.facts([(_("Samples"), samples), (_("Shipping window"), _typed(lot, "ship_window", locale, limit=120))])
    w.row(_("Payment terms"), _typed(lot, "payment_terms", locale, limit=255))
    w.row(_("Export documents"), ", ".join(label("export_docs", c) for c in lot.export_doc_codes))


def render_lot_sheet(sheet: LotSheet, links: SheetLinks, *, paper: str = "a4",
                     locale: str = "es", show_soles: bool = False) -> bytes:
    """The sheet as PDF bytes in `locale` on `paper` ("a4" or "letter").

    Raises:
        KeyError: for an unknown paper size.
    """
    paper_format = PAPER_SIZES[paper]
    with force_locale(locale):
        for density in DENSITIES:
            pdf = _render(sheet, links, paper_format, locale, show_soles, density)
            if pdf.pages_count <= MAX_PAGES:
                break
        return bytes(pdf.output())


def _render(sheet: LotSheet, links: SheetLinks, paper_format: str, locale: str,
            show_soles: bool, density: Density) -> printing_pdf.PrintDocument:
    """The sheet laid out at one density (the caller tries tighter ones past two pages)."""
    lot = sheet.lot
    pdf = printing_pdf.new_document(_("Product sheet %(code)s", code=lot.lot_code), locale,
                                    page_format=paper_format)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=False, margin=MARGIN + printing_pdf.FOOTER_HEIGHT_MM)
    pdf.add_page()
    _header(pdf, sheet, links, locale, sheet.today)
    writer = SheetWriter(pdf, density)
    _lot_section(writer, sheet, locale)
    _origin_section(writer, sheet, locale)
    _post_harvest_section(writer, sheet, locale)
    _quality_section(writer, sheet, links)
    _sensory_section(writer, sheet, locale)
    _certificates_section(writer, sheet, links, CERT_STATE_LABELS)
    _eudr_section(writer, sheet, links)
    _terms_section(writer, sheet, locale, show_soles)
    return pdf
