"""The offer PDF passes the lot sheet's layout test (no text over another, over the QR code
or off the page) and says what a buyer needs: validity, target, each plot, honest coverage."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import zxingcpp
from pypdf import PdfReader

from matchmaker.extensions import db
from matchmaker.services.offers import composing
from tests.factories import add_analysis, add_certificate, add_plot, make_lot, point
from tests.lots_public.test_sheet_pdf import PAPER_POINTS, layout_problems

EN = {"Accept-Language": "en"}
ES = {"Accept-Language": "es"}


@pytest.fixture
def full_offer(app, coop, infierno, tahuamanu, factories):
    third = factories.organisation(name="Asociación de Productores Agroforestales del Bajo "
                                        "Tambopata y Alrededores", community="Bajo Tambopata",
                                   cooperative_id=coop.id)
    offer = composing.create_offer(
        coop, name_es="Contenedor orgánico Madre de Dios 2026, cacao nativo fino de aroma",
        name_en="Organic Madre de Dios container 2026, native fine-flavour cacao",
        description_en="Native Amazonian cacao from three communities. " * 30,
        description_es="Cacao nativo amazónico de tres comunidades. " * 30,
        target_volume_kg="20000", incoterm="FOB", incoterm_place="Callao",
        price_usd_per_mt=Decimal("10400"), price_valid_until=date.today() + timedelta(days=30),
        certificate_holder="Cooperativa Agrobosque")
    for n, (org, kg) in enumerate(((infierno, "6600"), (tahuamanu, "5000"), (third, "3000"),
                                   (coop, "2500"))):
        lot = make_lot(org, volume_kg=Decimal(kg), moq_kg=None, net_kg_per_bag=None,
                       bag_count=None)
        add_analysis(lot, moisture="7.1")
        if n < 2:
            add_certificate(lot, "eu_organic")
        for k in range(3):
            add_plot(lot, f"P-{n}{k}", geometry=point(f"-69.{n}{k}0001", f"-11.{n}{k}00001"),
                     producer=f"Productora {n}-{k} de la comunidad {org.community}")
        line = composing.set_line(offer, lot, kg)
        if line.approval == "pending":
            line.approval = "approved"
    composing.publish_offer(offer)
    db.session.commit()
    return offer


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("headers", [EN, ES])
def test_offer_sheet_has_no_overlaps_and_nothing_off_the_page(client, full_offer, paper,
                                                             headers):
    response = client.get(f"/offers/{full_offer.offer_code}/sheet.pdf?paper={paper}",
                          headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert layout_problems(response.data) == []
    reader = PdfReader(io.BytesIO(response.data))
    width, height = PAPER_POINTS[paper]
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (round(width, 1),
                                                                         round(height, 1))


def test_offer_sheet_says_validity_target_plots_and_coverage(client, full_offer):
    response = client.get(f"/offers/{full_offer.offer_code}/sheet.pdf", headers=EN)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    flat = " ".join(text.split())
    assert "Valid until" in flat
    assert "20,000 kg (85.5 % reached)" in flat  # 17,100 of 20,000 kg
    for ref in ("P-00", "P-12", "P-22", "P-32"):
        assert ref in flat
    assert "12 plots, " in flat
    assert "Covers only 11,600 of 17,100 kg" in flat
    assert "only 11,600 of 17,100 kg are certified" in flat  # the name says "organic"


def test_offer_sheet_qr_code_reads_back(client, full_offer):
    from tests.printing.test_printing_pdf import rasterise_filled_rectangles

    response = client.get(f"/offers/{full_offer.offer_code}/sheet.pdf", headers=EN)
    decoded = [b.text for b in zxingcpp.read_barcodes(
        rasterise_filled_rectangles(PdfReader(io.BytesIO(response.data)), 0))]
    assert len(decoded) == 1 and decoded[0].startswith("http://fair.test/q/")


def test_unknown_paper_size_is_not_found(client, full_offer):
    assert client.get(f"/offers/{full_offer.offer_code}/sheet.pdf?paper=a3").status_code == 404


def test_offer_sheet_states_the_declared_grade_and_a_blend_below_it(client, full_offer):
    from matchmaker.services.lots import analyses
    from tests.offers.test_material_changes import _analysis_fields

    with client.application.test_request_context():
        lot = full_offer.lines[0].lot
        analyses.save_analysis(lot, lot.analyses[0],
                               **_analysis_fields(mouldy=11, well_fermented=223))
        db.session.commit()
    for paper in ("a4", "letter"):
        response = client.get(f"/offers/{full_offer.offer_code}/sheet.pdf?paper={paper}",
                              headers=EN)
        assert layout_problems(response.data) == []
    flat = " ".join(" ".join(p.extract_text() for p in
                             PdfReader(io.BytesIO(response.data)).pages).split())
    assert "Declared grade Grade I" in flat
    assert "the blend is now Grade II, not the Grade I this offer declares" in flat
    assert f"Quality updated on {date.today():%b} " in flat
