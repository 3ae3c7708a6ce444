"""Offer fixtures: lots with analyses, certificates and plots, built straight on the models."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest

from matchmaker.extensions import db
from matchmaker.lotsheet import quality, units
from matchmaker.models import Certificate, Lot, LotGenetics, ProductionPlot, QualityAnalysis

_n = itertools.count(1)
TODAY = date.today()


def make_lot(organisation, *, volume_kg="5000", price="3800", published=True, bag_kg=None,
             moq_kg=None, region="Madre de Dios", harvest=(date(2025, 4, 1), date(2025, 8, 31)),
             **fields):
    n = next(_n)
    lot = Lot(
        organisation=organisation, lot_code=fields.pop("lot_code", f"PE-MDD-T{n:04d}"),
        name_es=f"Lote {n}", name_en=f"Lot {n}", harvest_start=harvest[0], harvest_end=harvest[1],
        volume_kg=Decimal(volume_kg), price_usd_per_mt=Decimal(price) if price else None,
        net_kg_per_bag=Decimal(bag_kg) if bag_kg else None,
        moq_kg=Decimal(moq_kg) if moq_kg else None, region=region,
        community=organisation.community, is_published=published, **fields,
    )
    db.session.add(lot)
    db.session.commit()
    return lot


def add_analysis(lot, *, moisture="7.0", bean_count=95, well=240, partly=30, purple=21,
                 slaty=3, mouldy=3, insect=3, day=None):
    counts = dict(well_fermented=well, partly_fermented=partly, purple=purple, slaty=slaty,
                  mouldy=mouldy, insect_damaged=insect, germinated=0, flat=0)
    n = sum(counts.values())
    result = quality.analyse_cut_test(quality.CutTest(**counts, n=n))
    analysis = QualityAnalysis(
        lot=lot, analysis_date=day or TODAY - timedelta(days=30), lab="Lab", cut_test_n=n,
        moisture_pct=Decimal(moisture), bean_count_per_100g=bean_count,
        iso_grade=result.iso_grade.value,
        fermented_pct=units.round_half_up(result.fermented, 2), **counts,
    )
    db.session.add(analysis)
    lot.latest_iso_grade = result.iso_grade.value
    db.session.commit()
    return analysis


def add_certificate(lot, scheme="eu_organic", *, holder="Cooperativa Agrobosque",
                    valid_to=None, status="certified", valid_from=None):
    certificate = Certificate(
        lot=lot, scheme=scheme, holder=holder, certificate_no=f"C-{next(_n)}",
        certifier_name="Control Union", status=status,
        valid_from=valid_from or TODAY - timedelta(days=200),
        valid_to=valid_to or TODAY + timedelta(days=200),
    )
    db.session.add(certificate)
    db.session.commit()
    return certificate


def add_genetics(lot, genetics="native", share="100"):
    db.session.add(LotGenetics(lot=lot, genetics=genetics, share_pct=Decimal(share)))
    db.session.commit()


def add_plot(lot, ref="P-01", *, lon="-69.190001", lat="-12.580001", area="2.5"):
    plot = ProductionPlot(
        lot=lot, plot_ref=ref, producer_name="Productor", production_place="CN Infierno",
        area_ha=Decimal(area), geometry_type="Point",
        geometry_json=f'{{"type":"Point","coordinates":[{lon},{lat}]}}',
    )
    db.session.add(plot)
    db.session.commit()
    return plot


@pytest.fixture
def coop(factories):
    return factories.organisation(name="Cooperativa Agrobosque", kind="cooperative",
                                  community="Puerto Maldonado")


@pytest.fixture
def infierno(factories, coop):
    return factories.organisation(name="Asociación Infierno", community="CN Infierno",
                                  cooperative_id=coop.id)


@pytest.fixture
def tahuamanu(factories, coop):
    return factories.organisation(name="Asociación Tahuamanu", community="Iberia",
                                  cooperative_id=coop.id)


@pytest.fixture
def coop_rep(factories, coop):
    return factories.user("rep", organisation=coop, locale="es")


@pytest.fixture
def infierno_rep(factories, infierno):
    return factories.user("rep", organisation=infierno, locale="es")


@pytest.fixture
def tahuamanu_rep(factories, tahuamanu):
    return factories.user("rep", organisation=tahuamanu, locale="en")


@pytest.fixture
def ctx(app):
    """A request context in English, so services' gettext has a locale to use."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield
