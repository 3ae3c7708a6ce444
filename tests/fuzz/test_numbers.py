"""Issue #12 item 2: numbers are finite, of sane size and inside their domain bounds, with a
translated message; no stored number, however large, takes a page down."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker.demo import DEMO_PASSWORD
from matchmaker.forms.fields import parse_decimal
from matchmaker.lotsheet import units
from matchmaker.lotsheet.bounds import BOUNDS
from matchmaker.models import Base, Lot
from matchmaker.number_format import format_decimal
from tests.demo_snapshot import load_demo
from tests.factories import make_draft_lot
from tests.fuzz.harness import crawl

ES = {"Accept-Language": "es-PE,es;q=0.9"}
TERMS = {"incoterm": "FCA", "incoterm_place": "Puerto Maldonado", "price_basis": "fixed",
         "price_usd_per_mt": "7850", "price_valid_until": "2026-12-31", "moq_kg": "600",
         "sample_available": "y", "sample_size_g": "500", "sample_cost_usd": "0",
         "sample_lead_time_days": "10"}


@pytest.fixture
def rep_and_lot(app, factories):
    organisation = factories.organisation(ruc="20490000099")
    rep = factories.user("rep", organisation=organisation, locale="es")
    with app.test_request_context():
        lot = make_draft_lot(organisation)
    return rep, lot


def _price(db, lot):
    db.session.expire_all()
    return db.session.get(Lot, lot.id).price_usd_per_mt


@pytest.mark.parametrize(("typed", "message"), [
    ("1e30", "Este número es demasiado grande o demasiado pequeño."),
    ("40000.01", "Ingrese un número de 500 a 40.000."),
    ("-1", "Ingrese un número de 500 a 40.000."),
    ("NaN", "Ingrese un número, por ejemplo 7,5."),
    ("sNaN", "Ingrese un número, por ejemplo 7,5."),
    ("Infinity", "Ingrese un número, por ejemplo 7,5."),
    ("-inf", "Ingrese un número, por ejemplo 7,5."),
    ("1e-400", "Este número es demasiado grande o demasiado pequeño."),
    ("1e999999", "Este número es demasiado grande o demasiado pequeño."),
])
def test_price_out_of_domain_refused_in_spanish_and_form_kept(client, login_as, db, rep_and_lot,
                                                             typed, message):
    rep, lot = rep_and_lot
    login_as(rep)
    response = client.post(f"/my/lots/{lot.lot_code}/terms",
                           data={**TERMS, "price_usd_per_mt": typed}, headers=ES)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert f'value="{typed}"' in html and 'value="Puerto Maldonado"' in html
    assert _price(db, lot) is None  # nothing written


def test_price_at_the_bound_is_saved(client, login_as, db, rep_and_lot):
    rep, lot = rep_and_lot
    login_as(rep)
    response = client.post(f"/my/lots/{lot.lot_code}/terms",
                           data={**TERMS, "price_usd_per_mt": "40000"})
    assert response.status_code == 302
    assert _price(db, lot) == Decimal("40000")


@pytest.mark.parametrize(("section", "field", "value"), [
    ("identity", "volume_kg", "10000000.01"),
    ("identity", "bag_count", "2147483648"),
    ("identity", "bag_count", "9" * 30),
    ("identity", "net_kg_per_bag", "1501"),
    ("origin", "altitude_min", "-101"),
    ("origin", "altitude_max", "6001"),
    ("origin", "area_ha", "1e30"),
    ("post-harvest", "ferment_hours", "721"),
    ("terms", "sample_size_g", "100001"),
    ("terms", "moq_kg", "1e12"),
])
def test_every_section_refuses_numbers_beyond_their_bound(client, login_as, db, rep_and_lot,
                                                          section, field, value):
    rep, lot = rep_and_lot
    login_as(rep)
    page = client.get(f"/my/lots/{lot.lot_code}/{section}")
    assert page.status_code == 200
    before = {c.name: getattr(lot, c.key) for c in Lot.__table__.columns if hasattr(lot, c.key)}
    response = client.post(f"/my/lots/{lot.lot_code}/{section}", data={field: value}, headers=ES)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    after = db.session.get(Lot, lot.id)
    assert {c.name: getattr(after, c.key) for c in Lot.__table__.columns
            if hasattr(after, c.key)} == before


def test_offer_line_of_thirty_digits_refused(client, login_as, db, app):
    load_demo()
    login_as_demo(client, "carmen.quispe@agrobosque.demo")
    offer_code = db.session.execute(sa.text("SELECT offer_code FROM consolidated_offer "
                                            "ORDER BY id LIMIT 1")).scalar()
    lot_id = db.session.execute(sa.text("SELECT id FROM lot ORDER BY id LIMIT 1")).scalar()
    lines = _count(db, "offer_lot")
    response = client.post(f"/my/offers/{offer_code}/lines", data={"lot_id": lot_id, "kg": "9" * 30})
    assert response.status_code in (409, 422)
    assert _count(db, "offer_lot") == lines


def test_parse_decimal_accepts_what_people_type():
    assert parse_decimal(" 7,5 ") == Decimal("7.5")
    assert parse_decimal("1 250") == Decimal("1250")
    assert parse_decimal("0") == 0
    for bad in ("NaN", "sNaN", "Infinity", "-Infinity", "1e-400", "1e30", "abc", "", "1e999999"):
        with pytest.raises(ValueError):
            parse_decimal(bad)


# Where each bound lands in the database.
BOUND_COLUMNS = {
    "price_usd_per_mt": [("lot", "price_usd_per_mt"), ("consolidated_offer", "price_usd_per_mt")],
    "volume_kg": [("lot", "volume_kg")], "moq_kg": [("lot", "moq_kg")],
    "target_volume_kg": [("consolidated_offer", "target_volume_kg")],
    "line_kg": [("offer_lot", "kg")], "buyer_volume_mt": [("buyer_profile", "volume_min_mt")],
    "sample_cost_usd": [("lot", "sample_cost_usd")], "net_kg_per_bag": [("lot", "net_kg_per_bag")],
    "area_ha": [("lot", "area_ha")], "plot_area_ha": [("production_plot", "area_ha")],
    "share_pct": [("lot_genetics", "share_pct")], "sample_kg": [("quality_analysis", "sample_kg")],
    "percent": [("quality_analysis", "moisture_pct")],
    "fermentation_index": [("quality_analysis", "fermentation_index")],
    "cadmium_mg_kg": [("quality_analysis", "cadmium_mg_kg")],
    "intensity": [("sensory_evaluation", "global_quality")],
}


def test_bounds_fit_their_columns():
    """A value the form accepts must fit its database column (Numeric precision, integer)."""
    for name, bound in BOUNDS.items():
        assert bound.low <= bound.high, name
        assert bound.high <= 2**31 - 1, name
        for table_name, column_name in BOUND_COLUMNS.get(name, []):
            column = Base.metadata.tables[table_name].c[column_name]
            room = Decimal(10) ** (column.type.precision - column.type.scale)
            assert bound.high < room, f"{name} allows more than {table_name}.{column_name} holds"


def test_display_helpers_never_raise_on_huge_values(app):
    with app.test_request_context(headers=ES):
        assert format_decimal(Decimal("1e30")).startswith("1.000.000")
        assert format_decimal(Decimal("1e300"))
        assert format_decimal(None) == ""
    assert units.round_half_up(Decimal("1e30"), 2) == Decimal("1e30")
    assert units.volume_display(Decimal("1e30")).kg == Decimal("1e30")
    assert units.whole_bags(Decimal("1e30"), Decimal("60")) > 10**28
    assert units.is_whole_bags(Decimal("6e30"), Decimal("60"))


# Every page with absurd numbers stored --------------------------------------------------

def _extreme(column, backend: str):
    """The largest value the column holds on this backend (1e30 where SQLite lets it)."""
    precision = getattr(column.type, "precision", None)
    if precision:
        scale = column.type.scale or 0
        if backend == "sqlite":
            return Decimal("1e30")
        return Decimal(10) ** (precision - scale) - Decimal(10) ** -scale
    return 2**31 - 1


def _count(db, table: str) -> int:
    return db.session.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar()


def login_as_demo(client, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302


# Columns whose checks allow any non-negative value: set to the largest the column holds.
EXTREME_COLUMNS = {
    "lot": ["volume_kg", "bag_count", "net_kg_per_bag", "n_producers", "area_ha", "ferment_hours",
            "turns", "dry_days", "moq_kg", "sample_size_g", "sample_cost_usd",
            "sample_lead_time_days", "altitude_min", "altitude_max", "price_premium_usd_mt"],
    "consolidated_offer": ["target_volume_kg", "price_usd_per_mt"],
    "offer_lot": ["kg"],
    "quality_analysis": ["sample_kg", "cadmium_mg_kg"],
}


@pytest.mark.slow
@pytest.mark.parametrize("role", ["anonymous", "buyer", "organiser"])
def test_every_page_renders_with_absurd_numbers_stored(app, db, backend, role):
    app.config.update(PROPAGATE_TEST_ERRORS=False, PROPAGATE_EXCEPTIONS=False)
    load_demo()
    for table_name, names in EXTREME_COLUMNS.items():
        table = Base.metadata.tables[table_name]
        values = {name: _extreme(table.c[name], backend) for name in names}
        db.session.execute(table.update().values(**values))
    lot = Base.metadata.tables["lot"]
    db.session.execute(lot.update().where(lot.c.price_basis == "fixed").values(
        price_usd_per_mt=_extreme(lot.c.price_usd_per_mt, backend)))
    db.session.execute(lot.update().where(lot.c.price_basis == "differential").values(
        price_differential_usd_mt=_extreme(lot.c.price_differential_usd_mt, backend)))
    db.session.commit()
    assert db.session.execute(sa.text("SELECT max(price_usd_per_mt) FROM lot")).scalar() >= 10**9

    client = app.test_client()
    email = {"buyer": "anna.becker@schokolade.demo",
             "organiser": "organiser@expoamazonica.demo"}.get(role)
    if email:
        login_as_demo(client, email)
    site = crawl(app, client)  # asserts no page answers 500
    visited = set(site.urls)
    assert {"lots.catalogue", "lots.detail", "offers.index"} <= visited
    lot_url = site.urls["lots.detail"]
    for suffix in ("/sheet", "/sheet.pdf"):
        with client.get(lot_url + suffix) as response:
            assert response.status_code == 200, suffix
    with client.get("/api/v1/lots") as response:
        assert response.status_code == 200


# Any text at all: a number of sane size comes out, or a ValueError; nothing else ----------

@settings(max_examples=300, derandomize=True, database=None)
@given(st.one_of(st.text(), st.from_regex(r"-?\d{0,40}([.,]\d{0,40})?([eE][-+]?\d{1,7})?",
                                          fullmatch=True),
                 st.sampled_from(["NaN", "sNaN", "-sNaN", "Infinity", "inf", "1e-400", "١٢٣"])))
def test_parse_decimal_of_any_text_is_sane_or_refused(text):
    try:
        value = parse_decimal(text)
    except ValueError:
        return
    assert value.is_finite()
    assert value == 0 or Decimal("1e-6") <= abs(value) < Decimal("1e10")
    with localcontext() as context:  # and the display side copes with it
        context.prec = 28
        assert units.round_half_up(value, 2) is not None
