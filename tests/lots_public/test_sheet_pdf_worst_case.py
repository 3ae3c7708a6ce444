"""The printed sheet stays one or two pages in the worst realistic case: six certificates
with real-length numbers, forty plots, and every seller-typed text at the editor's maximum
length in both languages, in English and Spanish, on A4 and US Letter."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from matchmaker.extensions import db
from tests.factories import make_event, make_organisation
from tests.lots_public.test_sheet_pdf import EN, ES, PAPER_POINTS, layout_problems


def _text(length: int, words: str) -> str:
    """Prose of exactly `length` characters made of `words`, repeated."""
    text = ""
    while len(text) < length:
        text += words + " "
    return text[:length - 1].rstrip() + "."


def _worst_lot(lots):
    # Names run as long as real ones do; what sellers type runs to the editor's maximum.
    organisation = make_organisation(
        name="Asociación de Productores Agroforestales y Conservacionistas de la Comunidad "
             "Nativa Infierno del Río Tambopata", ruc="20490000099")
    texts = {}
    for name, length in (("name", 160), ("warehouse", 160), ("wood_species", 120),
                         ("payment_terms", 255), ("ship_window", 120),
                         ("fine_flavour_note", 2000), ("description", 5000)):
        texts[f"{name}_es"] = _text(length, f"texto en castellano del campo {name}")
        texts[f"{name}_en"] = _text(length, f"English text of the field {name}")
    lot = lots.make(
        organisation, **texts,
        exporter_of_record="Cooperativa Agraria de Servicios Agrobosque de Madre de Dios Ltda.",
        region="Madre de Dios", province="Tambopata",
        community="Comunidad Nativa Infierno, sector Alto Tambopata",
        altitude_min=190, altitude_max=230, turns=3, pre_drying=True,
        price_basis="differential", price_usd_per_mt=None, price_market="other",
        price_market_other_es=_text(80, "Bolsa de referencia local del cacao"),
        price_market_other_en=_text(80, "Local cacao reference exchange"),
        price_differential_usd_mt=Decimal("-1250.50"), price_premium_kind="organic",
        price_premium_usd_mt=Decimal("300"), dds_reference="25PEDDS1234567890ABCDEFGH",
        dds_verification="VERIF-0987654321-XYZ",
        export_docs="commercial_invoice,packing_list,certificate_of_origin,"
                    "phytosanitary_senasa,quality_certificate,organic_coi",
        no_deforestation_evidence_url="https://www.globalforestwatch.org/map/country/PER/"
                                      "?analysis=very-long-query-string-for-the-plots")
    for code, share in (("native_amazonian", "40"), ("trinitario", "20"), ("criollo", "15"),
                        ("forastero_amazon", "15"), ("ccn51", "10")):
        lots.genetics(lot, code, share, variety="Chuncho amazónico, ICS-95, ICS-39, TSH-565")
    analysis = lots.analysis(lot, ffa_pct=Decimal("0.9"), fat_pct=Decimal("53.5"), shell_pct=Decimal("11.8"),
                  fermentation_index=Decimal("1.21"), cadmium_mg_kg=Decimal("0.42"),
                  sample_kg=Decimal("1.5"), foreign_matter_pct=Decimal("0.5"),
                  cocoa_related_matter_pct=Decimal("2.1"), flat_beans_pct=Decimal("1.2"),
                  sievings_pct=Decimal("0.8"), report_path="lab/report.pdf",
                  cut_test_photo_path="lab/cut.jpg")
    analysis.lab = "Laboratorio de Calidad de la Cooperativa Agraria Agrobosque, Puerto Maldonado"
    evaluation = lots.evaluation(lot, scores={code: "5" for code in (
        "cacao", "acidity", "bitterness", "astringency", "fresh_fruit", "browned_fruit",
        "vegetal", "floral", "woody", "spice", "nutty", "caramel_panela", "off_flavours")})
    evaluation.evaluator = "Panel sensorial internacional Cocoa of Excellence (Bioversity)"
    for name, length in (("roast_profile", 160), ("awards", 2000), ("flavour_notes", 2000)):
        setattr(evaluation, f"{name}_es", _text(length, f"texto en castellano de {name}"))
        setattr(evaluation, f"{name}_en", _text(length, f"English text of {name}"))
    schemes = ("eu_organic", "usda_nop", "jas", "fairtrade", "rainforest_alliance", "other")
    for n, scheme in enumerate(schemes):
        certificate = lots.certificate(
            lot, scheme=scheme, certificate_no=f"CU-PE-88441{n}/2026-ORG-{n:04d}",
            holder="Cooperativa Agraria de Servicios Agrobosque de Madre de Dios Ltda.",
            scheme_other="Símbolo de Pequeños Productores (SPP)" if scheme == "other" else "",
            verify_url="https://organic.ams.usda.gov/integrity/Verification/Certificate?"
                       f"operation=8150{n}&scope=crops-handling")
        certificate.certifier_name = "Control Union Certifications Peru S.A.C."
        certificate.certifier_code = "PE-BIO-149"
        certificate.file_path = f"certs/{n}.pdf"
    for n in range(40):
        lots.plot(lot, f"INF-PLOT-{n:03d}",
                  producer="Asociación Agroforestal de la Comunidad Nativa Infierno")
    db.session.commit()
    return lot


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("headers", [EN, ES], ids=["en", "es"])
def test_worst_case_sheet_fits_two_pages_without_overlaps(client, lots, paper, headers):
    make_event(ice_ny_usd_mt=Decimal("8450"), ice_ny_on=date(2026, 11, 30),
               pen_per_usd=Decimal("3.745"), pen_per_usd_on=date(2026, 11, 30))
    lot = _worst_lot(lots)
    response = client.get(f"/lots/{lot.lot_code}/sheet.pdf?paper={paper}", headers=headers)
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    assert 1 <= len(reader.pages) <= 2, f"{len(reader.pages)} pages"
    width, height = PAPER_POINTS[paper]
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - width) < 1
        assert abs(float(page.mediabox.height) - height) < 1
    assert layout_problems(response.data) == []
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    # Every certificate is still listed, and the plots are summarised with their total.
    assert text.count("CU-PE-88441") == 6
    assert ("40 plots" in text) or ("40 parcelas" in text)
    # Long texts are cut on paper with a pointer to the full text online.
    assert ("(full text online)" in text) or ("(texto completo en línea)" in text)
