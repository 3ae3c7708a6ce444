"""PDF helpers: read back with pypdf; the vector QR is rasterised from the page and decoded."""

import gc
import io
import warnings

import pytest
import zxingcpp
from fpdf.fonts import SubsetMap
from PIL import Image, ImageDraw
from pypdf import PdfReader
from pypdf.generic import ContentStream

from matchmaker.printing.pdf import (
    AVERY_L7160,
    FONT_DIR,
    add_qr,
    key_value_table,
    label_grid,
    new_document,
    new_label_document,
)

A4_WIDTH_MM, A4_HEIGHT_MM = 210, 297
PIXELS_PER_POINT = 4


def read(pdf) -> PdfReader:
    return PdfReader(io.BytesIO(bytes(pdf.output())))


def page_text(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def rasterise_filled_rectangles(reader: PdfReader, page_number: int = 0) -> Image.Image:
    """Paint every filled "re" rectangle of a page, since no PDF renderer ships with pip alone."""
    page = reader.pages[page_number]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    image = Image.new("L", (round(width * PIXELS_PER_POINT), round(height * PIXELS_PER_POINT)), 255)
    draw = ImageDraw.Draw(image)
    operations = ContentStream(page.get_contents(), reader).operations
    # The QR must be drawn without transforms, or the coordinates below would be wrong.
    assert all(operator != b"cm" for _, operator in operations)
    pending = []
    for operands, operator in operations:
        if operator == b"re":
            pending.append([float(value) for value in operands])
        elif operator == b"f":
            for x, y, w, h in pending:
                left, right = sorted((x, x + w))
                bottom, top = sorted((y, y + h))
                draw.rectangle(
                    (
                        round(left * PIXELS_PER_POINT),
                        round((height - top) * PIXELS_PER_POINT),
                        round(right * PIXELS_PER_POINT) - 1,
                        round((height - bottom) * PIXELS_PER_POINT) - 1,
                    ),
                    fill=0,
                )
            pending = []
        elif operator in (b"S", b"n", b"B"):
            pending = []
    return image


def test_document_embeds_the_vendored_font_and_renders_accents():
    pdf = new_document("Ficha de lote — Cacao Chuncho", "es")
    pdf.add_page()
    pdf.set_font(style="B", size=16)
    pdf.cell(text="Cacao fino de aroma de Ñuñu")
    pdf.ln()
    pdf.set_font(style="", size=10)
    pdf.multi_cell(0, text="Fermentación en cajones, humedad ≤ 7 %, año 2025, región Amazonía.")
    reader = read(pdf)
    [text] = page_text(reader)
    assert "Cacao fino de aroma de Ñuñu" in text
    assert "Fermentación en cajones, humedad ≤ 7 %" in text
    assert "región Amazonía" in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    base_fonts = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert any(name.endswith("+DejaVuSansBook") for name in base_fonts)
    assert any(name.endswith("+DejaVuSansBold") for name in base_fonts)


def test_document_metadata_language_and_a4_portrait():
    pdf = new_document("Agenda de reuniones", "es-PE")
    pdf.add_page()
    reader = read(pdf)
    assert reader.metadata.title == "Agenda de reuniones"
    assert reader.trailer["/Root"]["/Lang"] == "es-PE"
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (
        A4_WIDTH_MM,
        A4_HEIGHT_MM,
    )


def test_footer_numbers_pages_out_of_the_total():
    pdf = new_document("Agenda", "es")
    for _ in range(3):
        pdf.add_page()
    texts = page_text(read(pdf))
    assert len(texts) == 3
    assert [text.strip().splitlines()[-1] for text in texts] == ["1 / 3", "2 / 3", "3 / 3"]


def test_footer_can_be_turned_off():
    pdf = new_document("Credencial", "es", page_format=(100, 140), page_numbers=False)
    pdf.add_page()
    pdf.cell(text="María Quispe")
    reader = read(pdf)
    [text] = page_text(reader)
    assert "1 / 1" not in text
    assert "María Quispe" in text
    assert round(float(reader.pages[0].mediabox.width) / 72 * 25.4) == 100


def test_vendored_fonts_travel_with_their_licence():
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE"):
        assert (FONT_DIR / name).is_file()
    assert "Bitstream" in (FONT_DIR / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.parametrize("size_mm", [25, 40])
def test_vector_qr_drawn_in_the_pdf_decodes_to_the_url(size_mm):
    url = "https://feria.example.pe/l/Ab3_-xYz9Qk"
    pdf = new_document("Credenciales", "es")
    pdf.add_page()
    add_qr(pdf, url, x=30, y=50, size_mm=size_mm)
    results = zxingcpp.read_barcodes(rasterise_filled_rectangles(read(pdf)))
    assert [result.text for result in results] == [url]
    assert results[0].ec_level == "Q"


def test_qr_leaves_the_fill_colour_as_it_was():
    pdf = new_document("Credenciales", "es")
    pdf.add_page()
    pdf.set_fill_color(200, 30, 30)
    add_qr(pdf, "https://x.pe/l/a", x=10, y=10, size_mm=30)
    assert pdf.fill_color.colors255 == (200, 30, 30)


@pytest.mark.parametrize(("count", "sheets"), [(1, 1), (21, 1), (22, 2), (50, 3)])
def test_label_grid_starts_a_sheet_every_21_labels(count, sheets):
    cells = list(label_grid(count))
    assert len(cells) == count
    assert [cell.index for cell in cells] == list(range(count))
    assert len({cell.sheet_index for cell in cells}) == sheets
    assert [cell.index for cell in cells if cell.starts_sheet] == list(range(0, count, 21))


def test_label_grid_cells_fit_on_a4_and_do_not_overlap():
    cells = list(label_grid(AVERY_L7160.per_sheet))
    assert AVERY_L7160.per_sheet == 21
    for cell in cells:
        assert (cell.width, cell.height) == (63.5, 38.1)
        assert cell.x >= 0 and cell.x + cell.width <= A4_WIDTH_MM
        assert cell.y >= 0 and cell.y + cell.height <= A4_HEIGHT_MM
    for first in cells:
        for second in cells:
            if first.index < second.index:
                apart = (
                    first.x + first.width <= second.x + 1e-9
                    or second.x + second.width <= first.x + 1e-9
                    or first.y + first.height <= second.y + 1e-9
                    or second.y + second.height <= first.y + 1e-9
                )
                assert apart, (first, second)


def test_labels_render_one_page_per_sheet():
    pdf = new_label_document("Etiquetas de muestras", "es")
    for cell in label_grid(50):
        if cell.starts_sheet:
            pdf.add_page()
        pdf.set_xy(cell.x + 3, cell.y + 3)
        pdf.cell(text=f"Lote {cell.index + 1:03d} · Señor Añazco")
    texts = page_text(read(pdf))
    assert len(texts) == 3
    assert "Lote 001 · Señor Añazco" in texts[0]
    assert "Lote 022" in texts[1]
    assert "Lote 050" in texts[2]
    assert "Lote 043" in texts[2]
    assert "1 / 3" not in texts[0]


def test_key_value_table_prints_pairs_and_wraps_long_values():
    pdf = new_document("Ficha", "es")
    pdf.add_page()
    long_note = "Secado al sol sobre tarimas de madera durante seis días. " * 4
    key_value_table(
        pdf,
        [
            ("Productor", "Asociación Agraria Río Huallaga"),
            ("Humedad", "≤ 7 %"),
            ("Nota", long_note),
        ],
    )
    [text] = page_text(read(pdf))
    assert "Productor" in text
    assert "Asociación Agraria Río Huallaga" in text
    assert "≤ 7 %" in text
    # The long note wraps: its words appear, but not on a single line.
    assert text.count("Secado al sol") == 4
    assert long_note.strip() not in text


def test_key_value_table_breaks_onto_new_pages():
    pdf = new_document("Ficha", "es")
    pdf.add_page()
    key_value_table(pdf, [(f"Campo {number}", f"Valor {number}") for number in range(80)])
    texts = page_text(read(pdf))
    assert len(texts) > 1
    assert "Valor 79" in texts[-1]
    assert texts[-1].strip().endswith(f"{len(texts)} / {len(texts)}")


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.2])
def test_key_value_table_rejects_impossible_key_width(fraction):
    pdf = new_document("Ficha", "es")
    pdf.add_page()
    with pytest.raises(ValueError, match="key_width_fraction"):
        key_value_table(pdf, [("a", "b")], key_width_fraction=fraction)


def test_documents_never_output_release_their_font_files():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf = new_document("Borrador", "es")
        pdf.add_page()
        pdf.cell(text="Sin terminar")
        del pdf
        # fpdf2's method caches keep fonts alive past their document; dropping them
        # here is what some later output() would do at a random point of the suite.
        SubsetMap.pick.cache_clear()
        SubsetMap.get_glyph.cache_clear()
        gc.collect()
    assert [warning for warning in caught if issubclass(warning.category, ResourceWarning)] == []
