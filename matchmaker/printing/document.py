"""The fpdf2 document every printable starts from (imported by `printing.pdf.new_document`)."""

from __future__ import annotations

import weakref
from typing import Any

from fpdf import FPDF

from matchmaker.printing.layout import FONT_DIR, FONT_FAMILY, FOOTER_HEIGHT_MM


class PrintDocument(FPDF):
    """An fpdf2 document with the vendored DejaVu Sans and an optional "page / pages" footer."""

    def __init__(self, *, page_format: str | tuple[float, float] = "A4", page_numbers: bool = True):
        super().__init__(orientation="portrait", unit="mm", format=page_format)
        self.page_numbers = page_numbers
        self.add_font(FONT_FAMILY, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT_FAMILY, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_font(FONT_FAMILY, size=10)
        # fpdf2 keeps each TTF file open (lazy fontTools loading) and closes only the fonts
        # a document used, and only on output(); closing the rest when the document is
        # collected avoids a ResourceWarning, which the test suite turns into an error.
        weakref.finalize(self, _close_font_files, self.fonts)

    def footer(self) -> None:
        """Print the page number as "3 / 12", which needs no translation."""
        if not self.page_numbers:
            return
        self.set_y(-FOOTER_HEIGHT_MM)
        self.set_font(FONT_FAMILY, size=8)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="C")


def _close_font_files(fonts: dict[str, Any]) -> None:
    for font in fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()
