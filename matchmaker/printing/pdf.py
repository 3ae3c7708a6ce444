"""PDF building blocks on fpdf2: a Unicode A4 document, vector QR codes, label sheets, tables.

fpdf2 (with fontTools, Pillow and numpy, ~40 MB) is imported when a document is made, not
with this module: the views import the services that print, and a web worker that never
prints should not carry it.
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

# FONT_DIR and FONT_FAMILY are re-exported: the PDF services import them from here.
from matchmaker.printing.layout import FONT_DIR, FONT_FAMILY, FOOTER_HEIGHT_MM, MARGIN_MM  # noqa: F401
from matchmaker.printing.qr import DEFAULT_LEVEL, ErrorLevel, dark_runs, qr_matrix

if TYPE_CHECKING:
    from fpdf import FPDF

    from matchmaker.printing.document import PrintDocument



def __getattr__(name: str):
    # `PrintDocument` (an fpdf2 subclass, for callers' type hints) is imported on first use.
    if name == "PrintDocument":
        from matchmaker.printing.document import PrintDocument

        return PrintDocument
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def new_document(
    title: str,
    lang: str,
    *,
    page_format: str | tuple[float, float] = "A4",
    page_numbers: bool = True,
) -> PrintDocument:
    """Return an empty portrait document (A4 by default) with 15 mm margins; add pages yourself."""
    from matchmaker.printing.document import PrintDocument

    pdf = PrintDocument(page_format=page_format, page_numbers=page_numbers)
    pdf.set_title(title)
    pdf.set_lang(lang)
    pdf.set_creator("matchmaker")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    bottom = MARGIN_MM + (FOOTER_HEIGHT_MM if page_numbers else 0)
    pdf.set_auto_page_break(auto=True, margin=bottom)
    return pdf


def add_qr(
    pdf: FPDF, url: str, x: float, y: float, size_mm: float, level: ErrorLevel = DEFAULT_LEVEL
) -> None:
    """Draw the QR code for url as filled vector rectangles in a size_mm square at (x, y).

    size_mm includes the four-module quiet zone, so keep that square free of other ink.

    Raises:
        ValueError: if level is not one of L, M, Q, H.
    """
    size, runs = _qr_runs(url, level)
    module = size_mm / size
    k, top = pdf.k, pdf.h
    # Vector modules stay sharp at any printer resolution and cost no image decoding. All
    # runs of dark modules go out as one filled path of rectangles, in page coordinates (the
    # same figure as one `rect` call per run, ~300 calls a code, which cost more than the
    # encoding); the runs are kept per URL with the code's matrix.
    path = " ".join(
        f"{(x + column * module) * k:.2f} {(top - y - row * module) * k:.2f} "
        f"{length * module * k:.2f} {-module * k:.2f} re"
        for column, row, length in zip(runs[0::3], runs[1::3], runs[2::3], strict=True))
    with pdf.local_context(fill_color=(0, 0, 0)):
        pdf._out(f"{path} f")


@functools.lru_cache(maxsize=2048)
def _qr_runs(url: str, level: ErrorLevel) -> tuple[int, array]:
    """The code's size in modules and its horizontal runs of dark modules, flat
    (column, row, length, …) in 16-bit integers: ~2 KB a code."""
    matrix = qr_matrix(url, level)
    return len(matrix), array("H", [value for run in dark_runs(matrix) for value in run])


@dataclass(frozen=True)
class LabelSheet:
    """Geometry of a sheet of sticky labels, in millimetres from the top-left corner of A4."""

    name: str
    columns: int
    rows: int
    label_width: float
    label_height: float
    left: float
    top: float
    column_pitch: float
    row_pitch: float

    @property
    def per_sheet(self) -> int:
        """Return how many labels fit on one sheet."""
        return self.columns * self.rows


# Avery L7160 / J8160 (21 labels, 3 × 7, 63.5 × 38.1 mm): the most widely stocked A4
# address label. Its 2.5 mm column gaps and 15 mm top margin survive the misfeed of an
# office printer, unlike edge-to-edge 3 × 8 sheets that most printers clip.
AVERY_L7160 = LabelSheet(
    name="Avery L7160",
    columns=3,
    rows=7,
    label_width=63.5,
    label_height=38.1,
    left=7.2,
    top=15.1,
    column_pitch=66.0,
    row_pitch=38.1,
)


@dataclass(frozen=True)
class LabelCell:
    """Position of one label: which sheet, which slot on it, and its box in millimetres."""

    index: int
    sheet_index: int
    slot: int
    x: float
    y: float
    width: float
    height: float

    @property
    def starts_sheet(self) -> bool:
        """Return True for the first label of a sheet, where the caller adds a page."""
        return self.slot == 0


def label_grid(count: int, sheet: LabelSheet = AVERY_L7160) -> Iterator[LabelCell]:
    """Yield count label positions, row by row, starting a new sheet every sheet.per_sheet labels."""
    for index in range(count):
        sheet_index, slot = divmod(index, sheet.per_sheet)
        row, column = divmod(slot, sheet.columns)
        yield LabelCell(
            index=index,
            sheet_index=sheet_index,
            slot=slot,
            x=sheet.left + column * sheet.column_pitch,
            y=sheet.top + row * sheet.row_pitch,
            width=sheet.label_width,
            height=sheet.label_height,
        )


def new_label_document(title: str, lang: str) -> PrintDocument:
    """Return an A4 document for label sheets: no footer, no margins, no automatic page break."""
    pdf = new_document(title, lang, page_numbers=False)
    # Labels are placed by absolute position; a margin or page break would shift them
    # off the die-cut stickers.
    pdf.set_margins(0, 0, 0)
    pdf.set_auto_page_break(auto=False)
    return pdf


def heading_style():
    """fpdf2's style for table headings: bold on a light cacao fill."""
    from fpdf import FontFace

    return FontFace(emphasis="BOLD", fill_color=(235, 228, 220))


def key_value_table(
    pdf: FPDF, pairs: Iterable[tuple[str, str]], *, key_width_fraction: float = 0.35
) -> None:
    """Print pairs as a two-column table at the current position: bold keys, wrapped values.

    Raises:
        ValueError: if key_width_fraction is not strictly between 0 and 1.
    """
    if not 0 < key_width_fraction < 1:
        raise ValueError("key_width_fraction must be between 0 and 1")
    from fpdf import FontFace

    key_style = FontFace(emphasis="BOLD")
    with pdf.table(
        col_widths=(key_width_fraction, 1 - key_width_fraction),
        first_row_as_headings=False,
        borders_layout="HORIZONTAL_LINES",
        text_align="LEFT",
        line_height=pdf.font_size * 1.6,
    ) as table:
        for key, value in pairs:
            row = table.row()
            row.cell(key, style=key_style)
            row.cell(value)
