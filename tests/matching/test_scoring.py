"""The pure matcher on plain data: hard rules exclude, soft ones rank, every finding explains."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from matchmaker.matching import (
    EXCLUDE,
    MISS,
    NOTE,
    REASON,
    SIGNAL,
    Demand,
    OfferRef,
    buyers_for_supplies,
    match,
    overview,
    rank,
    similar,
)
from matchmaker.matching.weights import SIGNALS, WEIGHTS
from tests.matching.eval_set import SUPPLIES, lot

BY_CODE = {s.code: s for s in SUPPLIES}


def criteria(result, kind):
    return [f.criterion for f in result.findings if f.kind == kind]


def text(finding):
    return finding.message % {k: getattr(v, "parts", v) for k, v in finding.params.items()}


def test_a_missing_required_certificate_excludes_whatever_the_score():
    result = match(Demand(certifications=frozenset({"usda_nop"})), BY_CODE["INF"])
    assert result.excluded
    assert criteria(result, EXCLUDE) == ["certification"]


def test_a_held_certificate_is_a_reason_with_its_month_of_expiry():
    result = match(Demand(certifications=frozenset({"eu_organic"})), BY_CODE["INF"])
    reason = next(f for f in result.reasons if f.criterion == "certification")
    assert reason.params["month"].day == date(2027, 3, 31)
    assert not result.excluded


def test_a_certificate_ending_before_the_delivery_window_ends_is_a_miss():
    demand = Demand(certifications=frozenset({"eu_organic"}), delivery_to=date(2027, 6, 30))
    result = match(demand, BY_CODE["INF"])
    assert "certification" in criteria(result, MISS)
    assert not result.excluded


def test_eudr_required_excludes_lots_without_complete_evidence():
    demand = Demand(eudr_required=True)
    assert match(demand, BY_CODE["CCN"]).excluded
    assert not match(demand, BY_CODE["INF"]).excluded


def test_another_product_form_is_excluded():
    result = match(Demand(product_forms=frozenset({"nibs"})), BY_CODE["INF"])
    assert criteria(result, EXCLUDE) == ["product_form"]


def test_a_small_lot_points_to_the_consolidated_offer_that_reaches_the_volume():
    result = match(Demand(shipment_min_mt=D(3)), BY_CODE["INF"])
    miss = next(f for f in result.misses if f.criterion == "volume")
    assert not result.excluded
    assert miss.params["offer"] == "Madre de Dios container 2026"
    assert "2.4" in text(miss) and "see the" in text(miss)


def test_a_small_lot_with_no_offer_reaching_the_volume_is_excluded():
    result = match(Demand(shipment_min_mt=D(5)), BY_CODE["INF"])  # the offer holds 3.7 t
    assert criteria(result, EXCLUDE) == ["volume"]


def test_a_minimum_order_above_the_yearly_volume_is_excluded():
    result = match(Demand(volume_year_max_mt=D(5)), BY_CODE["CCN"])  # MOQ 10 t
    assert criteria(result, EXCLUDE) == ["volume"]


def test_quality_thresholds_explain_both_ways():
    demand = Demand(min_iso_grade="I", min_fermented_pct=D(80), max_moisture_pct=D("7.5"))
    good = match(demand, BY_CODE["INF"])
    assert {"grade", "fermentation", "moisture"} <= set(criteria(good, REASON))
    fermented = next(f for f in good.reasons if f.criterion == "fermentation")
    assert text(fermented) == "Fermented 92 %, you want ≥ 80 %"
    poor = match(demand, BY_CODE["MOULD"])
    assert {"grade", "fermentation", "moisture"} <= set(criteria(poor, MISS))
    assert good.score > poor.score


def test_grades_do_not_apply_to_liquor():
    result = match(Demand(min_iso_grade="I"), BY_CODE["LIQ"])
    assert not [f for f in result.findings if f.criterion == "grade"]


def test_flavour_intensity_ranks_and_explains():
    demand = Demand(flavours=frozenset({"floral"}))
    ama, ccn = match(demand, BY_CODE["AMA"]), match(demand, BY_CODE["CCN"])
    assert [text(f) for f in ama.reasons if f.criterion == "flavour"] == ["('Floral',) 6/10"]
    assert "flavour" in criteria(ccn, MISS)
    assert ama.score > ccn.score


def test_no_sensory_data_is_a_miss_when_the_buyer_asks_for_flavours():
    result = match(Demand(flavours=frozenset({"floral"})), BY_CODE["TAH"])
    assert [f.message for f in result.misses] == ["No sensory evaluation yet"]


def test_strong_off_flavours_cost_points_even_unasked():
    result = match(Demand(), BY_CODE["MOULD"])
    assert "off_flavours" in criteria(result, MISS)


def test_a_differential_price_is_a_note_not_a_miss():
    result = match(Demand(price_ceiling_usd_per_mt=D(7000)), BY_CODE["HUA"])
    assert criteria(result, NOTE) == ["price"]
    assert "price" not in criteria(result, MISS)


def test_an_indicative_price_is_compared_and_says_so():
    supply = lot("IND", 1, basis="indicative", price=7400)
    within = match(Demand(price_ceiling_usd_per_mt=D(8000)), supply)
    above = match(Demand(price_ceiling_usd_per_mt=D(7000)), supply)
    assert [f.message for f in within.reasons if f.criterion == "price"][0].startswith("About")
    assert "price" in criteria(above, MISS)


def test_a_fixed_price_above_the_ceiling_is_a_miss():
    result = match(Demand(price_ceiling_usd_per_mt=D(8000)), BY_CODE["INF"])
    assert "price" in criteria(result, MISS)


def test_signals_add_their_labelled_points():
    plain = match(Demand(), BY_CODE["INF"])
    signalled = match(Demand(), BY_CODE["INF"], behaviour=["interested", "interested", "scan"])
    assert criteria(signalled, SIGNAL) == ["signal", "signal"]
    assert signalled.score - plain.score == SIGNALS["interested"] + SIGNALS["scan"]


def test_rank_is_deterministic_and_separates_excluded():
    demand = Demand(certifications=frozenset({"eu_organic"}))
    fitting, excluded = rank(demand, SUPPLIES)
    again, _ = rank(demand, list(reversed(SUPPLIES)))
    assert [m.supply.code for m in fitting] == [m.supply.code for m in again]
    assert all(not m.excluded for m in fitting) and all(m.excluded for m in excluded)
    assert len(fitting) + len(excluded) == len(SUPPLIES)
    scores = [m.score for m in fitting]
    assert scores == sorted(scores, reverse=True)


def test_buyers_for_supplies_finds_the_buyers_whose_demand_fits():
    demands = {1: Demand(certifications=frozenset({"eu_organic"})),
               2: Demand(certifications=frozenset({"jas"})),
               3: Demand(),  # nothing stated: left out
               4: Demand(flavours=frozenset({"floral"}), languages=frozenset({"es"}))}
    fits = buyers_for_supplies(demands, [BY_CODE["INF"]], languages={4: frozenset({"es"})})
    assert sorted(f.buyer_id for f in fits) == [1, 4]
    spanish = next(f for f in fits if f.buyer_id == 4)
    assert spanish.reasons[0].message == "Speaks Spanish"
    assert spanish.score == spanish.best.score + WEIGHTS["spanish"]


def test_overview_names_unmet_demand_and_unwanted_lots():
    demands = {1: Demand(certifications=frozenset({"jas"})),
               2: Demand(product_forms=frozenset({"nibs"})), 3: Demand()}
    result = overview(demands, SUPPLIES)
    assert [b for b, _ in result.unmet] == [1]
    assert result.unmet[0][1]["certification"] == len(SUPPLIES)
    assert result.without_demand == [3]
    assert [s.code for s, _ in result.wanted] == ["NIB"]
    assert "NIB" not in [s.code for s in result.unwanted]
    assert "INF" in [s.code for s in result.unwanted]


def test_similar_lots_are_nearest_by_flavour_and_quality():
    nearest = similar(BY_CODE["INF"], SUPPLIES, n=2)
    assert [s.code for s, _ in nearest] == ["AMA", "SAM"]
    assert all(s.code != "INF" for s, _ in nearest)


def test_similar_keeps_a_different_product_form_far_away():
    a = lot("A", 1, grade="I", fermented=90, flavour={"cacao": 5})
    b = lot("B", 2, form="nibs", grade="I", fermented=90, flavour={"cacao": 5})
    c = lot("C", 3, grade="II", fermented=80, flavour={"cacao": 4})
    assert [s.code for s, _ in similar(a, [b, c])] == ["C", "B"]


def test_offer_reference_keeps_the_smallest_offer_that_reaches():
    small, big = OfferRef("S", "Small", D(3000)), OfferRef("B", "Big", D(20000))
    supply = lot("X", 1, kg=1000, offers=(big, small))
    miss = next(f for f in match(Demand(shipment_min_mt=D(2)), supply).misses)
    assert miss.params["offer_code"] == "S"


def test_every_finding_worded_for_the_buyer_has_a_rep_wording_naming_the_buyer():
    import re

    from matchmaker.matching import BUYER, REP
    from tests.matching.eval_set import BUYERS

    you = re.compile(r"\byou(r)?\b", re.IGNORECASE)
    reworded = set()
    everything = [*SUPPLIES, lot("OFFERED", 9, kg=1500, offers=(OFFER_REF_FOR_TEST,)),
                  lot("DIFF", 9, basis="differential"), lot("INDIC", 9, price=9000,
                                                             basis="indicative")]
    for _, demand, _ in BUYERS:
        demand = Demand(**{**demand.__dict__, "delivery_to": date(2027, 6, 30),
                           "price_ceiling_usd_per_mt": D(8000), "shipment_min_mt": D(2)})
        for supply in everything:
            result = match(demand, supply, behaviour=SIGNALS)
            for finding in result.findings:
                buyer_words, rep_words = finding.message_for(BUYER), finding.message_for(REP)
                if you.search(buyer_words):
                    assert rep_words != buyer_words and "%(buyer)s" in rep_words, buyer_words
                    reworded.add(finding.criterion)
                # "your" in a rep's sentence is the rep's own booth or organisation.
                assert not re.search(r"\byou (want|buy|accept|look)|your (ceiling|delivery)",
                                     rep_words), rep_words
    assert reworded >= {"volume", "fermentation", "grade", "moisture", "certification", "price",
                        "incoterm", "delivery", "signal", "product_form", "genetics"}


OFFER_REF_FOR_TEST = OfferRef("OF-T", "Test container", D(20000))
