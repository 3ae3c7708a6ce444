"""Printable PDFs: a personal agenda on one A4 page, a sheet per table, the master grid.

Paper still works when the venue Wi-Fi does not, so these are plain, high-contrast tables in
the event's time zone, worded in the reader's language (the caller sets the locale).
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from matchmaker.labels import meeting_status_label, table_title
from matchmaker.models import Event, Meeting, User
from matchmaker.printing.pdf import FONT_FAMILY, heading_style, new_document
from matchmaker.services.meetings import seats
from matchmaker.services.meetings.agenda import GridSession, TableSheet
from matchmaker.services.meetings.localtime import day_label, hhmm

# Grid pages show this many tables side by side; more tables continue on the next page.
GRID_COLUMNS = 8
STATUS_LABELS = {
    "requested": "…", "proposed": "…", "accepted": "✓", "held": "✓✓", "no_show": "✗",
}


def _locale() -> str:
    return str(get_locale() or "es")


def _buyer_name(meeting: Meeting) -> str:
    profile = meeting.buyer.buyer_profile
    return f"{meeting.buyer.name} ({profile.company})" if profile else meeting.buyer.name


def _lots(meeting: Meeting) -> str:
    codes = [lot.lot_code for lot in meeting.lots]
    if meeting.offer is not None:
        codes.insert(0, _("offer %(code)s", code=meeting.offer.offer_code))
    return ", ".join(codes)


def _status(meeting: Meeting) -> str:
    # The words of the agenda on screen, so paper and phone say the same thing.
    return meeting_status_label(meeting.status)


def _header(pdf, title: str, lines: list[str], size: float) -> None:
    pdf.set_font(FONT_FAMILY, "B", size + 5)
    pdf.multi_cell(0, (size + 5) * 0.5, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, "", size)
    for line in lines:
        pdf.multi_cell(0, size * 0.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _render_agenda(user: User, event: Event, meetings: list[Meeting], size: float
                   ) -> tuple[bytes, int]:
    locale = _locale()
    pdf = new_document(_("Agenda of %(name)s", name=user.name), locale)
    pdf.add_page()
    who = user.name
    if user.is_buyer and user.buyer_profile:
        who = f"{user.name} — {user.buyer_profile.company}"
    elif user.organisation:
        who = f"{user.name} — {user.organisation.name}"
    where = " · ".join(x for x in (event.city, event.venue) if x)
    _header(pdf, _("My meetings at %(event)s", event=event.name), [
        who, where, _("Times in %(zone)s", zone=event.timezone),
    ], size)
    pdf.set_font(FONT_FAMILY, "", size)
    if not meetings:
        pdf.multi_cell(0, size * 0.6, _("No meetings yet."))
        return bytes(pdf.output()), pdf.pages_count
    # A rep's organisation may hold two meetings at once: each row names the rep who sits there.
    covering = seats.seats_of_rep_view(user, event.id, meetings)
    with pdf.table(
        # The status column takes the longest label ("New time proposed") on two lines.
        col_widths=(24, 12, 44, 28, 26), headings_style=heading_style(), text_align="LEFT",
        line_height=size * 0.5, padding=1, first_row_as_headings=True,
    ) as table:
        row = table.row()
        for heading in (_("Time"), _("Table"), _("With"), _("Lots"), _("Status")):
            row.cell(heading)
        for meeting in meetings:
            row = table.row()
            slot = meeting.slot
            row.cell(f"{day_label(slot.starts_at, event, locale)}\n"
                     f"{hhmm(slot.starts_at, event, locale)}–{hhmm(slot.ends_at, event, locale)}")
            table_name = meeting.table.display_name if meeting.table else "—"
            if meeting.table and meeting.table.video_url:
                table_name += f"\n{meeting.table.video_url}"
            if covering.get(meeting.id) is not None:
                table_name += f"\n{covering[meeting.id].name}"
            row.cell(table_name)
            if user.is_buyer:
                row.cell(meeting.organisation.name)
            else:
                row.cell(_buyer_name(meeting))
            row.cell(_lots(meeting))
            row.cell(_status(meeting))
    return bytes(pdf.output()), pdf.pages_count


def agenda_pdf(user: User, event: Event, meetings: list[Meeting]) -> bytes:
    """The person's agenda on one A4 page: the type shrinks until every meeting fits."""
    document = b""
    for size in (10, 9, 8, 7, 6, 5.5, 5):
        document, pages = _render_agenda(user, event, meetings, size)
        if pages == 1:
            break
    return document


def table_sheets_pdf(event: Event, sheets: list[TableSheet]) -> bytes:
    """One page per table and session: the host ticks held or no-show on paper."""
    locale = _locale()
    pdf = new_document(_("Table sheets — %(event)s", event=event.name), locale)
    for sheet in sheets:
        pdf.add_page()
        session = sheet.session
        title = table_title(sheet.table)
        _header(pdf, title, [
            event.name,
            f"{day_label(session.day, event, locale)} · "
            f"{session.starts_local:%H:%M}–{session.ends_local:%H:%M} · {session.name}".rstrip(" ·"),
            _("Times in %(zone)s", zone=event.timezone),
        ], 10)
        pdf.set_font(FONT_FAMILY, "", 9)
        covering = seats.covering_reps(sheet.meetings)
        if not sheet.meetings:
            pdf.multi_cell(0, 5, _("No meetings at this table."))
            continue
        with pdf.table(
            col_widths=(16, 46, 46, 26, 12, 12), headings_style=heading_style(), text_align="LEFT",
            line_height=5, padding=1,
        ) as table:
            row = table.row()
            for heading in (_("Time"), _("Organisation"), _("Buyer"), _("Lots"), _("Held"),
                            _("No-show")):
                row.cell(heading)
            for meeting in sheet.meetings:
                row = table.row()
                row.cell(f"{hhmm(meeting.slot.starts_at, event, locale)}–"
                         f"{hhmm(meeting.slot.ends_at, event, locale)}")
                rep = covering.get(meeting.id)
                row.cell(meeting.organisation.name + (
                    "\n" + _("Rep: %(name)s", name=rep.name) if rep is not None else ""))
                row.cell(_buyer_name(meeting))
                row.cell(_lots(meeting))
                row.cell("☒" if meeting.status == "held" else "☐", align="C")
                row.cell("☒" if meeting.status == "no_show" else "☐", align="C")
    if not sheets:
        pdf.add_page()
        pdf.multi_cell(0, 5, _("No tables set up yet."))
    return bytes(pdf.output())


def master_grid_pdf(event: Event, grid: list[GridSession]) -> bytes:
    """Slots down, tables across, landscape; wide sessions continue on further pages."""
    locale = _locale()
    pdf = new_document(_("Master grid — %(event)s", event=event.name), locale)
    for part in grid:
        session = part.session
        for start in range(0, max(1, len(part.tables)), GRID_COLUMNS):
            tables = part.tables[start:start + GRID_COLUMNS]
            pdf.add_page(orientation="L")
            _header(pdf, _("Master grid — %(event)s", event=event.name), [
                f"{day_label(session.day, event, locale)} · "
                f"{session.starts_local:%H:%M}–{session.ends_local:%H:%M} {session.name}".strip(),
                _("Times in %(zone)s", zone=event.timezone),
            ], 9)
            pdf.set_font(FONT_FAMILY, "", 6.5)
            with pdf.table(
                col_widths=(12, *([30] * len(tables))), headings_style=heading_style(),
                text_align="LEFT", line_height=3.2, padding=0.8,
            ) as table:
                row = table.row()
                row.cell(_("Time"))
                for t in tables:
                    row.cell(table_title(t))
                for slot, cells in part.rows:
                    row = table.row()
                    row.cell(hhmm(slot.starts_at, event, locale))
                    for meeting in cells[start:start + GRID_COLUMNS]:
                        if meeting is None:
                            row.cell("")
                        else:
                            mark = STATUS_LABELS.get(meeting.status, "")
                            row.cell(f"{meeting.organisation.name}\n{_buyer_name(meeting)} {mark}")
    if not grid:
        pdf.add_page(orientation="L")
        pdf.multi_cell(0, 5, _("No sessions set up yet."))
    return bytes(pdf.output())
