"""The labelled evaluation set: figures reported in docs/matching.md."""

from __future__ import annotations

from tests.matching.eval_set import BUYERS, SUPPLIES
from tests.matching.evaluation import evaluate, hard_violations, summary


def test_no_hard_requirement_violation_in_any_top_10():
    assert summary(evaluate())["violations_top10"] == 0


def test_the_independent_violation_check_does_catch_violations():
    # Guard against a vacuous zero: across the set, many (buyer, supply) pairs break a rule.
    broken = sum(1 for _, demand, _ in BUYERS for s in SUPPLIES if hard_violations(demand, s))
    assert broken > 40


def test_precision_at_5_stays_at_least_as_good_as_reported():
    figures = summary(evaluate())
    assert figures["precision_at_5"] >= 0.85
    assert figures["recall_at_5"] >= 0.9


def test_the_buyer_nobody_can_supply_gets_an_empty_list():
    yuki = next(r for r in evaluate() if r.name.startswith("Yuki"))
    assert yuki.top == []
