"""QR helpers: generated codes decode with a real scanner library (zxing-cpp)."""

import base64
import io
import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from matchmaker.printing.qr import QUIET_ZONE_MODULES, new_token, qr_matrix, qr_png, qr_svg

SVG_NS = "{http://www.w3.org/2000/svg}"
RUN = re.compile(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z")

LEAD_URLS = [
    "https://feria.example.pe/l/" + "Ab3_-xYz9Qk",
    "https://feria.example.pe/leads/scan?token=Zz9-_0aB1cD&lang=es",
    "HTTPS://X.PE/L/ABC",
]


def decode_single(image: Image.Image) -> zxingcpp.Barcode:
    """Decode exactly one QR code from image, failing the test otherwise."""
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(results) == 1
    return results[0]


def parse_svg(svg: str) -> ET.Element:
    """Parse SVG that this project generated itself, so entity attacks are not a concern."""
    return ET.fromstring(svg)  # noqa: S314


def rasterise_svg(svg: str, pixels_per_module: int = 8) -> Image.Image:
    """Draw the SVG's path runs with Pillow, since no SVG renderer ships with pip alone."""
    root = parse_svg(svg)
    size = int(root.attrib["viewBox"].split()[2])
    image = Image.new("L", (size * pixels_per_module, size * pixels_per_module), 255)
    draw = ImageDraw.Draw(image)
    path = root.find(f"{SVG_NS}path").attrib["d"]
    runs = RUN.findall(path)
    # Every command in the path must be a run we understand, or this raster would lie.
    assert "".join(f"M{x} {y}h{n}v1h-{m}z" for x, y, n, m in runs) == path
    for x, y, length, _ in runs:
        left, top = int(x) * pixels_per_module, int(y) * pixels_per_module
        right = left + int(length) * pixels_per_module - 1
        draw.rectangle((left, top, right, top + pixels_per_module - 1), fill=0)
    return image


@pytest.mark.parametrize("url", LEAD_URLS)
def test_png_decodes_to_the_same_url(url):
    barcode = decode_single(Image.open(io.BytesIO(qr_png(url))))
    assert barcode.text == url
    assert barcode.ec_level == "Q"


@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
def test_png_uses_the_requested_error_correction_level(level):
    barcode = decode_single(Image.open(io.BytesIO(qr_png(LEAD_URLS[0], level=level))))
    assert barcode.ec_level == level


@pytest.mark.parametrize("box_size", [1, 4, 10])
def test_png_has_box_size_pixels_per_module_including_the_quiet_zone(box_size):
    modules = len(qr_matrix(LEAD_URLS[0]))
    image = Image.open(io.BytesIO(qr_png(LEAD_URLS[0], box_size=box_size)))
    assert image.format == "PNG"
    assert image.size == (modules * box_size, modules * box_size)


@pytest.mark.parametrize("url", LEAD_URLS)
def test_svg_rasterised_decodes_to_the_same_url(url):
    barcode = decode_single(rasterise_svg(qr_svg(url)))
    assert barcode.text == url
    assert barcode.ec_level == "Q"


def test_svg_is_accessible_and_sized_by_css():
    root = parse_svg(qr_svg(LEAD_URLS[0], label="Código QR del lote"))
    assert root.tag == f"{SVG_NS}svg"
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == "Código QR del lote"
    assert "width" not in root.attrib
    assert "height" not in root.attrib
    assert len(root.findall(f"{SVG_NS}path")) == 1


def test_svg_label_defaults_to_url_and_is_escaped():
    url = 'https://x.pe/l/a?b=1&c="2"<3>'
    root = parse_svg(qr_svg(url))
    assert root.attrib["aria-label"] == url


def test_svg_keeps_a_four_module_quiet_zone():
    svg = qr_svg(LEAD_URLS[0])
    size = int(parse_svg(svg).attrib["viewBox"].split()[2])
    runs = [(int(x), int(y), int(n)) for x, y, n, _ in RUN.findall(svg)]
    assert runs
    assert min(x for x, _, _ in runs) == QUIET_ZONE_MODULES
    assert min(y for _, y, _ in runs) == QUIET_ZONE_MODULES
    assert max(x + n for x, _, n in runs) == size - QUIET_ZONE_MODULES
    assert max(y for _, y, _ in runs) == size - QUIET_ZONE_MODULES - 1


def test_svg_is_compact_for_a_lead_url():
    # One path of merged runs: a typical lead URL stays well under what an inline
    # per-module <rect> rendering would weigh (~20 kB).
    assert len(qr_svg("https://feria.example.pe/l/" + new_token())) < 6000


@pytest.mark.parametrize("bad_level", ["X", "q", ""])
def test_unknown_level_is_rejected(bad_level):
    with pytest.raises(ValueError, match="error correction level"):
        qr_svg(LEAD_URLS[0], level=bad_level)
    with pytest.raises(ValueError, match="error correction level"):
        qr_png(LEAD_URLS[0], level=bad_level)


def test_png_rejects_box_size_below_one():
    with pytest.raises(ValueError, match="box_size"):
        qr_png(LEAD_URLS[0], box_size=0)


def test_token_is_short_url_safe_and_carries_64_bits():
    token = new_token()
    assert re.fullmatch(r"[A-Za-z0-9_-]{11}", token)
    assert len(base64.urlsafe_b64decode(token + "=")) == 8


def test_tokens_do_not_repeat():
    tokens = {new_token() for _ in range(10_000)}
    assert len(tokens) == 10_000


def test_token_url_fits_a_small_qr_version():
    # Version 4 at level Q is 33 modules plus the quiet zone; bigger codes print too
    # fine to scan reliably at badge size.
    url = "https://feria.example.pe/l/" + new_token()
    assert len(qr_matrix(url)) <= 33 + 2 * QUIET_ZONE_MODULES


@pytest.mark.parametrize("url", [*LEAD_URLS, "https://fair.test/q/" + "k" * 11,
                                 "https://fair.test/lots/" + "PE-MDD-25-0001/" * 8])
def test_masks_scored_together_score_as_qrcode_and_pick_its_matrix(url):
    """The eight masks, scored in one stack, get qrcode's own penalty (util.lost_point) each;
    the chosen one is the lowest, and its matrix is qrcode's with that mask."""
    import numpy as np
    import qrcode
    from qrcode.util import lost_point

    from matchmaker.printing.qr import _best_mask, penalties

    symbols = []
    for mask in range(8):
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=0,
                             mask_pattern=mask)
        code.add_data(url)
        code.make(fit=True)
        symbols.append(code.modules)
    expected = [lost_point(modules) for modules in symbols]
    assert penalties(np.array(symbols, dtype=bool)).tolist() == expected
    _best_mask.cache_clear()
    chosen, modules = _best_mask(url, "Q")
    assert chosen == expected.index(min(expected))
    assert np.array_equal(modules, np.pad(np.array(symbols[chosen], dtype=bool),
                                          QUIET_ZONE_MODULES))
