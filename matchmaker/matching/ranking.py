"""Order matches for a buyer, find the buyers worth meeting for a rep, and sum up an event."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from matchmaker.lotsheet.vocab import N_
from matchmaker.matching.model import REASON, Demand, Finding, Match, Supply
from matchmaker.matching.scoring import match
from matchmaker.matching.weights import TOP_N, WEIGHTS

Behaviour = Callable[[Supply], Iterable[str]]


def _order(item: Match) -> tuple:
    return (-item.score, item.supply.kind != "lot", item.supply.code)


def rank(demand: Demand, supplies: Iterable[Supply], *,
         behaviour: Behaviour | None = None) -> tuple[list[Match], list[Match]]:
    """(recommended, excluded): the fitting supplies best first, and those a hard rule keeps out.

    Ties break on lots before offers, then the code, so the order never depends on input order.
    """
    matches = [match(demand, s, behaviour=behaviour(s) if behaviour else ()) for s in supplies]
    fitting = sorted((m for m in matches if not m.excluded), key=_order)
    excluded = sorted((m for m in matches if m.excluded), key=_order)
    return fitting, excluded


@dataclass(frozen=True)
class BuyerFit:
    """A buyer worth meeting for a rep: their best-fitting supply and why."""

    buyer_id: int
    score: float
    best: Match
    fitting_count: int
    extra: tuple[Finding, ...] = ()

    @property
    def reasons(self) -> list[Finding]:
        return [*self.extra, *self.best.reasons]


def buyers_for_supplies(demands: Mapping[int, Demand], supplies: Sequence[Supply], *,
                        languages: Mapping[int, frozenset[str]] | None = None,
                        behaviour: Callable[[int, Supply], Iterable[str]] | None = None,
                        ) -> list[BuyerFit]:
    """For one organisation's supplies: the buyers whose demand fits, best first.

    A buyer with no stated demand is left out: nothing can be said about the fit.
    """
    fits = []
    for buyer_id, demand in demands.items():
        if demand.is_empty:
            continue
        fitting, _ = rank(demand, supplies,
                          behaviour=(lambda s, b=buyer_id: behaviour(b, s)) if behaviour else None)
        if not fitting:
            continue
        extra: tuple[Finding, ...] = ()
        if languages and "es" in languages.get(buyer_id, frozenset()):
            extra = (Finding("spanish", REASON, N_("Speaks Spanish"), {}, WEIGHTS["spanish"]),)
        best = fitting[0]
        score = round(best.score + sum(f.points for f in extra), 3)
        fits.append(BuyerFit(buyer_id, score, best, len(fitting), extra))
    fits.sort(key=lambda fit: (-fit.score, fit.buyer_id))
    return fits


@dataclass(frozen=True)
class Overview:
    """Demand and supply of an event, to act on before the fair."""

    unmet: list[tuple[int, Counter]]          # buyer id, what kept supplies out (criterion → n)
    met: list[tuple[int, int]]                 # buyer id, number of fitting supplies
    unwanted: list[Supply]                     # in no buyer's top list
    wanted: list[tuple[Supply, int]]           # supply, number of buyers with it in their top list
    without_demand: list[int]                  # buyers who stated nothing yet


def overview(demands: Mapping[int, Demand], supplies: Sequence[Supply], *,
             top_n: int = TOP_N) -> Overview:
    """Which demand no supply meets (and why), which supplies no buyer wants."""
    unmet, met, without = [], [], []
    wanted: Counter = Counter()
    for buyer_id, demand in sorted(demands.items()):
        if demand.is_empty:
            without.append(buyer_id)
            continue
        fitting, excluded = rank(demand, supplies)
        if not fitting:
            why: Counter = Counter(f.criterion for m in excluded for f in m.exclusions)
            unmet.append((buyer_id, why))
            continue
        met.append((buyer_id, len(fitting)))
        for item in fitting[:top_n]:
            wanted[item.supply.key] += 1
    by_key = {s.key: s for s in supplies}
    return Overview(
        unmet=unmet, met=met,
        unwanted=sorted((s for s in supplies if s.key not in wanted), key=lambda s: s.key),
        wanted=sorted(((by_key[k], n) for k, n in wanted.items()),
                      key=lambda pair: (-pair[1], pair[0].key)),
        without_demand=without,
    )
