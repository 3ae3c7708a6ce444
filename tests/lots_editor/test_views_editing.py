"""Lot editor pages: create, sections, records, uploads, plots, publish, duplicate, files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

from PIL import Image

from matchmaker.models import Lot, LotPhoto, ProductionPlot
from matchmaker.services.lots import editing
from tests.factories import make_draft_lot, make_organisation, make_user, real_pdf_bytes
from tests.lots_editor.conftest import (
    GEO_FIXTURES,
    GRADE_I_COUNTS,
    complete_lot,
    jpeg_with_gps_bytes,
    unique_ruc,
)

IDENTITY_FORM = {
    "lot_code": "PE-MDD-INF-26-001", "name_es": "Cacao nativo", "name_en": "Native cacao",
    "product_form": "dry_fermented", "harvest_start": "2026-03-01", "harvest_end": "2026-06-30",
    "volume_kg": "2400", "bag_count": "40", "net_kg_per_bag": "60", "bag_type": "jute",
    "hs_code": "1801.00",
}


def _fetch(client, url):
    """GET a file route and close the response, so the served file is not left open."""
    with client.get(url) as response:
        return response.status_code, response.headers, response.get_data()


def _reload(db, lot):
    db.session.expire_all()
    return db.session.get(Lot, lot.id)


def test_rep_creates_lot_with_suggested_code(client, login_as, rep, org, db):
    login_as(rep)
    page = client.get("/my/lots/new").get_data(as_text=True)
    assert 'value="PE-MDD-INF-' in page
    response = client.post("/my/lots/new", data=IDENTITY_FORM)
    assert response.status_code == 302
    lot = db.session.scalar(db.select(Lot).where(Lot.lot_code == "PE-MDD-INF-26-001"))
    assert lot.organisation_id == org.id and not lot.is_published
    assert lot.volume_kg == Decimal("2400")
    index = client.get("/my/lots/").get_data(as_text=True)
    assert "PE-MDD-INF-26-001" in index


def test_decimal_comma_is_accepted(client, login_as, rep, db):
    login_as(rep)
    client.post("/my/lots/new", data={**IDENTITY_FORM, "volume_kg": "2400,5"})
    lot = db.session.scalar(db.select(Lot))
    assert lot.volume_kg == Decimal("2400.5")


def test_taken_code_keeps_the_form(client, login_as, rep, org, db):
    make_draft_lot(org, lot_code="PE-MDD-INF-26-001")
    login_as(rep)
    response = client.post("/my/lots/new", data={**IDENTITY_FORM, "name_es": "Mi lote nuevo"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Another lot already uses the code" in html or "Otro lote" in html
    assert 'value="Mi lote nuevo"' in html


def test_organiser_creates_for_any_organisation_and_filters(client, login_as, org, other_org, db):
    login_as(make_user("organiser"))
    response = client.post("/my/lots/new", data={**IDENTITY_FORM, "organisation_id": other_org.id})
    assert response.status_code == 302
    make_draft_lot(org)
    all_lots = client.get("/my/lots/").get_data(as_text=True)
    assert other_org.name in all_lots and org.name in all_lots
    filtered = client.get(f"/my/lots/?organisation={other_org.id}").get_data(as_text=True)
    assert "PE-MDD-INF-26-001" in filtered and editing.suggest_lot_code(org) not in filtered


def test_rep_sees_only_own_lots(client, login_as, rep, org, other_org):
    mine, theirs = make_draft_lot(org), make_draft_lot(other_org, lot_code="PE-XYZ-26-009")
    login_as(rep)
    html = client.get(f"/my/lots/?organisation={other_org.id}").get_data(as_text=True)
    assert mine.lot_code in html and theirs.lot_code not in html


def test_identity_error_is_shown_by_its_field(client, login_as, rep, lot):
    login_as(rep)
    response = client.post(f"/my/lots/{lot.lot_code}/identity",
                           data={**IDENTITY_FORM, "lot_code": lot.lot_code,
                                 "harvest_end": "2026-01-01", "warehouse_es": "Almacén 3"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="harvest_end-error"' in html and "cannot end before it starts" in html
    assert 'value="Almacén 3"' in html


def test_origin_with_genetics_rows(client, login_as, rep, lot, db):
    login_as(rep)
    data = {"exporter_of_record": "Cooperativa Agrobosque", "region": "Madre de Dios",
            "province": "Tambopata", "community": "CN Infierno", "n_producers": "21",
            "area_ha": "21", "production_system": "agroforestry",
            "genetics-0-genetics": "native_amazonian", "genetics-0-variety_name": "Chuncho",
            "genetics-0-share_pct": "60", "genetics-1-genetics": "trinitario",
            "genetics-1-share_pct": "30"}
    response = client.post(f"/my/lots/{lot.lot_code}/origin", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The shares add up to 90" in html
    assert 'value="Chuncho"' in html
    assert _reload(db, lot).genetics == [] and _reload(db, lot).n_producers is None

    data["genetics-1-share_pct"] = "40"
    assert client.post(f"/my/lots/{lot.lot_code}/origin", data=data).status_code == 302
    lot = _reload(db, lot)
    assert [(g.genetics, g.share_pct) for g in lot.genetics] == [
        ("native_amazonian", Decimal(60)), ("trinitario", Decimal(40))]
    page = client.get(f"/my/lots/{lot.lot_code}/origin").get_data(as_text=True)
    assert 'value="Chuncho"' in page


def test_genetics_row_without_share_is_refused(client, login_as, rep, lot):
    login_as(rep)
    response = client.post(f"/my/lots/{lot.lot_code}/origin",
                           data={"genetics-0-genetics": "criollo"})
    assert response.status_code == 422
    assert "needs both a material and its share" in response.get_data(as_text=True)


def test_post_harvest_pre_drying_round_trip(client, login_as, rep, lot, db):
    login_as(rep)
    client.post(f"/my/lots/{lot.lot_code}/post-harvest",
                data={"processing_site": "central_plant", "ferment_vessel": "wooden_box",
                      "ferment_hours": "144", "pre_drying": "no", "dry_method": "sun_beds",
                      "dry_days": "7"})
    lot = _reload(db, lot)
    assert lot.pre_drying is False and lot.ferment_hours == 144
    page = client.get(f"/my/lots/{lot.lot_code}/post-harvest").get_data(as_text=True)
    assert '<option selected value="no">' in page or '<option value="no" selected>' in page


def test_terms_moq_message_and_usd_per_kg(client, login_as, rep, lot, db):
    login_as(rep)
    data = {"incoterm": "FCA", "incoterm_place": "Puerto Maldonado", "price_basis": "fixed",
            "price_usd_per_mt": "7850", "price_valid_until": "2026-12-31", "moq_kg": "650",
            "sample_available": "y", "sample_size_g": "500", "sample_cost_usd": "0",
            "sample_lead_time_days": "10", "export_docs": ["commercial_invoice", "packing_list"]}
    response = client.post(f"/my/lots/{lot.lot_code}/terms", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="moq_kg-error"' in html and "660" in html
    data["moq_kg"] = "660"
    assert client.post(f"/my/lots/{lot.lot_code}/terms", data=data).status_code == 302
    page = client.get(f"/my/lots/{lot.lot_code}/terms").get_data(as_text=True)
    assert "USD 7,850.00 / MT" in page and "USD 7.85 / kg" in page
    assert _reload(db, lot).export_doc_codes == ["commercial_invoice", "packing_list"]


def test_photo_upload_strips_gps_and_is_served(client, login_as, rep, lot, db):
    login_as(rep)
    response = client.post(f"/my/lots/{lot.lot_code}/photos", data={
        "photo": (BytesIO(jpeg_with_gps_bytes()), "finca.jpg"), "caption_es": "Cajones",
        "caption_en": "Boxes"}, content_type="multipart/form-data")
    assert response.status_code == 302
    photo = db.session.scalar(db.select(LotPhoto))
    status, _headers, body = _fetch(client, f"/files/lots/photos/{photo.id}")
    assert status == 200
    with Image.open(BytesIO(body)) as image:
        assert not image.getexif().get_ifd(0x8825) and not image.getexif()
    assert _fetch(client, f"/files/lots/photos/{photo.id}/thumb")[0] == 200


def test_text_file_named_jpg_refused_and_captions_kept(client, login_as, rep, lot, db):
    login_as(rep)
    response = client.post(f"/my/lots/{lot.lot_code}/photos", data={
        "photo": (BytesIO(b"not an image at all"), "cacao.jpg"), "caption_es": "Secado en tendal",
        "caption_en": "Drying beds"}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="photo-error"' in html
    assert 'value="Secado en tendal"' in html and 'value="Drying beds"' in html
    assert db.session.scalar(db.select(db.func.count()).select_from(LotPhoto)) == 0


def _analysis_form(**overrides):
    data = {"analysis_date": "2026-07-10", "lab": "Laboratorio Agrobosque", "moisture_pct": "7,2",
            "bean_count_per_100g": "98", **{k: str(v) for k, v in GRADE_I_COUNTS.items()}}
    data.update(overrides)
    return data


def test_analysis_graded_and_shown(client, login_as, rep, lot, db):
    login_as(rep)
    response = client.post(f"/my/lots/{lot.lot_code}/analyses/new", data=_analysis_form())
    assert response.status_code == 302
    assert _reload(db, lot).latest_iso_grade == "I"
    page = client.get(f"/my/lots/{lot.lot_code}/analyses").get_data(as_text=True)
    assert "Grade I" in page
    assert "92" in page  # fermented %
    assert "1 / 2 / 1" in page  # 3 mouldy, 6 slaty, 3 other defects of 300 beans


def test_analysis_counts_mismatch_names_totals_and_keeps_form(client, login_as, rep, lot, db):
    login_as(rep)
    response = client.post(f"/my/lots/{lot.lot_code}/analyses/new",
                           data=_analysis_form(well_fermented="200"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "269" in html and "300" in html
    assert 'value="Laboratorio Agrobosque"' in html
    assert _reload(db, lot).analyses == []


def test_non_pdf_report_refused_keeps_rest_of_form(client, login_as, rep, lot, db):
    login_as(rep)
    data = _analysis_form(report=(BytesIO(b"GIF89a fake"), "informe.pdf"))
    response = client.post(f"/my/lots/{lot.lot_code}/analyses/new", data=data,
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="report-error"' in html
    assert 'value="Laboratorio Agrobosque"' in html and 'value="7,2"' in html
    assert _reload(db, lot).analyses == []


def test_pdf_report_stored_and_served_only_to_editors_until_published(
        client, login_as, rep, lot, db):
    login_as(rep)
    pdf = real_pdf_bytes()
    client.post(f"/my/lots/{lot.lot_code}/analyses/new",
                data=_analysis_form(report=(BytesIO(pdf), "informe.pdf")),
                content_type="multipart/form-data")
    analysis = _reload(db, lot).analyses[0]
    url = f"/files/lots/analyses/{analysis.id}/report"
    status, headers, body = _fetch(client, url)
    assert status == 200 and body == pdf
    assert "private" in headers["Cache-Control"]
    client.post("/logout")
    assert _fetch(client, url)[0] == 404


def test_published_photo_is_public_with_long_cache(client, lot, db):
    complete_lot(lot)
    from matchmaker.services.lots import photos
    from tests.lots_editor.conftest import jpeg_file

    photo = photos.add_photo(lot, jpeg_file())
    editing.publish_lot(lot)
    db.session.commit()
    status, headers, _body = _fetch(client, f"/files/lots/photos/{photo.id}/thumb")
    assert status == 200
    cache = headers["Cache-Control"]
    assert "public" in cache and "max-age=31536000" in cache and "immutable" in cache
    status, headers, body = _fetch(client, f"/files/lots/{lot.id}/eudr/legality")
    assert status == 200 and body.startswith(b"%PDF-")


def test_sensory_protocol_step_and_missing_attributes(client, login_as, rep, lot, db):
    login_as(rep)
    page = client.get(f"/my/lots/{lot.lot_code}/sensory/new?protocol=fcci_unroasted")
    html = page.get_data(as_text=True)
    assert 'name="score_cacao"' in html and 'name="score_roast_degree"' not in html
    assert 'name="score_sweetness"' not in html
    data = {"protocol": "coex_liquor", "evaluator": "CoEx panel", "evaluated_on": "2026-08-12",
            "global_quality": "7,5", "flavour_notes_en": "Floral, nutty", "score_cacao": "5"}
    response = client.post(f"/my/lots/{lot.lot_code}/sensory/new", data=data)
    assert response.status_code == 422
    assert "Total acidity" in response.get_data(as_text=True)
    from matchmaker.services.lots.sensory import applicable_attributes

    data.update({f"score_{a.code}": "2" for a in applicable_attributes("coex_liquor")})
    data["score_floral_orange_blossom"] = "4"
    assert client.post(f"/my/lots/{lot.lot_code}/sensory/new", data=data).status_code == 302
    lot = _reload(db, lot)
    assert lot.latest_global_quality == Decimal("7.5")
    evaluation = lot.evaluations[0]
    assert evaluation.score("floral_orange_blossom") == Decimal(4)
    edit = client.get(f"/my/lots/{lot.lot_code}/sensory/{evaluation.id}/edit").get_data(as_text=True)
    assert 'name="score_floral_orange_blossom"' in edit and 'value="4"' in edit


def test_certificate_code_format_and_expired_badge(client, login_as, rep, lot, db):
    login_as(rep)
    data = {"scheme": "eu_organic", "holder": "Cooperativa Agrobosque", "certificate_no": "CU-1",
            "certifier_name": "Control Union Peru", "certifier_code": "PEBIO149",
            "status": "certified", "valid_from": "2022-01-01", "valid_to": "2023-01-01",
            "verify_url": "https://example.test/c"}
    response = client.post(f"/my/lots/{lot.lot_code}/certificates/new", data=data)
    assert response.status_code == 422
    assert "PE-BIO-149" in response.get_data(as_text=True)
    data["certifier_code"] = "PE-BIO-149"
    assert client.post(f"/my/lots/{lot.lot_code}/certificates/new", data=data).status_code == 302
    page = client.get(f"/my/lots/{lot.lot_code}/certificates").get_data(as_text=True)
    assert "Expired" in page or "Vencido" in page


def test_typed_plot_and_error(client, login_as, rep, lot, db):
    login_as(rep)
    data = {"typed-plot_ref": "P01", "typed-producer_name": "Rosa", "typed-area_ha": "2",
            "typed-coordinates": "-12.58, -69.18"}
    response = client.post(f"/my/lots/{lot.lot_code}/plots/coordinates", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Plot P01" in html and "6 decimals" in html and "-12.58, -69.18" in html
    data["typed-coordinates"] = "-12.587456, -69.185123"
    assert client.post(f"/my/lots/{lot.lot_code}/plots/coordinates", data=data).status_code == 302
    assert [p.plot_ref for p in _reload(db, lot).plots] == ["P01"]


def test_geojson_upload_valid_and_broken(client, login_as, rep, lot, db):
    login_as(rep)
    broken = (GEO_FIXTURES / "broken_bowtie.geojson").read_bytes()
    response = client.post(f"/my/lots/{lot.lot_code}/plots/geojson",
                           data={"file-file": (BytesIO(broken), "parcelas.geojson")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Plot bowtie: polygon edges" in html and "cross" in html
    assert db.session.scalar(db.select(db.func.count()).select_from(ProductionPlot)) == 0
    good = (GEO_FIXTURES / "plot_square_1ha.geojson").read_bytes()
    response = client.post(f"/my/lots/{lot.lot_code}/plots/geojson",
                           data={"file-file": (BytesIO(good), "parcelas.geojson")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    [plot] = _reload(db, lot).plots
    assert plot.plot_ref == "PE-MDD-P001" and "-12.589096" in plot.geometry_json


def test_pasted_geojson_in_spanish_names_the_rule(client, login_as, org, lot):
    login_as(make_user("rep", organisation=org, locale="es"))
    text = (GEO_FIXTURES / "broken_unclosed_ring.geojson").read_text()
    response = client.post(f"/my/lots/{lot.lot_code}/plots/geojson", data={"file-geojson": text},
                           headers={"Accept-Language": "es"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Parcela" in html and "primera" in html


def test_eudr_evidence_upload(client, login_as, rep, lot, db):
    login_as(rep)
    response = client.post(f"/my/lots/{lot.lot_code}/eudr", data={
        "legality_file": (BytesIO(real_pdf_bytes("Título")), "titulo.pdf"),
        "no_deforestation_evidence_url": "https://maps.example.test/a",
        "dds_reference": "24FRXVV3VOS991"}, content_type="multipart/form-data")
    assert response.status_code == 302
    lot = _reload(db, lot)
    assert lot.legality_evidence_path and lot.dds_reference == "24FRXVV3VOS991"
    response = client.post(f"/my/lots/{lot.lot_code}/eudr", data={
        "no_deforestation_file": (BytesIO(b"PK zip"), "mapa.pdf"), "dds_reference": "NEW"},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert 'value="NEW"' in response.get_data(as_text=True)
    assert _reload(db, lot).dds_reference == "24FRXVV3VOS991"


def test_publish_refused_lists_missing_then_publish_and_withdraw(client, login_as, rep, lot, db):
    login_as(rep)
    overview = client.get(f"/my/lots/{lot.lot_code}").get_data(as_text=True)
    assert "Production plots with geolocation" in overview
    response = client.post(f"/my/lots/{lot.lot_code}/publish", follow_redirects=True)
    assert "cannot be published yet" in response.get_data(as_text=True)
    assert not _reload(db, lot).is_published
    complete_lot(lot)
    client.post(f"/my/lots/{lot.lot_code}/publish")
    assert _reload(db, lot).is_published
    overview = client.get(f"/my/lots/{lot.lot_code}").get_data(as_text=True)
    assert "Everything a buyer needs is filled in." in overview
    client.post(f"/my/lots/{lot.lot_code}/withdraw")
    assert not _reload(db, lot).is_published


def test_duplicate_page(client, login_as, rep, lot, db):
    complete_lot(lot)
    login_as(rep)
    page = client.get(f"/my/lots/{lot.lot_code}/duplicate").get_data(as_text=True)
    assert 'value="PE-MDD-INF-27-001"' in page
    response = client.post(f"/my/lots/{lot.lot_code}/duplicate",
                           data={"lot_code": "PE-MDD-INF-27-001"})
    assert response.status_code == 302 and response.headers["Location"].endswith("PE-MDD-INF-27-001")
    copy = db.session.scalar(db.select(Lot).where(Lot.lot_code == "PE-MDD-INF-27-001"))
    assert copy.harvest_start == date(2027, 3, 1) and copy.analyses == []


def test_typed_text_is_escaped(client, login_as, rep, org):
    lot = make_draft_lot(org, name_es='<script>alert("x")</script>', name_en="")
    login_as(rep)
    html = client.get(f"/my/lots/{lot.lot_code}").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_csrf_is_required(app, client, login_as, rep, lot, db):
    from matchmaker.services.lots import photos
    from tests.lots_editor.conftest import jpeg_file

    photo = photos.add_photo(lot, jpeg_file())
    db.session.commit()
    login_as(rep)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/my/lots/{lot.lot_code}/identity",
                               data={**IDENTITY_FORM, "lot_code": lot.lot_code, "name_es": "Nuevo"})
        assert response.status_code == 400
        assert client.post(f"/my/lots/{lot.lot_code}/photos/{photo.id}/delete").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    lot = _reload(db, lot)
    assert lot.name_es == "Cacao nativo agroforestal"
    assert [p.id for p in lot.photos] == [photo.id]


def test_volume_below_what_offers_hold_is_refused(client, login_as, rep, org, lot, db):
    from matchmaker.services.offers import composing

    coop = make_organisation(ruc=unique_ruc(), kind="cooperative")
    org.cooperative_id = coop.id
    lot.is_published = True
    db.session.commit()
    offer = composing.create_offer(coop, name_es="Contenedor", name_en="Container",
                                   target_volume_kg="12500")
    line = composing.set_line(offer, lot, "2000")
    line.approval = "approved"  # only lines the lot's owner approved hold kilograms
    db.session.commit()
    login_as(rep)
    # 25 bags of 60 kg: the packing adds up, so the refusal is the offers' hold.
    response = client.post(f"/my/lots/{lot.lot_code}/identity",
                           data={**IDENTITY_FORM, "lot_code": lot.lot_code, "volume_kg": "1500",
                                 "bag_count": "25"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="volume_kg-error"' in html and "Offers hold 2000 kg of this lot" in html
    assert 'value="1500"' in html  # what the rep typed stays in the form
    assert _reload(db, lot).volume_kg == Decimal(2400)
