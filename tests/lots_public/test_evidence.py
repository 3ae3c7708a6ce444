"""Evidence one click away: every stored file and link appears where its figure is shown,
with its date, and what was stored but hidden (FFA, counts, panel, awards…) is shown."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

from matchmaker.extensions import db

EN = {"Accept-Language": "en"}


def _lot_with_evidence(lots):
    lot = lots.make(warehouse_es="Almacén Agrobosque, Puerto Maldonado", turns=3,
                    wood_species_es="Tornillo", pre_drying=True, processing_site="central_plant",
                    no_deforestation_evidence_url="https://www.globalforestwatch.org/map/",
                    legality_evidence_path="eudr/titulo.pdf",
                    fine_flavour_note_es="Calificación del país, no del lote.")
    analysis = lots.analysis(lot, analysis_date=date(2026, 8, 5), report_path="lab/report.pdf",
                             cut_test_photo_path="lab/cut.jpg", ffa_pct=Decimal("0.9"),
                             sample_kg=Decimal("1.5"), ota_report_path="lab/ota.pdf")
    evaluation = lots.evaluation(lot)
    evaluation.roast_profile_es = "120 °C, 25 min"
    evaluation.awards_en = "Cocoa of Excellence 2025 – top 50"
    certificate = lots.certificate(lot, file_path="certs/eu.pdf",
                                   verify_url="https://certificates.controlunion.com/")
    bad = lots.certificate(lot, scheme="fairtrade", verify_url="javascript://alert(1)")
    db.session.commit()
    return lot, analysis, certificate, bad


def test_public_page_links_each_piece_of_evidence_where_its_figure_is(client, lots):
    lot, analysis, certificate, bad = _lot_with_evidence(lots)
    html = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    assert f'href="/files/lots/analyses/{analysis.id}/report">Lab report (PDF), Aug 5, 2026' in html
    assert f'/files/lots/analyses/{analysis.id}/cut_test_photo' in html
    assert f'/files/lots/analyses/{analysis.id}/ota_report' in html
    assert f'href="/files/lots/certificates/{certificate.id}">Certificate (PDF)' in html
    assert 'href="https://certificates.controlunion.com/"' in html
    assert "Control Union Peru · PE-BIO-149" in html
    assert "javascript:" not in html  # only web addresses become links
    assert f'href="/files/lots/{lot.id}/eudr/legality"' in html
    assert 'href="https://www.globalforestwatch.org/map/"' in html
    quality = html.split('id="s-quality"')[1].split("</section>")[0]
    assert "sample 1.5 kg" in quality
    assert "Free fatty acids" in quality and "0.9 %" in quality
    assert "Cut test: 300 beans cut" in quality
    assert re.search(r"Purple / violet</th><td>\d+</td>", quality)
    assert "Partly fermented (purple-brown)</th><td>27</td><td>9.0 %" in quality


def test_public_page_shows_post_harvest_sensory_and_logistics_details(client, lots):
    lot, *_ = _lot_with_evidence(lots)
    html = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    post_harvest = html.split('id="s-post-harvest"')[1].split("</section>")[0]
    assert "Central processing plant" in post_harvest
    assert "3 turns" in post_harvest
    assert 'boxes of <span lang="es">Tornillo</span> <span class="muted lang-note">(in Spanish)' \
        in post_harvest
    assert "Almacén Agrobosque, Puerto Maldonado" in html
    assert "panel of 5" in html and 'roast: <span lang="es">120 °C, 25 min</span>' in html
    assert "Cocoa of Excellence 2025 – top 50" in html
    # A note typed only in Spanish says so on the English page.
    assert "Calificación del país, no del lote." in html and "(in Spanish)" in html


def test_api_carries_the_evidence_addresses(client, lots):
    lot, analysis, certificate, _bad = _lot_with_evidence(lots)
    document = json.loads(client.get(f"/api/v1/lots/{lot.lot_code}").data)
    assert document["analysis"]["report_url"].endswith(f"/files/lots/analyses/{analysis.id}/report")
    assert document["analysis"]["ffa_pct"] == "0.90"
    assert document["analysis"]["cut_test_counts"]["partly_fermented"] == 27
    cert = next(c for c in document["certificates"] if c["scheme"] == "eu_organic")
    assert cert["file_url"].endswith(f"/files/lots/certificates/{certificate.id}")
    assert cert["certifier_code"] == "PE-BIO-149"
    assert document["eudr"]["legality_evidence_url"].endswith(f"/files/lots/{lot.id}/eudr/legality")
    assert document["eudr"]["no_deforestation_evidence_url"] == \
        "https://www.globalforestwatch.org/map/"
    assert document["sensory"]["awards_en"] == "Cocoa of Excellence 2025 – top 50"
