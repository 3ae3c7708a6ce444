"""A lean XLSX writer for one-sheet exports: each row goes into the zip as XML as it comes.

XlsxWriter spent ~80 % of a 100,000-lead export in its per-cell code (checks, a method call
and an XML escape per cell, ~2 million cells). An export needs little of a spreadsheet: text,
numbers, booleans and dates, a bold frozen header and column widths. This writes exactly
that, one string per row, straight into the deflated sheet part, so memory stays flat.

Cells are typed as XlsxWriter typed them: strings are inline text cells (never formulas),
numbers are numbers, dates and datetimes are real date cells (numbers with a date format).
Neutralising formula-like text is the caller's job (`tabular.xlsx_file`).
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_TEXT = 32_767  # Excel's limit for one cell; longer text is cut, as XlsxWriter did
ROWS_PER_WRITE = 500

# Styles (indexes into cellXfs below).
_BOLD, _DATETIME, _DATE = 1, 2, 3
_EPOCH = datetime(1899, 12, 30)  # serial 0 in the 1900 date system (right from March 1900)
_EPOCH_DAY = _EPOCH.date()

# Excel reads "_x0041_" in text as an escaped character; a literal one is escaped itself.
_ESCAPE_LIKE = re.compile(r"(_x[0-9A-Fa-f]{4}_)")

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = _HEAD + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '</Types>')
_ROOT_RELS = _HEAD + (
    f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
_WORKBOOK_RELS = _HEAD + (
    f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    '</Relationships>')
_FONT = '<sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/>'
_STYLES = _HEAD + (
    f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/>'
    '<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
    f'<fonts count="2"><font>{_FONT}</font><font><b/>{_FONT}</font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


@functools.cache
def column_letters() -> tuple[str, ...]:
    """"A", "B", … "XFD": the letters of every column Excel has."""
    letters = []
    for number in range(1, MAX_COLUMNS + 1):
        name = ""
        while number:
            number, remainder = divmod(number - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return tuple(letters)


def _escape(text: str) -> str:
    if "_x" in text:
        text = _ESCAPE_LIKE.sub(r"_x005F\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text_cell(ref: str, text: str, style: str = "") -> str:
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def _cell(ref: str, value: Any, clean: Callable[[str], str]) -> str:
    """One cell of a body row, text passed through clean; "" for no cell."""
    kind = type(value)
    if kind is str:
        return _text_cell(ref, clean(value)) if value else ""
    if kind is int:
        return f'<c r="{ref}"><v>{value}</v></c>'
    if kind is float or kind is Decimal:
        return f'<c r="{ref}"><v>{_number(value)}</v></c>'
    if kind is datetime:
        return f'<c r="{ref}" s="{_DATETIME}"><v>{_serial(value)}</v></c>'
    if kind is date:
        return f'<c r="{ref}" s="{_DATE}"><v>{(value - _EPOCH_DAY).days}</v></c>'
    if value is None:
        return ""
    # Subclasses (a str subclass, an IntEnum, a bool …) take the slower, general path.
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, str):
        return _text_cell(ref, clean(value)) if value else ""
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"><v>{_number(value)}</v></c>'
    if isinstance(value, datetime):
        return f'<c r="{ref}" s="{_DATETIME}"><v>{_serial(value)}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{_DATE}"><v>{(value - _EPOCH_DAY).days}</v></c>'
    raise TypeError(f"cannot write a {type(value).__name__} to a spreadsheet cell")


def _number(value: int | float | Decimal) -> str:
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise TypeError("a spreadsheet cell cannot hold NaN or infinity")
    return repr(number)


def _serial(moment: datetime) -> str:
    if moment.tzinfo is not None:
        raise TypeError("Excel has no time zones: convert timezone-aware datetimes to "
                        "naive local times first")
    delta = moment - _EPOCH
    return repr(delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400)


def write_sheet(output: IO[bytes], sheet_title: str, header: Sequence[str],
                rows: Iterable[Sequence[Any]], widths: Sequence[float],
                clean: Callable[[str], str]) -> None:
    """Write a one-sheet workbook to output: a bold, frozen header row, then rows.

    sheet_title must already be valid (≤ 31 characters, none of \\/*?:[]); every text, of
    the header too, goes through clean, which must return it safe for a spreadsheet
    (formula-like text neutralised, no XML-illegal characters). Rows past Excel's
    1,048,576 are not written.

    Raises:
        TypeError: for a timezone-aware datetime, NaN or an unsupported value type.
    """
    letters = column_letters()
    title = _escape(sheet_title).replace('"', "&quot;")
    cols = "".join(f'<col min="{index}" max="{index}" width="{_stored_width(width)}" '
                   'customWidth="1"/>' for index, width in enumerate(widths, start=1))
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", _HEAD + (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
            f'<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write((_HEAD + (
                f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews>'
                '<sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1" '
                'topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
                '</sheetViews><sheetFormatPr defaultRowHeight="15"/>'
                + (f"<cols>{cols}</cols>" if cols else "") + '<sheetData><row r="1">'
                + "".join(_text_cell(f"{letter}1", clean(str(title_text)), f' s="{_BOLD}"')
                          for letter, title_text in zip(letters, header, strict=False)
                          if title_text)
                + "</row>")).encode())
            chunk: list[str] = []
            for number, record in enumerate(rows, start=2):
                if number > MAX_ROWS:
                    break
                suffix = str(number)
                chunk.append(f'<row r="{suffix}">' + "".join(
                    [_cell(letter + suffix, value, clean)
                     for letter, value in zip(letters, record, strict=False)]) + "</row>")
                if len(chunk) == ROWS_PER_WRITE:
                    part.write("".join(chunk).encode())
                    chunk.clear()
            chunk.append("</sheetData></worksheet>")
            part.write("".join(chunk).encode())


def _stored_width(characters: float) -> str:
    # Excel stores a column's width with the cell padding of its default font (Calibri 11:
    # 5 pixels on 7-pixel digits), as XlsxWriter's set_column did.
    return f"{int((characters * 7 + 5) / 7 * 256) / 256:g}"
