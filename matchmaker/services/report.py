"""The post-fair report, per event or per association: a print-ready PDF and an XLSX workbook.

Both are drawn from the dashboard's tables (services.dashboard.chart_tables) so the report says
exactly what the dashboard showed. Call inside `force_locale(lang)` for the language wanted.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matchmaker.charts import PALETTE
from matchmaker.extensions import db
from matchmaker.labels import country_name
from matchmaker.models import BuyerProfile, Event, Lead, Meeting, Organisation
from matchmaker.models.meetings import MeetingStatus
from matchmaker.printing.pdf import FONT_FAMILY, heading_style, key_value_table, new_document
from matchmaker.printing.tabular import xlsx_value
from matchmaker.services.dashboard import ChartTable, Figures, chart_tables, event_figures, headline

# Tables drawn as bars in the PDF; the others (lead summary) stay tables.
CHART_KINDS = ("bar", "donut", "line", "stacked")


@dataclass
class Report:
    """Everything the report shows, already translated."""

    event: Event
    organisation: Organisation | None
    figures: Figures
    headline: list[tuple[str, int]]
    tables: list[ChartTable]

    @property
    def title(self) -> str:
        if self.organisation is not None:
            return _("Post-fair report: %(organisation)s at %(event)s",
                     organisation=self.organisation.name, event=self.event.name)
        return _("Post-fair report: %(event)s", event=self.event.name)


def build_report(event: Event, organisation: Organisation | None = None) -> Report:
    """Collect the report's figures and tables (a fixed number of queries)."""
    figures = event_figures(event, organisation)
    tables = list(chart_tables(figures).values())
    tables.append(_buyers_met(event, organisation))
    tables.append(_lead_summary(event, organisation))
    return Report(event, organisation, figures, headline(figures), tables)


def _buyers_met(event: Event, organisation: Organisation | None) -> ChartTable:
    query = (db.select(BuyerProfile.country, db.func.count(db.func.distinct(Meeting.buyer_id)))
             .join(BuyerProfile, BuyerProfile.user_id == Meeting.buyer_id)
             .where(Meeting.event_id == event.id, Meeting.status == MeetingStatus.HELD)
             .group_by(BuyerProfile.country)
             .order_by(db.func.count(db.func.distinct(Meeting.buyer_id)).desc(), BuyerProfile.country))
    if organisation is not None:
        query = query.where(Meeting.organisation_id == organisation.id)
    return ChartTable("buyers_met", "bar", _("Buyers met by country"),
                      _("Buyers with at least one meeting held, by country."),
                      [_("Country"), _("Buyers")],
                      [[country_name(code), n] for code, n in db.session.execute(query)])


def _lead_summary(event: Event, organisation: Organisation | None) -> ChartTable:
    hot, warm, cold = (db.func.sum(db.case((Lead.rating == r, 1), else_=0)) for r in ("hot", "warm", "cold"))
    query = (db.select(Organisation.name, db.func.count(Lead.id), hot, warm, cold,
                       db.func.sum(db.case((Lead.follow_up_due.is_not(None), 1), else_=0)))
             .join(Organisation, Organisation.id == Lead.organisation_id)
             .where(Lead.event_id == event.id)
             .group_by(Organisation.name).order_by(db.func.count(Lead.id).desc(), Organisation.name))
    if organisation is not None:
        query = query.where(Lead.organisation_id == organisation.id)
    rows = [[name, total, h or 0, w or 0, c or 0, f or 0]
            for name, total, h, w, c, f in db.session.execute(query)]
    return ChartTable("lead_summary", "table", _("Lead list summary"),
                      _("Leads per organisation, by rating, with follow-ups planned."),
                      [_("Organisation"), _("Leads"), _("Hot"), _("Warm"), _("Cold"),
                       _("Follow-ups planned")], rows)


def _locale() -> str:
    return str(get_locale() or "es")


def report_pdf(report: Report) -> bytes:
    """An A4 PDF: title, headline figures, then each chart as vector bars with its numbers."""
    pdf = new_document(report.title, _locale())
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, "B", 17)
    pdf.multi_cell(0, 8, report.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, "", 10)
    event = report.event
    pdf.multi_cell(0, 5, f"{event.city} · {format_date(event.starts_on)} – {format_date(event.ends_on)}",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT_FAMILY, "B", 13)
    pdf.cell(0, 7, _("Headline figures"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, "", 10)
    key_value_table(pdf, [(label, str(value)) for label, value in report.headline])
    for table in report.tables:
        _pdf_table(pdf, table)
    return bytes(pdf.output())


def _pdf_table(pdf, table: ChartTable) -> None:
    if pdf.will_page_break(40):
        pdf.add_page()
    pdf.ln(5)
    pdf.set_font(FONT_FAMILY, "B", 13)
    pdf.multi_cell(0, 7, table.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, "", 9)
    pdf.multi_cell(0, 4.5, table.description, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    if not table.rows:
        pdf.multi_cell(0, 5, _("No data yet."), new_x="LMARGIN", new_y="NEXT")
        return
    if table.kind in CHART_KINDS:
        # The same series the SVG charts draw (services.dashboard.render_chart).
        categories = [str(row[0]) for row in table.rows]
        series = [(str(name), [row[i + 1] for row in table.rows])
                  for i, name in enumerate(table.header[1:])]
        _pdf_bars(pdf, str(table.header[0]), categories, series)
        return
    pdf.set_font(FONT_FAMILY, "", 9)
    widths = tuple([3] + [1] * (len(table.header) - 1))
    with pdf.table(col_widths=widths, headings_style=heading_style(), line_height=5.5,
                   text_align="LEFT") as pdf_table:
        heading = pdf_table.row()
        for title in table.header:
            heading.cell(str(title))
        for record in table.rows:
            row = pdf_table.row()
            for cell in record:
                row.cell(str(cell))


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _fit(pdf, text: str, width: float) -> str:
    """The text, cut with an ellipsis so that it fits the width at the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _pdf_bars(pdf, axis: str, categories: list[str],
              series: list[tuple[str, list[float]]]) -> None:
    """Horizontal bars drawn as filled vector rectangles, one row per category, one colour per
    series (stacked), the number printed after each bar; a legend when there are several series.

    Vector shapes print crisply at any size and stay a few bytes each, unlike images.
    """
    row_height, label_width, gap = 6.0, 58.0, 2.0
    many = len(series) > 1
    number_width = 34.0 if many else 16.0
    left = pdf.l_margin
    span = pdf.epw - label_width - number_width - 2 * gap
    totals = [sum(values[i] for _name, values in series) for i in range(len(categories))]
    top = max(totals) or 1
    pdf.set_font(FONT_FAMILY, "", 8)
    pdf.set_text_color(77, 77, 77)
    names = " / ".join(name for name, _values in series)
    pdf.cell(0, 4.5, f"{axis} — {names}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(26, 26, 26)
    pdf.set_font(FONT_FAMILY, "", 9)
    for index, category in enumerate(categories):
        if pdf.will_page_break(row_height):
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_xy(left, y)
        pdf.cell(label_width, row_height, _fit(pdf, category, label_width - 1), align="R")
        x = left + label_width + gap
        for colour_index, (_name, values) in enumerate(series):
            value = values[index]
            if not value:
                continue
            length = span * value / top
            pdf.set_fill_color(*_rgb(PALETTE[colour_index % len(PALETTE)]))
            pdf.rect(x, y + 1, length, row_height - 2, style="F")
            x += length
        text = _number(totals[index])
        if many:
            text += " (" + " + ".join(_number(values[index]) for _n, values in series) + ")"
        pdf.set_xy(x + gap, y)
        pdf.cell(number_width, row_height, text)
        pdf.set_xy(left, y + row_height)
    if many:
        _pdf_legend(pdf, [name for name, _values in series])


def _pdf_legend(pdf, names: list[str]) -> None:
    pdf.ln(1)
    x, y = pdf.l_margin, pdf.get_y()
    for colour_index, name in enumerate(names):
        pdf.set_fill_color(*_rgb(PALETTE[colour_index % len(PALETTE)]))
        pdf.rect(x, y + 1.2, 3, 3, style="F")
        pdf.set_xy(x + 4.5, y)
        width = pdf.get_string_width(name) + 8
        pdf.cell(width, 5.5, name)
        x += 4.5 + width
    pdf.set_xy(pdf.l_margin, y + 5.5)


# Spreadsheet tabs hold 31 characters: the tables' titles cut there end mid-word in
# Spanish, so each table has a short tab name of its own (at most 28 characters in both
# languages, leaving room for a number).
SHEET_NAMES = {
    "meetings": _l("Meetings"), "scans_over_time": _l("Scans by day"),
    "scans_by_lot": _l("Scans per lot"), "scans_by_booth": _l("Scans per booth"),
    "leads_by_source": _l("Leads by source"), "leads_by_rating": _l("Leads by rating"),
    "buyer_countries": _l("Buyer countries"), "buyer_types": _l("Buyer types"),
    "deal_values": _l("Deal values"), "deal_volumes": _l("Volumes discussed"),
    "lot_interest": _l("Lot interest"), "buyers_met": _l("Buyers met"),
    "lead_summary": _l("Lead summary"),
}


def report_xlsx(report: Report) -> bytes:
    """A workbook: the headline figures, then one sheet per table with its underlying numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    sheets = [(_("Headline figures"), [_("Figure"), _("Count")],
               [[label, value] for label, value in report.headline])]
    sheets += [(str(SHEET_NAMES.get(table.key, table.title)), table.header, table.rows)
               for table in report.tables]
    used: set[str] = set()
    for title, header, rows in sheets:
        name = _sheet_name(title, used)
        sheet = workbook.create_sheet(title=name)
        sheet.column_dimensions["A"].width = 36
        cells = []
        for text in header:
            cell = WriteOnlyCell(sheet, value=xlsx_value(str(text)))
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for record in rows:
            # Names typed with control characters would make openpyxl refuse the whole file.
            sheet.append([xlsx_value(value) for value in record])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    base = re.sub(r"[\\/*?:\[\]]", " ", title).strip()
    if len(base) > 28:  # a name without a short form: cut at a word, never inside one
        base = base[:29].rsplit(" ", 1)[0] if " " in base[:29] else base[:28]
    base = base or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:26]} {n}"
        n += 1
    used.add(name.lower())
    return name
