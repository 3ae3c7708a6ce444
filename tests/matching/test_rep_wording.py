"""Reasons and misses worded for their reader: the buyer ("you want ≥ 80 %") or a rep looking
at the buyers worth meeting ("Anna wants ≥ 80 %"), in English and Spanish (usted)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from matchmaker.matching import REP, Demand, match
from matchmaker.services.matching.text import buyer_called, finding_text, finding_text_plain
from tests.matching.eval_set import lot

DEMAND = Demand(min_fermented_pct=D(80), shipment_min_mt=D(5), incoterms=frozenset({"FOB"}))
SUPPLY = lot("INF", 1, kg=2400, grade="I", fermented=92, incoterm="FOB")


def _texts(app, language: str, *args) -> list[str]:
    result = match(DEMAND, SUPPLY, behaviour=["sample_request"])
    with app.test_request_context(headers={"Accept-Language": language}):
        return [finding_text(f, *args) for f in result.findings]


@pytest.mark.parametrize(("language", "buyer", "rep_anna", "rep_unnamed"), [
    ("en",
     ["Fermented 92 %, you want ≥ 80 %", "Volume 2.4 t, you want ≥ 5 t, and no consolidated "
      "offer reaches it", "FOB, as you buy", "You asked for a sample"],
     ["Fermented 92 %, Anna wants ≥ 80 %", "Volume 2.4 t, Anna wants ≥ 5 t, and no "
      "consolidated offer reaches it", "FOB, as Anna buys", "Anna asked for a sample"],
     ["Fermented 92 %, the buyer wants ≥ 80 %", "The buyer asked for a sample"]),
    ("es",
     ["Fermentado 92 %, usted busca ≥ 80 %", "Volumen 2,4 t, usted busca ≥ 5 t, y ninguna "
      "oferta consolidada lo alcanza", "FOB, como usted compra", "Usted pidió una muestra"],
     ["Fermentado 92 %, Anna busca ≥ 80 %", "Volumen 2,4 t, Anna busca ≥ 5 t, y ninguna "
      "oferta consolidada lo alcanza", "FOB, como compra Anna", "Anna pidió una muestra"],
     ["Fermentado 92 %, el comprador busca ≥ 80 %", "El comprador pidió una muestra"]),
])
def test_each_audience_reads_its_own_wording(app, language, buyer, rep_anna, rep_unnamed):
    for_buyer = _texts(app, language)
    for_rep = _texts(app, language, REP, "Anna")
    unnamed = _texts(app, language, REP)
    assert set(buyer) <= set(for_buyer)
    assert set(rep_anna) <= set(for_rep)
    assert set(rep_unnamed) <= set(unnamed)
    assert not any("you " in t or "usted" in t.lower() for t in for_rep + unnamed)


def test_plain_text_for_scripts_has_both_wordings_too():
    finding = next(f for f in match(DEMAND, SUPPLY).findings if f.criterion == "fermentation")
    assert finding_text_plain(finding) == "Fermented 92 %, you want ≥ 80 %"
    assert finding_text_plain(finding, REP, "Jan") == "Fermented 92 %, Jan wants ≥ 80 %"
    assert finding_text_plain(finding, REP) == "Fermented 92 %, the buyer wants ≥ 80 %"


def test_a_rep_reads_the_buyers_given_name(app):
    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert buyer_called("Anna Becker") == "Anna"
        assert buyer_called("  ") == "el comprador"
