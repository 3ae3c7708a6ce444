"""Migration 5e0b3a91d7c2 keeps what sellers typed: single-language texts become the Spanish
value, and going back restores them; ICE London's GBP price and rate convert back to USD."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from matchmaker import create_app
from matchmaker.config import TestConfig
from matchmaker.extensions import db
from tests.conftest import BACKENDS, fresh_database_url
from tests.foundation.test_migrations import keep_logging  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow
BEFORE = "c4e1a7d2b9f0"


def _filler(column: sa.Column):
    try:
        kind = column.type.python_type
    except NotImplementedError:
        kind = str
    if kind is str:
        return f"{column.name}-1"[: getattr(column.type, "length", None) or 80]
    return {int: 1, bool: False, Decimal: Decimal(1), date: date(2026, 1, 1),
            datetime: datetime(2026, 1, 1)}[kind]


def _insert(connection, table_name: str, **values) -> int:
    """A row with `values`, every other NOT NULL column filled with a plain value."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=connection)
    row = {column.name: _filler(column) for column in table.columns
           if not column.nullable and not column.primary_key and column.server_default is None}
    row.update(values)
    return connection.execute(table.insert().values(**row)).inserted_primary_key[0]


@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.usefixtures("keep_logging")
def test_typed_texts_become_spanish_and_come_back(backend, tmp_path):
    import flask_migrate

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = fresh_database_url(backend, "bilingual", tmp_path)

    app = create_app(Config)
    with app.app_context():
        try:
            flask_migrate.upgrade(revision=BEFORE)
            with db.engine.begin() as connection:
                organisation = _insert(connection, "organisation", slug="org-1", kind="association")
                lot = _insert(connection, "lot", organisation_id=organisation, lot_code="L-1",
                              warehouse="Almacén Agrobosque", wood_species="tornillo",
                              ice_contract_month="marzo 2027", price_market_other="",
                              harvest_start=date(2026, 1, 1), harvest_end=date(2026, 2, 1),
                              price_basis="fixed", price_usd_per_mt=None)
                _insert(connection, "sensory_evaluation", lot_id=lot, protocol="coex_liquor",
                        evaluated_on=date(2026, 2, 1), global_quality=Decimal("7.5"),
                        roast_profile="120 °C, 25 min", awards="CoEx 2025 – 50 mejores")
                _insert(connection, "event", slug="fair", starts_on=date(2026, 12, 1),
                        ends_on=date(2026, 12, 3), ice_london_usd_mt=Decimal("7900"),
                        ice_london_on=date(2026, 11, 30))
            flask_migrate.upgrade()
            with db.engine.connect() as connection:
                row = connection.execute(sa.text(
                    "SELECT warehouse_es, warehouse_en, wood_species_es, ice_contract_month_es,"
                    " ice_contract_month_en FROM lot")).one()
                assert tuple(row) == ("Almacén Agrobosque", "", "tornillo", "marzo 2027", "")
                row = connection.execute(sa.text(
                    "SELECT roast_profile_es, awards_es, awards_en FROM sensory_evaluation")).one()
                assert tuple(row) == ("120 °C, 25 min", "CoEx 2025 – 50 mejores", "")
                # A USD figure cannot honestly become pounds: London is re-entered in GBP.
                row = connection.execute(sa.text(
                    "SELECT ice_london_gbp_t, ice_london_on FROM event")).one()
                assert tuple(row) == (None, None)
                connection.execute(sa.text(
                    "UPDATE event SET ice_london_gbp_t = 6000, ice_london_on = '2026-11-30',"
                    " usd_per_gbp = 1.25, usd_per_gbp_on = '2026-12-01'"))
                connection.commit()
            flask_migrate.downgrade(revision=BEFORE)
            with db.engine.connect() as connection:
                row = connection.execute(sa.text(
                    "SELECT warehouse, wood_species, ice_contract_month FROM lot")).one()
                assert tuple(row) == ("Almacén Agrobosque", "tornillo", "marzo 2027")
                row = connection.execute(sa.text("SELECT awards FROM sensory_evaluation")).one()
                assert row[0] == "CoEx 2025 – 50 mejores"
                london = connection.execute(sa.text("SELECT ice_london_usd_mt FROM event")).one()
                assert Decimal(str(london[0])) == Decimal("7500")
        finally:
            db.session.remove()
            db.engine.dispose()
