"""The demo lots load through the services and make sense."""

from __future__ import annotations

from datetime import date

from matchmaker.demo.lots import seed_lots
from matchmaker.demo.people import seed_people
from matchmaker.lotsheet import errors_only, geo
from matchmaker.models import Lot
from matchmaker.services.lots import editing


def test_demo_lots(db):
    made: dict = {}
    seed_people(made)
    seed_lots(made)
    db.session.commit()
    lots = {lot.lot_code: lot for lot in db.session.scalars(db.select(Lot))}
    infierno = lots["PE-MDD-INF-26-001"]
    assert infierno.is_published and infierno.latest_iso_grade == "I"
    assert infierno.volume_kg == 2400 and infierno.incoterm_place == "Puerto Maldonado"
    assert {g.genetics for g in infierno.genetics} == {"native_amazonian", "trinitario"}
    organic = next(c for c in infierno.certificates if c.scheme == "eu_organic")
    assert organic.holder == "Cooperativa Agrobosque" and organic.certifier_code == "PE-BIO-149"
    assert any(c.scheme == "fairtrade" for c in infierno.certificates)
    assert infierno.evaluations[0].protocol == "coex_liquor"
    assert 3 <= len(infierno.plots) <= 5
    kinds = {(p.geometry_type, p.area_ha > 4) for p in infierno.plots}
    assert ("Polygon", True) in kinds and ("Point", False) in kinds
    collection = geo.eudr_feature_collection(
        geo.Plot(p.plot_ref, p.producer_name, p.production_place, p.area_ha, p.geometry_json)
        for lot in lots.values() for p in lot.plots)
    assert errors_only(geo.validate_eudr_collection(collection)) == []
    all_certs = [c for lot in lots.values() for c in lot.certificates]
    assert any(c.valid_to < date.today() for c in all_certs)
    assert not lots["PE-AMA-IMA-26-001"].is_published
    assert not lots["PE-MDD-TAH-26-002"].is_published
    for lot in lots.values():
        if lot.is_published:
            assert editing.missing_for_publish(lot) == []


def test_demo_lot_pages_show_every_section_filled_and_linked(db, client):
    made: dict = {}
    seed_people(made)
    seed_lots(made)
    db.session.commit()
    published = db.session.scalars(db.select(Lot).where(Lot.is_published.is_(True))).all()
    assert len(published) >= 3
    for lot in published:
        html = client.get(f"/lots/{lot.lot_code}", headers={"Accept-Language": "en"}).get_data(
            as_text=True)
        for section in ("s-lot", "s-post-harvest", "s-quality", "s-sensory", "s-certs", "s-eudr",
                        "s-terms"):
            assert f'id="{section}"' in html, (lot.lot_code, section)
        assert "No laboratory analysis yet." not in html, lot.lot_code
        assert "No sensory evaluation yet." not in html, lot.lot_code
        assert "No certificates." not in html, lot.lot_code
        assert "/report\">Lab report (PDF)" in html, lot.lot_code
        assert "/cut_test_photo" in html, lot.lot_code
        assert "/files/lots/certificates/" in html or "Verify with the certifier" in html
        assert f"/files/lots/{lot.id}/eudr/legality" in html, lot.lot_code
        assert "Land-use analysis" in html, lot.lot_code
        assert 'class="price"' in html and "On request" not in html, lot.lot_code


def _section(html: str, section_id: str) -> str:
    return html.split(f'id="{section_id}"')[1].split("</section>")[0]


def test_demo_lot_pages_fill_every_line_of_the_domain_sheet_in_both_languages(db, client):
    """Issue #15's list, lot by lot: evidence links with dates, FFA, beans cut, purple and
    partly fermented %, sample size, cut-test photo, panel size, roast profile, awards,
    processing site, turns, drying, warehouse, fine-flavour status; and every seller text
    in the page's own language (nothing marked "in Spanish" / "en inglés")."""
    made: dict = {}
    seed_people(made)
    seed_lots(made)
    db.session.commit()
    published = db.session.scalars(db.select(Lot).where(Lot.is_published.is_(True))).all()
    for lot in published:
        analysis = lot.analyses[0]
        html = client.get(f"/lots/{lot.lot_code}", headers={"Accept-Language": "en"}).get_data(
            as_text=True)
        facts = _section(html, "s-lot")
        assert 'class="warehouse"' in facts and 'class="fine-flavour"' in facts, lot.lot_code
        post_harvest = _section(html, "s-post-harvest")
        for expected in ("Processing site", "turns", 'class="wood"', "Drying", "Pulp pre-drying"):
            assert expected in post_harvest, (lot.lot_code, expected)
        quality = _section(html, "s-quality")
        day = analysis.analysis_date
        assert f"Lab report (PDF), {day:%b} {day.day}, {day.year}" in quality, lot.lot_code
        for expected in ("sample ", "Free fatty acids", "Cut test: 300 beans cut",
                         "Purple / violet</th>", "Partly fermented (purple-brown)</th>",
                         "/cut_test_photo", "Cut-test photo, "):
            assert expected in quality, (lot.lot_code, expected)
        sensory = _section(html, "s-sensory")
        for expected in ("panel of", 'class="roast"', 'class="awards"', 'class="flavour-notes"'):
            assert expected in sensory, (lot.lot_code, expected)
        terms = _section(html, "s-terms")
        for expected in ('class="payment_terms"', 'class="ship_window"', "Export documents"):
            assert expected in terms, (lot.lot_code, expected)
        assert "(in Spanish)" not in html, lot.lot_code
        spanish = client.get(f"/lots/{lot.lot_code}", headers={"Accept-Language": "es"}).get_data(
            as_text=True)
        assert "(en inglés)" not in spanish and "(in English)" not in spanish, lot.lot_code
        assert 'class="awards"' in spanish and 'class="warehouse"' in spanish, lot.lot_code
