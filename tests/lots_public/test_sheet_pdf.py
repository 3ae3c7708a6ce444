"""The printed lot sheet: every section, in the reader's language, on A4 and US Letter,
with no text block over another, over the QR code or off the page (read back with pdfplumber)."""

from __future__ import annotations

import io
import itertools
from datetime import date
from decimal import Decimal

import pdfplumber
import pytest
from pypdf import PdfReader

from matchmaker.extensions import db
from tests.factories import make_event, make_organisation

EN = {"Accept-Language": "en"}
ES = {"Accept-Language": "es"}
PAPER_POINTS = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
MM = 72 / 25.4


def _overlap(a: dict, b: dict, slack: float = 0.4) -> bool:
    return (a["x0"] + slack < b["x1"] - slack and b["x0"] + slack < a["x1"] - slack
            and a["top"] + slack < b["bottom"] - slack and b["top"] + slack < a["bottom"] - slack)


def layout_problems(pdf_bytes: bytes) -> list[str]:
    """Words that overlap another word or a drawn rectangle (QR modules), or leave the page
    margins (10 mm: the sheet's margins are 12 mm)."""
    problems = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as document:
        for number, page in enumerate(document.pages, 1):
            words = page.extract_words(use_text_flow=True, keep_blank_chars=False)
            rects = [r for r in page.rects if r.get("fill")]
            margin = 10 * MM
            for word in words:
                if (word["x0"] < margin or word["x1"] > page.width - margin
                        or word["top"] < margin or word["bottom"] > page.height - margin / 2):
                    problems.append(f"p{number}: {word['text']!r} outside the margins")
                if any(_overlap(word, rect, slack=0) for rect in rects):
                    problems.append(f"p{number}: {word['text']!r} over a drawn rectangle")
            for a, b in itertools.combinations(words, 2):
                if _overlap(a, b):
                    problems.append(f"p{number}: {a['text']!r} overlaps {b['text']!r}")
    return problems


def _full_lot(lots, **overrides):
    """A lot with every section filled, long texts included, to stress wrapping."""
    organisation = make_organisation(
        name="Asociación de Productores Agroforestales y Conservacionistas de la Comunidad "
             "Nativa Infierno del Río Tambopata", ruc="20490000099")
    fields = dict(
        name_en="Native agroforestry cacao from the Ese Eja territory of Infierno, fermented in "
                "tornillo boxes – 2026 main-crop harvest, selected beans",
        name_es="Cacao nativo agroforestal del territorio Ese Eja de Infierno, fermentado en "
                "cajones de tornillo – cosecha principal 2026, granos seleccionados",
        warehouse_es="Almacén Agrobosque, Av. Circunvalación 123, Puerto Maldonado",
        altitude_min=190, altitude_max=230, turns=3, wood_species_es="Tornillo", pre_drying=True,
        fine_flavour_note_en="ICCO rates Peru 75 % fine or flavour; a country rating.",
        price_premium_kind="organic", price_premium_usd_mt=Decimal("300"),
        payment_terms_es="30 % adelanto, saldo contra documentos",
        ship_window_en="December 2026 – February 2027",
        export_docs="commercial_invoice,packing_list,certificate_of_origin,"
                    "phytosanitary_senasa,quality_certificate,organic_coi",
    )
    fields.update(overrides)
    lot = lots.make(organisation, **fields)
    lots.genetics(lot)
    lots.analysis(lot, ffa_pct=Decimal("0.9"), fermentation_index=Decimal("1.21"),
                  cadmium_mg_kg=Decimal("0.42"), sample_kg=Decimal("1.5"))
    lots.evaluation(lot, scores={code: "5" for code in (
        "cacao", "acidity", "bitterness", "astringency", "fresh_fruit", "browned_fruit",
        "vegetal", "floral", "woody", "spice", "nutty", "caramel_panela", "off_flavours")})
    lot.evaluations[0].awards_en = "Cocoa of Excellence 2025 – top 50 selection"
    lot.evaluations[0].roast_profile_es = "120 °C, 25 min"
    # Certificate numbers of a realistic, fixed length: the factory's counter-based ones grow
    # with the number of tests run before this one, and so did the table's height.
    for n, scheme in enumerate(("eu_organic", "usda_nop", "fairtrade", "rainforest_alliance")):
        lots.certificate(lot, scheme=scheme, certificate_no=f"CU-84921{n}",
                         verify_url="https://organic.ams.usda.gov/integrity/")
    for _ in range(6):
        lots.plot(lot)
    lot.legality_evidence_path = None
    lot.no_deforestation_evidence_url = "https://www.globalforestwatch.org/map/"
    db.session.commit()
    return lot


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("headers", [EN, ES], ids=["en", "es"])
def test_full_sheet_fits_two_pages_without_overlaps(client, lots, paper, headers):
    lot = _full_lot(lots)
    response = client.get(f"/lots/{lot.lot_code}/sheet.pdf?paper={paper}", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert 1 <= len(reader.pages) <= 2
    width, height = PAPER_POINTS[paper]
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - width) < 1 and abs(float(box.height) - height) < 1
    assert layout_problems(response.data) == []


@pytest.mark.parametrize(("headers", "headings"), [
    (EN, ["Lot and packing", "Origin and traceability", "Post-harvest",
          "Physical quality (ISO 2451, cut test ISO 1114)", "Flavour", "Certificates",
          "EU Deforestation Regulation (2023/1115)", "Commercial terms"]),
    (ES, ["Lote y empaque", "Origen y trazabilidad", "Poscosecha", "Calidad física",
          "Sabor", "Certificados", "Reglamento de la UE sobre deforestación",
          "Términos comerciales"]),
], ids=["en", "es"])
def test_sheet_has_every_section_in_the_readers_language(client, lots, headers, headings):
    lot = _full_lot(lots)
    response = client.get(f"/lots/{lot.lot_code}/sheet.pdf", headers=headers)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    text = " ".join(text.split())
    for heading in headings:
        assert heading in text
    # The header keeps the lot code and the short address of the QR code.
    assert lot.lot_code in text and "fair.test/q/" in text


def test_sheet_shows_defects_packing_terms_and_links(client, lots):
    lot = _full_lot(lots)
    response = client.get(f"/lots/{lot.lot_code}/sheet.pdf", headers=EN)
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for expected in ("Cut test: 300 beans cut", "Mouldy", "Slaty", "Insect-damaged",
                     "50 bags × 60 kg", "Fixed price", "USD 9,500.00 / MT · USD 9.50 / kg",
                     "+ Organic premium USD 300.00 / MT", "Free fatty acids 0.9 %",
                     "Cocoa of Excellence 2025", "panel of 5", "120 °C, 25 min",
                     "30 % adelanto, saldo contra documentos (in Spanish)",
                     "December 2026 – February 2027", "Tornillo", "3 turns",
                     "Control Union Peru · PE-BIO-149"):
        assert expected in text, expected
    links = {annotation.get_object()["/A"]["/URI"]
             for page in reader.pages for annotation in page.get("/Annots", [])
             if "/A" in annotation.get_object()}
    assert "https://www.globalforestwatch.org/map/" in links
    assert "https://organic.ams.usda.gov/integrity/" in links
    assert any(link.endswith(f"/lots/{lot.lot_code}/plots.geojson") for link in links)


def test_differential_lot_prints_its_basis_and_an_indicative_price(client, lots, app):
    make_event(ice_ny_usd_mt=Decimal("8450"), ice_ny_on=date(2026, 11, 30))
    lot = _full_lot(lots, price_basis="differential", price_usd_per_mt=None,
                    price_market="ice_ny", ice_contract_month_en="March 2027",
                    price_differential_usd_mt=Decimal("650"))
    response = client.get(f"/lots/{lot.lot_code}/sheet.pdf", headers=EN)
    text = " ".join(" ".join(page.extract_text()
                             for page in PdfReader(io.BytesIO(response.data)).pages).split())
    assert "ICE New York March 2027 +650.00 USD / MT (differential)" in text
    assert "Indicative USD 9,400.00 / MT" in text and "Nov 30, 2026" in text
    assert "USD 650.00 / MT" not in text
    assert layout_problems(response.data) == []


def test_unknown_paper_size_is_not_found(client, lots):
    lot = lots.make()
    assert client.get(f"/lots/{lot.lot_code}/sheet.pdf?paper=a3").status_code == 404
