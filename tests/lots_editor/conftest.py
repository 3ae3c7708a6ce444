"""Fixtures for lot editing: organisations with reps, lots at every stage, real upload files."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from werkzeug.datastructures import FileStorage

from matchmaker.extensions import db
from matchmaker.services.lots import analyses, editing, editing_eudr, plots
from tests.factories import (
    DRAFT_LOT_IDENTITY,
    make_draft_lot,
    make_organisation,
    make_user,
    real_pdf_bytes,
)

GEO_FIXTURES = Path(__file__).resolve().parent.parent / "lotsheet" / "fixtures"
_ruc = itertools.count(1)
# A Point of 2 ha at CN Infierno, six decimals, as a GPS shows it (lat, lon).
POINT_LINE = "-12.587456, -69.185123"


def unique_ruc() -> str:
    return f"20{next(_ruc) + 600000000:09d}"


def pdf_file(name: str = "report.pdf") -> FileStorage:
    """A tiny but real PDF document."""
    return FileStorage(BytesIO(real_pdf_bytes()), filename=name, content_type="application/pdf")


def text_file(name: str) -> FileStorage:
    return FileStorage(BytesIO(b"just some text, not what the name says\n"), filename=name,
                       content_type="application/octet-stream")


def jpeg_with_gps_bytes() -> bytes:
    """A JPEG whose EXIF holds a GPS position (CN Infierno) and a camera model."""
    image = Image.new("RGB", (64, 48), (120, 80, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "FarmPhone 3"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (12.0, 35.0, 14.8)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (69.0, 11.0, 6.4)
    out = BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def jpeg_file(name: str = "plot.jpg") -> FileStorage:
    return FileStorage(BytesIO(jpeg_with_gps_bytes()), filename=name, content_type="image/jpeg")


IDENTITY = DRAFT_LOT_IDENTITY  # the editor's first section, as the draft factory fills it
ORIGIN = {
    "exporter_of_record": "Cooperativa Agrobosque", "region": "Madre de Dios",
    "province": "Tambopata", "community": "CN Infierno", "n_producers": 21,
    "area_ha": Decimal("21"), "production_system": "agroforestry",
}
POST_HARVEST = {
    "processing_site": "central_plant", "ferment_vessel": "wooden_box", "ferment_hours": 144,
    "dry_method": "sun_beds", "dry_days": 7,
}
TERMS = {
    "incoterm": "FCA", "incoterm_place": "Puerto Maldonado", "price_basis": "fixed",
    "price_usd_per_mt": Decimal("7850"), "price_valid_until": date(2026, 12, 31),
    "moq_kg": Decimal("600"), "sample_available": True, "sample_size_g": 500,
    "sample_cost_usd": Decimal("0"), "sample_lead_time_days": 10,
}
GRADE_I_COUNTS = {
    "cut_test_n": 300, "well_fermented": 231, "partly_fermented": 45, "purple": 12, "slaty": 6,
    "mouldy": 3, "insect_damaged": 1, "germinated": 1, "flat": 1,
}


def analysis_fields(**overrides) -> dict:
    fields = {"analysis_date": date(2026, 7, 10), "lab": "Laboratorio de Calidad Agrobosque",
              "sample_kg": Decimal("1.5"), "moisture_pct": Decimal("7.2"),
              "bean_count_per_100g": 98, **GRADE_I_COUNTS}
    fields.update(overrides)
    return fields


def complete_lot(lot, *, with_analysis: bool = True):
    """Fill every required section so that the lot can be published."""
    editing.update_lot(lot, "origin", **ORIGIN)
    editing.set_genetics(lot, [editing.GeneticsRow("native_amazonian", Decimal(60), "Chuncho"),
                               editing.GeneticsRow("trinitario", Decimal(40))])
    editing.update_lot(lot, "post_harvest", **POST_HARVEST)
    editing.update_lot(lot, "terms", **TERMS)
    plots.add_plot_from_coordinates(lot, plot_ref="P01", producer_name="Rosa Mishaja",
                                    production_place="CN Infierno", area_ha=Decimal("2.5"),
                                    coordinates=POINT_LINE)
    editing_eudr.save_eudr_evidence(
        lot, no_deforestation_evidence_url="https://example.test/land-use-2020",
        legality_file=pdf_file("titulo.pdf"))
    if with_analysis:
        analyses.save_analysis(lot, **analysis_fields())
    db.session.commit()
    return lot


@pytest.fixture
def org(app):
    return make_organisation(ruc=unique_ruc(), community="CN Infierno")


@pytest.fixture
def other_org(app):
    return make_organisation(ruc=unique_ruc())


@pytest.fixture
def rep(org):
    return make_user("rep", organisation=org, locale="en")


@pytest.fixture
def lot(org):
    return make_draft_lot(org)


@pytest.fixture(autouse=True)
def request_context(app):
    """Services translate their messages, which needs a request (English, the source)."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield
