"""The consolidation suggester against brute force on small catalogues."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta
from decimal import Decimal

import pytest

from matchmaker.lotsheet.quality import grade_rank
from matchmaker.services.offers.suggest import (
    Candidate,
    Constraints,
    candidates_from_catalogue,
    screen,
    suggest,
)
from tests.factories import add_analysis, add_certificate, add_genetics, make_lot
from tests.offers.conftest import TODAY


def cand(lot_id, available, price, *, grade="I", bag=None, moq=None, schemes=(), genetics=(),
         region="Madre de Dios"):
    return Candidate(
        lot_id=lot_id, lot_code=f"L{lot_id}", organisation_id=lot_id,
        available_kg=Decimal(available), price_usd_per_mt=Decimal(price), grade=grade,
        net_kg_per_bag=Decimal(bag) if bag else None, moq_kg=Decimal(moq) if moq else None,
        schemes=frozenset(schemes), genetics=frozenset(genetics), region=region,
    )


def brute_force(candidates, wanted):
    """Every combination of unit counts; the best (cost, kg) among those reaching `wanted`."""
    ranges = []
    for c in candidates:
        allowed = [0] + [n for n in range(c.min_units, c.max_units + 1)]
        ranges.append(allowed)
    best = None
    for combo in itertools.product(*ranges):
        kg = sum(c.unit_kg * n for c, n in zip(candidates, combo, strict=True))
        if kg < wanted:
            continue
        cost = sum(c.unit_kg * n * c.price_usd_per_mt for c, n in zip(candidates, combo,
                                                                        strict=True))
        if best is None or (cost, kg) < best:
            best = (cost, kg)
    return best


def test_continuous_case_is_greedy_by_price():
    lots = [cand(1, 300, 4000), cand(2, 500, 3500), cand(3, 400, 3800)]
    result = suggest(lots, Constraints(wanted_kg=Decimal(700)))
    assert [(p.candidate.lot_id, p.kg) for p in result.picks] == [
        (2, Decimal(500)), (3, Decimal(200))]
    assert result.left_out == {1: "not_needed"}
    assert result.weighted_price_usd_mt == Decimal("3585.71")  # (500·3500 + 200·3800) / 700
    assert result.meets_volume


def test_whole_bags_beat_greedy():
    # Greedy takes the cheapest lot's 2 bags (120 kg) for 100 kg; two 50-kg bags of a
    # slightly dearer lot cost less in total.
    lots = [cand(1, 600, 3000, bag=60), cand(2, 500, 3100, bag=50)]
    result = suggest(lots, Constraints(wanted_kg=Decimal(100)))
    assert [(p.candidate.lot_id, p.units) for p in result.picks] == [(2, 2)]
    assert result.cost_usd == brute_force(lots, Decimal(100))[0] / 1000


def random_catalogue(rng):
    """2–4 lots: bagged (≤ 5 bags of 60, 62.5 or 69 kg) or loose (5–30 kg), some with a MOQ."""
    lots = []
    for i in range(1, rng.randint(2, 4) + 1):
        bag = rng.choice([None, "60", "62.5", "69"])
        if bag:
            available = Decimal(bag) * rng.randint(1, 5) + rng.choice([0, 0, 7])
        else:
            available = Decimal(rng.randint(5, 30))
        unit = Decimal(bag) if bag else Decimal(1)
        moq = rng.choice([None, None, unit * rng.randint(2, 3)])
        lots.append(cand(i, available, rng.choice([3000, 3200, 3500, 3900, 4100]), bag=bag,
                         moq=moq))
    return lots


@pytest.mark.parametrize("seed", range(60))
def test_matches_brute_force_on_random_small_catalogues(seed):
    rng = random.Random(seed)
    lots = random_catalogue(rng)
    eligible, _ = screen(lots, Constraints(wanted_kg=Decimal(1)))
    capacity = sum(c.unit_kg * c.max_units for c in eligible)
    wanted = Decimal(rng.randint(1, max(1, int(capacity))))
    result = suggest(lots, Constraints(wanted_kg=wanted))
    expected = brute_force(eligible, wanted)
    if expected is None:  # nothing (or not enough) is eligible: everything offered, short
        assert not result.meets_volume
        assert result.total_kg == capacity
        return
    assert result.meets_volume and result.optimal
    cost = sum(p.kg * p.candidate.price_usd_per_mt for p in result.picks)
    assert (cost, result.total_kg) == expected
    for pick in result.picks:
        assert pick.candidate.min_units <= pick.units <= pick.candidate.max_units
        assert pick.kg <= pick.candidate.available_kg


def test_grade_mode_prefers_the_best_grade_that_reaches_the_volume():
    lots = [cand(1, 1000, 3000, grade="II"), cand(2, 600, 4000, grade="I"),
            cand(3, 600, 4200, grade="I")]
    result = suggest(lots, Constraints(wanted_kg=Decimal(1000), mode="grade"))
    assert {p.candidate.lot_id for p in result.picks} == {2, 3}
    assert result.worst_grade == "I"
    assert result.left_out == {1: "better_grade_used"}
    cheap = suggest(lots, Constraints(wanted_kg=Decimal(1000)))
    assert [p.candidate.lot_id for p in cheap.picks] == [1]


def test_every_left_out_lot_has_its_reason():
    lots = [
        cand(1, 1000, 3000, schemes={"eu_organic"}, genetics={"native"}),
        cand(2, 1000, 3000, schemes=(), genetics={"native"}),
        cand(3, 1000, 3000, schemes={"eu_organic"}, grade="SS", genetics={"native"}),
        cand(4, 1000, 5000, schemes={"eu_organic"}, genetics={"native"}),
        cand(5, 1000, 3000, schemes={"eu_organic"}, region="San Martín", genetics={"native"}),
        cand(6, 1000, 3000, schemes={"eu_organic"}, genetics={"ccn51"}),
        cand(7, 50, 3000, schemes={"eu_organic"}, bag=60, genetics={"native"}),
        cand(8, 1000, 3100, schemes={"eu_organic"}, genetics={"native"}),
    ]
    constraints = Constraints(wanted_kg=Decimal(800), certification="eu_organic", min_grade="II",
                              genetics="native", max_price_usd_mt=Decimal(4000),
                              region="madre de dios")
    result = suggest(lots, constraints)
    assert [p.candidate.lot_id for p in result.picks] == [1]
    assert result.left_out == {2: "certification", 3: "grade", 4: "price_too_high",
                               5: "region", 6: "genetics", 7: "not_enough_left",
                               8: "not_needed"}


def test_shortfall_offers_everything_eligible():
    lots = [cand(1, 300, 3000), cand(2, 200, 3500)]
    result = suggest(lots, Constraints(wanted_kg=Decimal(12500)))
    assert result.total_kg == Decimal(500)
    assert result.shortfall_kg == Decimal(12000) and not result.meets_volume


def test_screen_without_price_or_expired():
    lots = [Candidate(1, "L1", 1, Decimal(10), None, "I"),
            Candidate(2, "L2", 1, Decimal(10), Decimal(1), "I", price_expired=True)]
    assert screen(lots, Constraints(wanted_kg=Decimal(1)))[1] == {1: "no_price",
                                                                   2: "price_expired"}
    assert grade_rank("I") < grade_rank("SS")


def test_candidates_from_catalogue_use_what_is_left(app, db, ctx, coop, infierno, tahuamanu,
                                                    infierno_rep):
    from matchmaker.services.offers import composing

    a = make_lot(infierno, volume_kg=Decimal("5000"), net_kg_per_bag=Decimal("62.5"))
    b = make_lot(tahuamanu, volume_kg=Decimal("3000"))
    make_lot(tahuamanu, published=False)
    add_analysis(a)
    add_certificate(a, "eu_organic")
    add_certificate(b, "eu_organic", valid_from=TODAY - timedelta(days=400),
                    valid_to=TODAY - timedelta(days=1))
    add_genetics(a, "native")
    offer = composing.create_offer(coop, name_es="X", target_volume_kg=Decimal("12500"))
    line = composing.set_line(offer, a, "1250")
    # A pending request holds nothing; the owner's approval commits the kg.
    before = {c.lot_code: c for c in candidates_from_catalogue(today=TODAY)[0]}
    assert before[a.lot_code].available_kg == Decimal(5000)
    composing.answer_line(line, infierno_rep, approve=True)
    candidates, lots = candidates_from_catalogue(today=TODAY)
    by_code = {c.lot_code: c for c in candidates}
    assert set(by_code) == {a.lot_code, b.lot_code}
    assert by_code[a.lot_code].available_kg == Decimal(3750)
    assert by_code[a.lot_code].schemes == {"eu_organic"} and by_code[b.lot_code].schemes == set()
    assert by_code[a.lot_code].grade == "I" and by_code[a.lot_code].genetics == {"native"}
