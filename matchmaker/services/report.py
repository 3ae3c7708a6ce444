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
from fpdf import FontFace
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from matchmaker.extensions import db
from matchmaker.forms.choices import country_name
from matchmaker.models import BuyerProfile, Event, Lead, Meeting, Organisation
from matchmaker.models.meetings import MeetingStatus
from matchmaker.printing.pdf import FONT_FAMILY, key_value_table, new_document
from matchmaker.printing.tabular import neutralise
from matchmaker.services.dashboard import ChartTable, Figures, chart_tables, event_figures, headline

HEADING = FontFace(emphasis="BOLD", fill_color=(235, 228, 220))
BAR_RGB = (31, 95, 139)


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
    """An A4 PDF: title, headline figures, then each table with bars beside the numbers."""
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
    pdf.set_font(FONT_FAMILY, "", 9)
    with_bars = table.kind in ("bar", "donut") and len(table.header) == 2
    top = max((row[1] for row in table.rows), default=0) or 1 if with_bars else 1
    columns = len(table.header) + (1 if with_bars else 0)
    widths = (3, 1, 3) if with_bars else tuple([3] + [1] * (columns - 1))
    with pdf.table(col_widths=widths, headings_style=HEADING, line_height=5.5,
                   text_align="LEFT") as pdf_table:
        heading = pdf_table.row()
        for title in table.header:
            heading.cell(str(title))
        if with_bars:
            heading.cell("")
        for record in table.rows:
            row = pdf_table.row()
            for cell in record:
                row.cell(str(cell))
            if with_bars:
                row.cell(_bar_text(record[1], top))


def _bar_text(value: float, top: float) -> str:
    # A bar of block characters prints crisply at any size and needs no image.
    return "█" * round(20 * value / top) if value else ""


def report_xlsx(report: Report) -> bytes:
    """A workbook: the headline figures, then one sheet per table with its underlying numbers."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    sheets = [(_("Headline figures"), [_("Figure"), _("Count")],
               [[label, value] for label, value in report.headline])]
    sheets += [(table.title, table.header, table.rows) for table in report.tables]
    used: set[str] = set()
    for title, header, rows in sheets:
        name = _sheet_name(title, used)
        sheet = workbook.create_sheet(title=name)
        sheet.column_dimensions["A"].width = 36
        cells = []
        for text in header:
            cell = WriteOnlyCell(sheet, value=neutralise(str(text)))
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for record in rows:
            sheet.append([neutralise(value) for value in record])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    base = re.sub(r"[\\/*?:\[\]]", " ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:26]} {n}"
        n += 1
    used.add(name.lower())
    return name
