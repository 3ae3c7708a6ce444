"""Catalogue filters, search, sort and pagination: each filter with lots that do and don't match."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from matchmaker.services.lots.catalogue import parse_filters, search_lots
from tests.factories import make_event, make_organisation


def _codes(args: dict, **kwargs) -> list[str]:
    parsed = parse_filters(args)
    assert parsed.invalid == []
    page = search_lots(parsed.filters, today=date.today(), **kwargs)
    return [lot.lot_code for lot in page.lots]


def test_only_published_lots_are_listed(lots):
    shown = lots.make()
    lots.make(published=False)
    assert _codes({}) == [shown.lot_code]


def test_filter_by_event_lists_lots_of_exhibitors(lots):
    from matchmaker.extensions import db
    from matchmaker.services.events import register_exhibitor

    event = make_event()
    exhibiting, absent = make_organisation(), make_organisation()
    register_exhibitor(event, exhibiting, "A-1")
    db.session.commit()
    inside, outside = lots.make(exhibiting), lots.make(absent)
    assert _codes({"event": event.slug}) == [inside.lot_code]
    assert outside.lot_code in _codes({})


def test_filter_by_organisation_and_region(lots):
    first, second = make_organisation(), make_organisation()
    a = lots.make(first, region="Madre de Dios")
    b = lots.make(second, region="San Martín")
    assert _codes({"organisation": first.slug}) == [a.lot_code]
    assert _codes({"region": "San Martín"}) == [b.lot_code]


def test_filter_by_product_form_and_genetics(lots):
    beans = lots.make()
    nibs = lots.make(product_form="nibs")
    lots.genetics(beans, "native_amazonian")
    lots.genetics(nibs, "ccn51")
    assert _codes({"product_form": "nibs"}) == [nibs.lot_code]
    assert _codes({"genetics": "native_amazonian"}) == [beans.lot_code]


def test_certification_filter_counts_only_certificates_valid_today(lots):
    today = date.today()
    valid, expired, suspended, future = lots.make(), lots.make(), lots.make(), lots.make()
    lots.certificate(valid)
    lots.certificate(expired, valid_from=today - timedelta(days=400),
                     valid_to=today - timedelta(days=1))
    lots.certificate(suspended, status="suspended")
    lots.certificate(future, valid_from=today + timedelta(days=3),
                     valid_to=today + timedelta(days=300))
    assert _codes({"certification": "eu_organic"}) == [valid.lot_code]
    assert _codes({"certification": "fairtrade"}) == []


def test_min_grade_filter(lots):
    grade_one, grade_two, sub, ungraded = lots.make(), lots.make(), lots.make(), lots.make()
    lots.analysis(grade_one)
    lots.analysis(grade_two, mouldy=12)  # 4 %
    lots.analysis(sub, mouldy=15)
    assert _codes({"min_grade": "I"}) == [grade_one.lot_code]
    assert set(_codes({"min_grade": "II"})) == {grade_one.lot_code, grade_two.lot_code}
    assert ungraded.lot_code not in _codes({"min_grade": "SS"})


def test_volume_and_price_filters(lots):
    small = lots.make(volume_kg=Decimal("500"), price_usd_per_mt=Decimal("8000"))
    big = lots.make(volume_kg=Decimal("9000"), price_usd_per_mt=Decimal("11000"))
    unpriced = lots.make(volume_kg=Decimal("9000"), price_usd_per_mt=None)
    assert set(_codes({"min_volume_kg": "1000"})) == {big.lot_code, unpriced.lot_code}
    assert _codes({"max_price_usd_mt": "9000"}) == [small.lot_code]


def test_flavour_filter_reads_the_latest_evaluation_only(lots):
    fruity, formerly_fruity, flat = lots.make(), lots.make(), lots.make()
    lots.evaluation(fruity, {"cacao": "5", "fresh_fruit": "6", "floral": "2"})
    lots.evaluation(formerly_fruity, {"cacao": "5", "fresh_fruit": "8", "floral": "2"},
                    evaluated_on=date(2024, 1, 1))
    lots.evaluation(formerly_fruity, {"cacao": "5", "fresh_fruit": "2", "floral": "2"},
                    evaluated_on=date(2025, 1, 1))
    lots.evaluation(flat, {"cacao": "5", "fresh_fruit": "4", "floral": "2"})
    assert _codes({"flavour": "fresh_fruit", "flavour_min": "5"}) == [fruity.lot_code]


@pytest.mark.parametrize("query", ["infierno", "TST-25", "asociación de prueba", "panela", "50%"])
def test_free_text_search(lots, query):
    organisation = make_organisation(name="Asociación de Prueba Única")
    hit = lots.make(organisation, community="CN Infierno", lot_code="PE-MDD-TST-25-900",
                    description_en="Sold at 50% cocoa content.")
    lots.evaluation(hit, notes_en="Panela and red fruit")
    lots.make(make_organisation(name="Other"), community="Tres Islas", lot_code="PE-X-1",
              description_en="Sold at 50 percent.", description_es="")
    assert _codes({"q": query}) == [hit.lot_code]


def test_search_escapes_like_wildcards(lots):
    lots.make(name_en="Plain")
    assert _codes({"q": "_"}) == []
    assert _codes({"q": "%"}) == []


def test_sorts(lots):
    cheap = lots.make(price_usd_per_mt=Decimal("7000"), volume_kg=Decimal("100"))
    dear = lots.make(price_usd_per_mt=Decimal("12000"), volume_kg=Decimal("5000"))
    unpriced = lots.make(price_usd_per_mt=None, volume_kg=Decimal("50"))
    lots.analysis(dear)
    lots.analysis(cheap, mouldy=12)
    lots.evaluation(cheap, global_quality="8.5")
    lots.evaluation(dear, global_quality="6.0")
    assert _codes({"sort": "price"}) == [cheap.lot_code, dear.lot_code, unpriced.lot_code]
    assert _codes({"sort": "volume"}) == [dear.lot_code, cheap.lot_code, unpriced.lot_code]
    assert _codes({"sort": "grade"})[:2] == [dear.lot_code, cheap.lot_code]
    assert _codes({"sort": "quality"}) == [cheap.lot_code, dear.lot_code, unpriced.lot_code]
    # Newest first: the factory publishes later lots a minute earlier.
    assert _codes({}) == [cheap.lot_code, dear.lot_code, unpriced.lot_code]


def test_pagination(lots):
    for _ in range(5):
        lots.make()
    parsed = parse_filters({})
    first = search_lots(parsed.filters, today=date.today(), page=1, per_page=2)
    last = search_lots(parsed.filters, today=date.today(), page=3, per_page=2)
    assert (first.total, first.pages, len(first.lots), first.has_next) == (5, 3, 2, True)
    assert (len(last.lots), last.has_next, last.has_prev) == (1, False, True)
    assert not {lot.id for lot in first.lots} & {lot.id for lot in last.lots}


def test_bad_arguments_are_named_and_ignored():
    parsed = parse_filters({"min_grade": "A", "max_price_usd_mt": "cheap", "sort": "random",
                            "flavour": "fresh_fruit", "flavour_min": "11"})
    assert sorted(parsed.invalid) == ["flavour_min", "max_price_usd_mt", "min_grade", "sort"]
    assert parsed.filters.sort == "newest"
    assert parsed.filters.flavour == "fresh_fruit"
