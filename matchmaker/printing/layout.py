"""Page measures and the vendored font shared by the PDF helpers and the fpdf2 document."""

from __future__ import annotations

from pathlib import Path

# Vendored so that accents and "≤" render on a machine with only Python and pip;
# licence in fonts/LICENSE.
FONT_DIR = Path(__file__).with_name("fonts")
FONT_FAMILY = "DejaVuSans"
MARGIN_MM = 15
FOOTER_HEIGHT_MM = 12
