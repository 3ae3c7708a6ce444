"""Demo lots: believable product sheets for each demo association, built through the services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

from werkzeug.datastructures import FileStorage

from matchmaker.lotsheet import geo
from matchmaker.printing.pdf import new_document
from matchmaker.services.lots import (
    analyses,
    certificates,
    editing,
    editing_eudr,
    plots,
    sensory,
)

D = Decimal


def _pdf(title: str, lines: list[str], filename: str) -> FileStorage:
    """A small real PDF standing in for a scanned document."""
    pdf = new_document(title, "es")
    pdf.add_page()
    pdf.set_font("DejaVuSans", "B", 14)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVuSans", "", 11)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return FileStorage(BytesIO(bytes(pdf.output())), filename=filename,
                       content_type="application/pdf")


def _cut_test_photo() -> FileStorage:
    """A drawn stand-in for the photo of a cut test: 50 halved beans on a board, coloured
    as the demo's Grade I counts (mostly brown, some purple-brown, a few purple and slaty)."""
    from PIL import Image, ImageDraw

    colours = ([(111, 62, 34)] * 38 + [(128, 70, 80)] * 8 + [(98, 46, 112)] * 2
               + [(92, 96, 104)] * 1 + [(170, 176, 150)] * 1)
    image = Image.new("RGB", (800, 520), (226, 214, 190))
    draw = ImageDraw.Draw(image)
    for index, colour in enumerate(colours):
        row, column = divmod(index, 10)
        x, y = 40 + column * 74, 40 + row * 92
        draw.ellipse((x, y, x + 58, y + 78), fill=(70, 40, 24))
        draw.ellipse((x + 6, y + 6, x + 52, y + 72), fill=colour)
        draw.line((x + 29, y + 10, x + 29, y + 68), fill=(60, 34, 20), width=2)
    out = BytesIO()
    image.save(out, "JPEG", quality=85)
    return FileStorage(BytesIO(out.getvalue()), filename="prueba-de-corte.jpg",
                       content_type="image/jpeg")


def _rectangle(lon_west: str, lat_south: str, lon_east: str, lat_north: str) -> dict:
    w, s, e, n = (D(v) for v in (lon_west, lat_south, lon_east, lat_north))
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def _feature(plot_id: str, producer: str, place: str, geometry: dict, area=None) -> dict:
    if area is None:  # a polygon's declared area is what it measures, to the hundredth
        area = D(repr(geo.polygon_area_ha(geometry))).quantize(D("0.01"))
    return {"type": "Feature", "id": plot_id, "geometry": geometry,
            "properties": {"ProducerName": producer, "ProducerCountry": "PE",
                           "ProductionPlace": place, "Area": area}}


def _collection(*features) -> str:
    return geo.dumps_geojson({"type": "FeatureCollection", "features": list(features)})


# Well fermented Grade I: 2 % mouldy, 1.33 % slaty, 1 % insect + germinated + flat.
CUT_GRADE_I = {"cut_test_n": 300, "well_fermented": 228, "partly_fermented": 48, "purple": 9,
               "slaty": 4, "mouldy": 6, "insect_damaged": 1, "germinated": 1, "flat": 3}
# 3.7 % mouldy: Grade II.
CUT_GRADE_II = {"cut_test_n": 300, "well_fermented": 201, "partly_fermented": 57, "purple": 18,
                "slaty": 9, "mouldy": 11, "insect_damaged": 2, "germinated": 1, "flat": 1}


def _liquor_scores(**overrides) -> dict:
    scores = {"cacao": 5, "acidity": 3, "bitterness": 3, "astringency": 3, "fresh_fruit": 4,
              "browned_fruit": 2, "vegetal": 1, "floral": 3, "woody": 2, "spice": 1, "nutty": 3,
              "caramel_panela": 2, "roast_degree": 3, "off_flavours": 0}
    scores.update(overrides)
    return {code: D(str(value)) for code, value in scores.items()}


def _lot(org, *, terms: dict, origin: dict, post_harvest: dict, genetics, **identity):
    lot = editing.create_lot(org, **identity)
    editing.update_lot(lot, "origin", **origin)
    editing.set_genetics(lot, [editing.GeneticsRow(*row) for row in genetics])
    editing.update_lot(lot, "post_harvest", **post_harvest)
    editing.update_lot(lot, "terms", **terms)
    return lot


def seed_lots(made: dict) -> None:
    """Lots for Infierno (the full sheet), Tahuamanu, Bajo Huallaga, Amazonas and Agrobosque."""
    orgs = made["organisations"]
    today = date.today()
    valid_until = today + timedelta(days=90)
    group_organic = {
        "scheme": "eu_organic", "holder": "Cooperativa Agrobosque",
        "certificate_no": "CU-PE-884412", "certifier_name": "Control Union Peru",
        "certifier_code": "PE-BIO-149", "status": "certified",
        "valid_from": today - timedelta(days=300), "valid_to": today + timedelta(days=430),
        "verify_url": "https://certificates.controlunion.com/",
    }
    title = _pdf("Título de propiedad comunal – Comunidad Nativa Infierno",
                 ["Documento de demostración: copia del título de propiedad comunal inscrito "
                  "en SUNARP, partida de la Comunidad Nativa Infierno, Tambopata, Madre de Dios.",
                  "Demo document: copy of the communal land title."], "titulo-infierno.pdf")

    # Infierno: the complete sheet ------------------------------------------------------------
    infierno = _lot(
        orgs["infierno"], lot_code="PE-MDD-INF-26-001",
        name_es="Cacao nativo agroforestal – cosecha 2026",
        name_en="Native agroforestry cacao – 2026 harvest",
        product_form="dry_fermented", harvest_start=date(2026, 3, 1),
        harvest_end=date(2026, 7, 31), volume_kg=D(2400), bag_count=40, net_kg_per_bag=D(60),
        bag_type="jute", hs_code="1801.00",
        warehouse_es="Almacén de la Cooperativa Agrobosque, Puerto Maldonado",
        warehouse_en="Agrobosque Cooperative warehouse, Puerto Maldonado",
        description_es="Cacao nativo amazónico y trinitario cultivado bajo sombra de bosque en "
        "el territorio Ese Eja de Infierno, fermentado en cajones de madera en nuestra planta.",
        description_en="Native Amazonian and Trinitario cacao grown under forest shade on the "
        "Ese Eja territory of Infierno, fermented in wooden boxes at our own plant.",
        origin={"exporter_of_record": "Cooperativa Agrobosque", "region": "Madre de Dios",
                "province": "Tambopata", "community": "Comunidad Nativa Infierno",
                "altitude_min": 190, "altitude_max": 230, "n_producers": 21, "area_ha": D(21),
                "production_system": "agroforestry",
                "fine_flavour_note_es": "El ICCO clasifica al Perú como 75 % cacao fino o de "
                "aroma; es una calificación del país, no de este lote.",
                "fine_flavour_note_en": "ICCO rates Peru 75 % fine or flavour; a country "
                "rating, not a claim about this lot."},
        genetics=[("native_amazonian", D(70), "Chuncho amazónico"), ("trinitario", D(30), "")],
        post_harvest={"processing_site": "central_plant", "ferment_vessel": "wooden_box",
                      "ferment_hours": 144, "turns": 3,
                      "wood_species_es": "tornillo (Cedrelinga cateniformis)",
                      "wood_species_en": "tornillo (Cedrelinga cateniformis)",
                      "pre_drying": True, "dry_method": "sun_beds", "dry_days": 7},
        terms={"incoterm": "FCA", "incoterm_place": "Puerto Maldonado", "price_basis": "fixed",
               "price_usd_per_mt": D(8200), "price_valid_until": valid_until, "moq_kg": D(600),
               "sample_available": True, "sample_size_g": 500, "sample_cost_usd": D(0),
               "sample_lead_time_days": 10,
               "price_premium_kind": "organic", "price_premium_usd_mt": D(300),
               "payment_terms_es": "30 % adelanto, saldo contra documentos",
               "payment_terms_en": "30 % advance, balance against documents",
               "ship_window_es": "Diciembre 2026 – febrero 2027",
               "ship_window_en": "December 2026 – February 2027",
               "export_docs": ["commercial_invoice", "packing_list", "certificate_of_origin",
                               "phytosanitary_senasa", "organic_coi"]},
    )
    producer = "Asociación Agroforestal CN Infierno"
    place = "CN Infierno, Tambopata, Madre de Dios"
    plots.import_geojson(infierno, _collection(
        _feature("INF-P01", producer, place,
                 _rectangle("-69.192500", "-12.594200", "-69.189800", "-12.592100")),
        _feature("INF-P02", producer, place,
                 {"type": "Polygon", "coordinates": [[
                     [D("-69.186400"), D("-12.590800")], [D("-69.184100"), D("-12.590600")],
                     [D("-69.183700"), D("-12.588500")], [D("-69.185600"), D("-12.587900")],
                     [D("-69.186900"), D("-12.589300")], [D("-69.186400"), D("-12.590800")]]]}),
        _feature("INF-P03", "Rosa Mishaja", place,
                 {"type": "Point", "coordinates": [D("-69.181245"), D("-12.585512")]}, D("2.5")),
        _feature("INF-P04", "Julio Huajohuajo", place,
                 {"type": "Point", "coordinates": [D("-69.179870"), D("-12.583904")]}, D("3.2")),
    ))
    editing_eudr.save_eudr_evidence(
        infierno, legality_file=title,
        no_deforestation_file=_pdf(
            "Análisis de uso del suelo 2020–2026 – parcelas INF-P01 a INF-P04",
            ["Documento de demostración: comparación de cobertura forestal al 31/12/2020 "
             "(fecha de corte del Reglamento (UE) 2023/1115) con imágenes de 2026.",
             "Demo document: land-use comparison against the 31 Dec 2020 cut-off."],
            "uso-del-suelo.pdf"),
        no_deforestation_evidence_url="https://www.globalforestwatch.org/map/")
    analyses.save_analysis(
        infierno, analysis_date=date(2026, 8, 5), lab="Laboratorio de Calidad Agrobosque",
        sample_kg=D("1.5"), moisture_pct=D("7.1"), bean_count_per_100g=96,
        fermentation_index=D("1.21"), cadmium_mg_kg=D("0.42"), ffa_pct=D("0.9"),
        files={"report": _pdf("Informe de análisis físico – PE-MDD-INF-26-001",
                              ["Prueba de corte ISO 1114, 300 granos.", "Humedad 7.1 %."],
                              "informe.pdf")},
        cut_test_photo=_cut_test_photo(),
        **CUT_GRADE_I)
    sensory.save_evaluation(
        infierno, scores=_liquor_scores(fresh_fruit=5, fresh_fruit_yellow_orange_white=4,
                                        fresh_fruit_tropical=3, floral=4,
                                        floral_orange_blossom=3, nutty_nut_flesh=3),
        protocol="coex_liquor", evaluator="Panel sensorial Cocoa of Excellence", panel_size=6,
        evaluated_on=date(2026, 8, 20), roast_profile_es="120 °C durante 25 min, tostador de tambor",
        roast_profile_en="120 °C for 25 min, drum roaster",
        global_quality=D("7.8"),
        flavour_notes_es="Cacao intenso con fruta amarilla, azahar y nuez fresca; acidez "
        "frutal limpia y final largo.",
        flavour_notes_en="Intense cocoa with yellow fruit, orange blossom and fresh nut; clean "
        "fruity acidity and a long finish.",
        awards_es="Cocoa of Excellence 2025 – seleccionado entre los 50 mejores del mundo",
        awards_en="Cocoa of Excellence 2025 – selected among the world's best 50")
    certificates.save_certificate(infierno, **group_organic, file=_pdf(
        "Certificado orgánico de grupo – Cooperativa Agrobosque",
        ["Documento de demostración. Reglamento (UE) 2018/848.",
         "Certificadora: Control Union Peru, PE-BIO-149. Certificado CU-PE-884412."],
        "certificado-organico.pdf"))
    certificates.save_certificate(
        infierno, scheme="fairtrade", holder="Cooperativa Agrobosque",
        certificate_no="FLO ID 36712", certifier_name="FLOCERT", certifier_code="",
        status="certified", valid_from=today - timedelta(days=200),
        valid_to=today + timedelta(days=530), verify_url="https://www.flocert.net/")
    editing.publish_lot(infierno)

    # Tahuamanu: one published lot (with an expired certificate) and a draft -----------------
    tahuamanu = _lot(
        orgs["tahuamanu"], lot_code="PE-MDD-TAH-26-001",
        name_es="Cacao nativo bajo sombra de castaña", name_en="Native cacao under Brazil-nut shade",
        product_form="dry_fermented", harvest_start=date(2026, 2, 15),
        harvest_end=date(2026, 6, 15), volume_kg=D(1300), bag_count=20,
        net_kg_per_bag=D(65), bag_type="jute_hermetic", hs_code="1801.00",
        warehouse_es="Almacén de la Cooperativa Agrobosque, Puerto Maldonado",
        warehouse_en="Agrobosque Cooperative warehouse, Puerto Maldonado",
        origin={"exporter_of_record": "Cooperativa Agrobosque", "region": "Madre de Dios",
                "province": "Tahuamanu", "community": "Iberia", "n_producers": 14,
                "area_ha": D("18.5"), "production_system": "agroforestry",
                "fine_flavour_note_es": "El ICCO clasifica al Perú como 75 % cacao fino o de "
                "aroma; es una calificación del país, no de este lote.",
                "fine_flavour_note_en": "ICCO rates Peru 75 % fine or flavour; a country "
                "rating, not a claim about this lot."},
        genetics=[("native_amazonian", D(100), "Cacao chuncho")],
        post_harvest={"processing_site": "on_farm", "ferment_vessel": "stepped_boxes",
                      "ferment_hours": 132, "turns": 2, "wood_species_es": "cedro",
                      "wood_species_en": "Spanish cedar", "pre_drying": False,
                      "dry_method": "solar_dryer", "dry_days": 8},
        terms={"incoterm": "FCA", "incoterm_place": "Puerto Maldonado", "price_basis": "fixed",
               "price_usd_per_mt": D(7600), "price_valid_until": valid_until,
               "moq_kg": D(650), "sample_available": True, "sample_size_g": 300,
               "sample_cost_usd": D(25), "sample_lead_time_days": 14,
               "payment_terms_es": "50 % adelanto, saldo a la entrega en almacén",
               "payment_terms_en": "50 % advance, balance on delivery at the warehouse",
               "ship_window_es": "Enero – marzo 2027", "ship_window_en": "January – March 2027",
               "export_docs": ["commercial_invoice", "packing_list", "phytosanitary_senasa"]},
    )
    plots.import_geojson(tahuamanu, _collection(
        _feature("TAH-P01", "Luis Vargas", "Iberia, Tahuamanu",
                 _rectangle("-69.493300", "-11.412600", "-69.490700", "-11.410500")),
        _feature("TAH-P02", "Familia Cahuana", "Iberia, Tahuamanu",
                 {"type": "Point", "coordinates": [D("-69.488912"), D("-11.408733")]}, D("3.5")),
    ))
    editing_eudr.save_eudr_evidence(
        tahuamanu, legality_file=_pdf("Contrato de concesión y certificado de posesión",
                                      ["Documento de demostración."], "posesion.pdf"),
        no_deforestation_evidence_url="https://www.globalforestwatch.org/map/")
    analyses.save_analysis(
        tahuamanu, analysis_date=date(2026, 7, 2), lab="Laboratorio de Calidad Agrobosque",
        sample_kg=D("1.2"), moisture_pct=D("7.6"), bean_count_per_100g=104, ffa_pct=D("1.1"),
        files={"report": _pdf("Informe de análisis físico – PE-MDD-TAH-26-001",
                              ["Prueba de corte ISO 1114, 300 granos.", "Humedad 7.6 %."],
                              "informe.pdf")},
        cut_test_photo=_cut_test_photo(), **CUT_GRADE_II)
    sensory.save_evaluation(
        tahuamanu, scores=_liquor_scores(cacao=4, acidity=4, fresh_fruit=3, browned_fruit=3,
                                         vegetal=2, floral=1, nutty=4, off_flavours=1),
        protocol="coex_liquor", evaluator="Laboratorio de Calidad Agrobosque", panel_size=3,
        evaluated_on=date(2026, 7, 8), roast_profile_es="120 °C durante 25 min",
        roast_profile_en="120 °C for 25 min", global_quality=D("6.4"),
        flavour_notes_es="Cacao y nuez, acidez frutal media; un ligero sabor terroso.",
        flavour_notes_en="Cocoa and nut, medium fruity acidity; a slight earthy note.",
        awards_es="Concurso regional de cacao de Madre de Dios 2025 – segundo puesto",
        awards_en="Madre de Dios regional cacao contest 2025 – second place")
    certificates.save_certificate(tahuamanu, **group_organic)
    certificates.save_certificate(  # lapsed: shown as expired, never as valid
        tahuamanu, scheme="usda_nop", holder="Cooperativa Agrobosque",
        certificate_no="NOP-8150-0042", certifier_name="Control Union Certifications",
        certifier_code="", status="certified", valid_from=today - timedelta(days=800),
        valid_to=today - timedelta(days=70),
        verify_url="https://organic.ams.usda.gov/integrity/")
    editing.publish_lot(tahuamanu)
    editing.create_lot(
        orgs["tahuamanu"], lot_code="PE-MDD-TAH-26-002", name_es="Cacao en baba – lote de prueba",
        name_en="Wet cacao – trial lot", product_form="wet", harvest_start=date(2026, 4, 1),
        harvest_end=date(2026, 5, 15), volume_kg=D(800), bag_type="bulk", hs_code="1801.00")

    # Bajo Huallaga: a published lot ---------------------------------------------------------
    huallaga = _lot(
        orgs["huallaga"], lot_code="PE-SAM-BEL-26-001",
        name_es="Fino de aroma Bajo Huallaga", name_en="Bajo Huallaga fine flavour",
        product_form="dry_fermented", harvest_start=date(2026, 4, 1),
        harvest_end=date(2026, 8, 31), volume_kg=D(12000), bag_count=200,
        net_kg_per_bag=D(60), bag_type="jute", hs_code="1801.00",
        warehouse_es="Almacén de la asociación, Bellavista (San Martín)",
        warehouse_en="The association's warehouse, Bellavista (San Martín)",
        origin={"exporter_of_record": "Asociación Agroecológica Bajo Huallaga",
                "region": "San Martín", "province": "Picota", "community": "Bellavista",
                "altitude_min": 220, "altitude_max": 450, "n_producers": 86, "area_ha": D(140),
                "production_system": "agroforestry",
                "fine_flavour_note_es": "El ICCO clasifica al Perú como 75 % cacao fino o de "
                "aroma; es una calificación del país, no de este lote.",
                "fine_flavour_note_en": "ICCO rates Peru 75 % fine or flavour; a country "
                "rating, not a claim about this lot."},
        genetics=[("trinitario", D(60), "ICS-95, ICS-39"), ("forastero_amazon", D(25), ""),
                  ("ccn51", D(15), "")],
        post_harvest={"processing_site": "central_plant", "ferment_vessel": "stepped_boxes",
                      "ferment_hours": 120, "turns": 3, "wood_species_es": "bolaina",
                      "wood_species_en": "bolaina (Guazuma crinita)", "pre_drying": True,
                      "dry_method": "mixed", "dry_days": 6},
        terms={"incoterm": "FOB", "incoterm_place": "Callao",
               "price_basis": "differential", "price_market": "ice_ny",
               "price_differential_usd_mt": D(650), "ice_contract_month_es": "marzo 2027",
               "ice_contract_month_en": "March 2027",
               "price_valid_until": valid_until,
               "moq_kg": D(3000), "sample_available": True, "sample_size_g": 1000,
               "sample_cost_usd": D(40), "sample_lead_time_days": 7,
               "payment_terms_es": "Carta de crédito irrevocable a la vista",
               "payment_terms_en": "Irrevocable letter of credit at sight",
               "ship_window_es": "Febrero – abril 2027", "ship_window_en": "February – April 2027",
               "export_docs": ["commercial_invoice", "packing_list", "certificate_of_origin",
                               "phytosanitary_senasa", "quality_certificate"]},
    )
    plots.import_geojson(huallaga, _collection(
        _feature("BH-014", "Ana Tuanama", "Bellavista, Picota, San Martín",
                 _rectangle("-76.330500", "-6.893400", "-76.327600", "-6.891200")),
        _feature("BH-015", "Segundo Panaifo", "Bellavista, Picota, San Martín",
                 {"type": "Point", "coordinates": [D("-76.324118"), D("-6.889075")]}, D("2.8")),
    ))
    editing_eudr.save_eudr_evidence(
        huallaga, legality_file=_pdf("Constancias de posesión de los socios",
                                     ["Documento de demostración."], "posesion.pdf"),
        no_deforestation_evidence_url="https://www.globalforestwatch.org/map/")
    analyses.save_analysis(
        huallaga, analysis_date=date(2026, 9, 10), lab="Laboratorio de Calidad ICT Tarapoto",
        sample_kg=D("2"), moisture_pct=D("6.9"), bean_count_per_100g=112, ffa_pct=D("0.8"),
        fat_pct=D("53.5"), shell_pct=D("11.8"),
        files={"report": _pdf("Informe de análisis – Instituto de Cultivos Tropicales",
                              ["Prueba de corte ISO 1114, 300 granos.", "Humedad 6.9 %."],
                              "informe-ict.pdf")},
        cut_test_photo=_cut_test_photo(), **CUT_GRADE_I)
    sensory.save_evaluation(
        huallaga, scores=_liquor_scores(fresh_fruit=3, browned_fruit=3, nutty=4,
                                        caramel_panela=3),
        protocol="coex_liquor", evaluator="Panel sensorial ICT Tarapoto", panel_size=5,
        evaluated_on=date(2026, 9, 18), roast_profile_es="125 °C durante 22 min",
        roast_profile_en="125 °C for 22 min", global_quality=D("6.9"),
        flavour_notes_es="Cacao marcado, nuez y panela; acidez baja y final limpio.",
        flavour_notes_en="Marked cocoa, nut and panela; low acidity and a clean finish.",
        awards_es="Salón del Cacao y Chocolate, Lima 2025 – mención de calidad",
        awards_en="Salón del Cacao y Chocolate, Lima 2025 – quality mention")
    certificates.save_certificate(
        huallaga, scheme="rainforest_alliance", holder="Asociación Agroecológica Bajo Huallaga",
        certificate_no="RA-CERT-PE-0311", certifier_name="Control Union Peru",
        certifier_code="PE-BIO-149", status="certified", valid_from=today - timedelta(days=120),
        valid_to=today + timedelta(days=610),
        verify_url="https://www.rainforest-alliance.org/business/certification/",
        file=_pdf("Certificado Rainforest Alliance – Bajo Huallaga",
                  ["Documento de demostración.", "Certificado RA-CERT-PE-0311."],
                  "certificado-ra.pdf"))
    editing.publish_lot(huallaga)

    # Amazonas: a draft still being filled in ------------------------------------------------
    amazonas = editing.create_lot(
        orgs["amazonas"], lot_code="PE-AMA-IMA-26-001", name_es="Cacao nativo awajún",
        name_en="Awajún native cacao", product_form="dry_fermented",
        harvest_start=date(2026, 5, 1), harvest_end=date(2026, 9, 30), volume_kg=D(900),
        bag_count=15, net_kg_per_bag=D(60), bag_type="jute", hs_code="1801.00")
    editing.set_genetics(amazonas, [editing.GeneticsRow("native_amazonian", D(100),
                                                        "Cacao nativo fino de Amazonas")])

    made["lots"] = {"infierno": infierno, "tahuamanu": tahuamanu, "huallaga": huallaga,
                    "amazonas_draft": amazonas}


__all__ = ["seed_lots"]
