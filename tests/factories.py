"""Factories: make_user, make_organisation, make_event, make_lot … with sensible defaults and
overrides. The one place tests build their data; conftests only arrange scenes from these."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from matchmaker.extensions import db
from matchmaker.models import (
    Certificate,
    Lot,
    LotGenetics,
    ProductionPlot,
    QualityAnalysis,
    SensoryEvaluation,
    SensoryScore,
)
from matchmaker.services import accounts
from matchmaker.services import events as event_service
from matchmaker.services.organisations import save_organisation

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def real_pdf_bytes(text: str = "Informe") -> bytes:
    """A small but complete PDF (one page), as uploads are parsed, not just sniffed."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def make_organisation(**overrides):
    n = next(_counter)
    fields = {
        "name": f"Asociación de Prueba {n}", "kind": "association", "ruc": None,
        "region": "Madre de Dios", "province": "Tambopata", "community": f"Comunidad {n}",
        "description_es": "Cacao agroforestal.", "description_en": "Agroforestry cacao.",
        "contact_email": "", "contact_phone": "", "website": "", "cooperative_id": None,
    }
    fields.update(overrides)
    organisation = save_organisation(None, **fields)
    db.session.commit()
    return organisation


def make_user(role: str = "buyer", **overrides):
    n = next(_counter)
    email = overrides.pop("email", f"{role}{n}@example.test")
    password = overrides.pop("password", PASSWORD)
    if role == "buyer":
        signup = accounts.BuyerSignup(
            name=overrides.pop("name", f"Buyer {n}"), email=email, password=password,
            company=overrides.pop("company", f"Cocoa Company {n}"),
            country=overrides.pop("country", "DE"),
            buyer_type=overrides.pop("buyer_type", "chocolate_maker"),
            locale=overrides.pop("locale", "en"),
            **overrides,
        )
        user = accounts.register_buyer(signup)
    else:
        organisation = overrides.pop("organisation", None)
        if role == "rep" and organisation is None:
            organisation = make_organisation()
        user = accounts.create_user(
            email=email, name=overrides.pop("name", f"{role.title()} {n}"), password=password,
            role=role, organisation=organisation, **overrides,
        )
    db.session.commit()
    return user


def make_event(**overrides):
    n = next(_counter)
    start = overrides.pop("starts_on", date.today())
    fields = {
        "name": f"Feria de Prueba {n}", "city": "Puerto Maldonado", "venue": "Centro",
        "starts_on": start, "ends_on": start + timedelta(days=2), "timezone": "America/Lima",
        "description_es": "Feria.", "description_en": "Fair.", "is_published": True,
    }
    fields.update(overrides)
    event = event_service.save_event(None, **fields)
    db.session.commit()
    return event


def login(client, user, password: str = PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def factories(app):
    """The factory functions, bound to the test's app context."""

    class Factories:
        organisation = staticmethod(make_organisation)
        user = staticmethod(make_user)
        event = staticmethod(make_event)
        lot = staticmethod(make_lot)

    return Factories


@pytest.fixture
def login_as(client):
    def _login(user, password: str = PASSWORD):
        login(client, user, password)
        return client

    return _login


# Meetings ---------------------------------------------------------------------------------

def make_session(event=None, **overrides):
    """A bookable roundtable session on the event's first day: 09:00–12:00, 20-minute meetings,
    a 10:20–10:40 break, 3 tables (8 slots)."""
    from datetime import time

    from matchmaker.services.meetings.sessions import SessionSetup, save_session

    event = event or make_event()
    fields = {
        "day": event.starts_on, "starts_local": time(9, 0), "ends_local": time(12, 0),
        "meeting_minutes": 20, "changeover_minutes": 0, "table_count": 3, "expiry_hours": 24,
        "breaks": [(time(10, 20), time(10, 40))], "name": "", "is_bookable": True,
    }
    fields.update(overrides)
    session = save_session(event, None, SessionSetup(**fields))
    db.session.commit()
    return session


def make_exhibitor(event, organisation=None, booth=None):
    organisation = organisation or make_organisation()
    exhibitor = event_service.register_exhibitor(
        event, organisation, booth or f"M-{next(_counter)}"
    )
    db.session.commit()
    return exhibitor


def make_meeting(slot=None, buyer=None, organisation=None, *, status="requested", now=None,
                 **overrides):
    """A booked meeting (requested by default; 'accepted' goes through the reps' answer)."""
    from datetime import UTC, datetime

    from matchmaker.services.meetings import booking

    if slot is None:
        event = make_event(starts_on=date.today() + timedelta(days=7))
        slot = make_session(event).slots[0]
    event = slot.session.event
    organisation = organisation or make_exhibitor(event).organisation
    from matchmaker.models import Exhibitor

    if db.session.scalar(db.select(Exhibitor).where(
        Exhibitor.event_id == event.id, Exhibitor.organisation_id == organisation.id
    )) is None:
        make_exhibitor(event, organisation)
    buyer = buyer or make_user("buyer")
    now = now or datetime.now(UTC)
    meeting = booking.request_meeting(buyer, organisation, slot, now=now, **overrides)
    if status == "accepted":
        rep = make_user("rep", organisation=organisation)
        booking.accept(meeting, rep, now=now)
    db.session.commit()
    return meeting

# End of meetings factories


# Lots -------------------------------------------------------------------------------------

# A complete, published product sheet, written straight to the models (the editor's rules are
# tested through the editor; these are the lots other features work with).
SQUARE_1HA = {
    "type": "Polygon",
    "coordinates": [[
        ["-69.190000", "-12.590000"], ["-69.189080", "-12.590000"],
        ["-69.189080", "-12.589096"], ["-69.190000", "-12.589096"],
        ["-69.190000", "-12.590000"],
    ]],
}


def point(lon: str, lat: str) -> dict:
    """A GeoJSON Point with coordinates kept as typed (strings), for add_plot."""
    return {"type": "Point", "coordinates": [lon, lat]}


def _geometry_text(geometry: dict) -> str:
    # Coordinates written digit for digit, as the editor stores what was typed.
    def render(value):
        if isinstance(value, list):
            return "[" + ",".join(render(v) for v in value) + "]"
        if isinstance(value, str) and value.lstrip("-").replace(".", "").isdigit():
            return value
        return json.dumps(value)

    return "{" + f'"type":"{geometry["type"]}","coordinates":{render(geometry["coordinates"])}' + "}"


def make_lot(organisation=None, *, published: bool = True, **overrides) -> Lot:
    """A complete lot of dry fermented beans (published unless published=False)."""
    n = next(_counter)
    organisation = organisation or make_organisation()
    fields = {
        # Four digits: never equal to a three-digit code a test writes itself.
        "lot_code": f"PE-MDD-TST-25-{n:04d}",
        "name_es": f"Cacao fino de prueba {n}", "name_en": f"Fine test cacao {n}",
        "product_form": "dry_fermented",
        "harvest_start": date(2025, 4, 1), "harvest_end": date(2025, 7, 31),
        "volume_kg": Decimal("3000"), "bag_count": 50, "net_kg_per_bag": Decimal("60"),
        "bag_type": "jute", "exporter_of_record": "Cooperativa Agrobosque",
        "region": "Madre de Dios", "province": "Tambopata", "community": "CN Infierno",
        "n_producers": 21, "area_ha": Decimal("21"), "production_system": "agroforestry",
        "description_es": "Cacao nativo agroforestal.", "description_en": "Native agroforestry cacao.",
        "processing_site": "central_plant", "ferment_vessel": "wooden_box", "ferment_hours": 144,
        "dry_method": "sun_beds", "dry_days": 7,
        "incoterm": "FCA", "incoterm_place": "Puerto Maldonado", "price_basis": "fixed",
        "price_usd_per_mt": Decimal("9500"), "price_valid_until": date.today() + timedelta(days=60),
        "moq_kg": Decimal("600"), "sample_available": True, "sample_size_g": 500,
        "sample_cost_usd": Decimal("0"), "sample_lead_time_days": 5,
        "is_published": published,
        "published_at": datetime.now(UTC) - timedelta(minutes=n) if published else None,
    }
    fields.update(overrides)
    if "bag_count" not in overrides and fields["volume_kg"] and fields["net_kg_per_bag"]:
        # Keep the packing consistent with a volume or bag size given (the editor refuses a
        # sheet whose bags × kg per bag contradict its volume); no whole number, no count.
        bags = Decimal(fields["volume_kg"]) / Decimal(fields["net_kg_per_bag"])
        fields["bag_count"] = int(bags) if bags == bags.to_integral_value() else None
    lot = Lot(organisation=organisation, **fields)
    db.session.add(lot)
    db.session.commit()
    return lot


def add_analysis(lot: Lot, *, analysis_date: date | None = None, moisture: str = "7.2",
                 bean_count: int = 95, **counts_and_fields):
    """A 300-bean cut test: 240 well + 27 partly fermented (89 %), 3 mouldy, 6 slaty: Grade I.
    Counts given are kept; purple beans make up the 300 (taken from the well fermented if the
    defects asked for leave no room)."""
    counts = {"well_fermented": 240, "partly_fermented": 27, "slaty": 6, "mouldy": 3,
              "insect_damaged": 0, "germinated": 0, "flat": 0}
    for key in list(counts_and_fields):
        if key in counts or key == "purple":
            counts[key] = counts_and_fields.pop(key)
    if "purple" not in counts:
        counts["purple"] = 300 - sum(counts.values())
        if counts["purple"] < 0:
            counts["well_fermented"] += counts["purple"]
            counts["purple"] = 0
    from matchmaker.services.lots.sheet import analysis_view  # grades derive from the counts

    analysis = QualityAnalysis(
        lot=lot, analysis_date=analysis_date or date(2025, 8, 10), lab="Laboratorio de Prueba",
        moisture_pct=Decimal(moisture), bean_count_per_100g=bean_count,
        cut_test_n=sum(counts.values()), iso_grade="I", fermented_pct=Decimal(0), **counts,
        **counts_and_fields,
    )
    view = analysis_view(analysis)
    analysis.iso_grade = view.iso_grade
    analysis.fermented_pct = view.fermented_pct
    db.session.add(analysis)
    db.session.flush()
    lot.latest_iso_grade = max(lot.analyses, key=lambda a: (a.analysis_date, a.id)).iso_grade
    db.session.commit()
    return analysis


def add_evaluation(lot: Lot, scores: dict[str, str] | None = None, *,
                   evaluated_on: date | None = None, global_quality: str = "7.5",
                   protocol: str = "coex_liquor", notes_en: str = "Red fruit and panela.",
                   notes_es: str = "Fruta roja y panela."):
    scores = scores or {"cacao": "5", "acidity": "3", "bitterness": "3", "astringency": "2",
                        "fresh_fruit": "6", "floral": "2", "nutty": "3", "caramel_panela": "4"}
    evaluation = SensoryEvaluation(
        lot=lot, protocol=protocol, evaluator="Panel de prueba", panel_size=5,
        evaluated_on=evaluated_on or date(2025, 8, 20), global_quality=Decimal(global_quality),
        flavour_notes_es=notes_es, flavour_notes_en=notes_en,
        scores=[SensoryScore(attribute=k, intensity=Decimal(v)) for k, v in scores.items()],
    )
    db.session.add(evaluation)
    db.session.flush()
    latest = max(lot.evaluations, key=lambda e: (e.evaluated_on, e.id))
    lot.latest_global_quality = latest.global_quality
    db.session.commit()
    return evaluation


def add_certificate(lot: Lot, scheme: str = "eu_organic", *, status: str = "certified",
                    valid_from: date | None = None, valid_to: date | None = None, **overrides):
    today = date.today()
    certificate = Certificate(
        lot=lot, scheme=scheme, holder=overrides.pop("holder", "Cooperativa Agrobosque"),
        certificate_no=overrides.pop("certificate_no", f"CERT-{next(_counter)}"),
        certifier_name="Control Union Peru", certifier_code="PE-BIO-149", status=status,
        valid_from=valid_from or today - timedelta(days=200),
        valid_to=valid_to or today + timedelta(days=165), **overrides,
    )
    db.session.add(certificate)
    db.session.commit()
    return certificate


def add_plot(lot: Lot, ref: str | None = None, *, area_ha: str = "1",
             geometry: dict | None = None, producer: str = "Asociación Agroforestal CN Infierno"):
    geometry = geometry or SQUARE_1HA
    plot = ProductionPlot(
        lot=lot, plot_ref=ref or f"P{next(_counter):03d}", producer_name=producer,
        production_place="CN Infierno, Tambopata", area_ha=Decimal(area_ha),
        geometry_type=geometry["type"], geometry_json=_geometry_text(geometry),
    )
    db.session.add(plot)
    db.session.commit()
    return plot


def add_genetics(lot: Lot, code: str = "native_amazonian", share: str = "100", variety: str = ""):
    row = LotGenetics(lot=lot, genetics=code, variety_name=variety, share_pct=Decimal(share))
    db.session.add(row)
    db.session.commit()
    return row


# What a rep types in the editor's first section (the other sections are filled by the
# lot-editor tests themselves).
DRAFT_LOT_IDENTITY = {
    "name_es": "Cacao nativo agroforestal", "name_en": "Native agroforestry cacao",
    "product_form": "dry_fermented", "harvest_start": date(2026, 3, 1),
    "harvest_end": date(2026, 6, 30), "volume_kg": Decimal("2400"), "bag_count": 40,
    "net_kg_per_bag": Decimal("60"), "bag_type": "jute", "hs_code": "1801.00",
}


def make_draft_lot(organisation, **overrides) -> Lot:
    """A draft lot as the editor creates it (services.lots.editing), identity section only."""
    from matchmaker.services.lots import editing

    fields = {"lot_code": editing.suggest_lot_code(organisation), **DRAFT_LOT_IDENTITY}
    fields.update(overrides)
    lot = editing.create_lot(organisation, **fields)
    db.session.commit()
    return lot


@pytest.fixture
def lots(app):
    """The lot factory functions, bound to the test's app context."""

    class Lots:
        make = staticmethod(make_lot)
        analysis = staticmethod(add_analysis)
        evaluation = staticmethod(add_evaluation)
        certificate = staticmethod(add_certificate)
        plot = staticmethod(add_plot)
        genetics = staticmethod(add_genetics)

    return Lots
