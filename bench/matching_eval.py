"""Figures of the labelled matching evaluation set (docs/matching.md).

    .venv/bin/python -m bench.matching_eval

Prints, per buyer, the top of the ranking against the labelled right matches, then
precision@5 and the number of hard-requirement violations in any top 10.
"""

from __future__ import annotations

from tests.matching.evaluation import evaluate, summary


def main() -> None:
    results = evaluate()
    for r in results:
        mark = "-" if r.precision_at_5 is None else f"{r.precision_at_5:.2f}"
        print(f"{r.name:<30} P@5 {mark:>4}  top5 {r.top[:5]}  right {sorted(r.relevant)}")
    for key, value in summary(results).items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
