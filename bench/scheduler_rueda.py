"""Benchmark solve() against the plain greedy on generated roundtables where wishes exceed capacity."""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matchmaker.scheduler import assign_tables, check_schedule, greedy, solve  # noqa: E402
from matchmaker.scheduler.generate import SIZES, rueda_instance  # noqa: E402

TIME_LIMIT = {"small": 5.0, "fair": 20.0, "tight": 20.0, "large": 120.0}


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    """Print one markdown row per (size, method)."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="fair,large", help=f"comma-separated: {', '.join(SIZES)}")
    ap.add_argument("--seed", default="1", help="one seed or a comma-separated list")
    ap.add_argument("--tables", type=int, default=None, help="override tables per slot")
    ap.add_argument("--time-limit", type=float, default=None, help="override per-size limits")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    print(
        "| size | seed | method | requests | placed / UB (count) | weight / UB | % of UB weight "
        "| total breaks | max breaks | status | time s | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    cases = [(size, int(seed)) for size in args.sizes.split(",") for seed in args.seed.split(",")]
    for size, seed in cases:
        cfg = dict(SIZES[size])
        if args.tables is not None:
            cfg["tables"] = args.tables
        prob = rueda_instance(**cfg, seed=seed)
        limit = args.time_limit or TIME_LIMIT.get(size, 20.0)
        runs = [
            ("greedy", lambda p: greedy(p)),
            (
                f"solve({limit:g}s)",
                lambda p, lim=limit: solve(p, time_limit_s=lim, workers=args.workers),
            ),
        ]
        for name, run in runs:
            t0 = time.perf_counter()
            sched = run(prob)
            elapsed = time.perf_counter() - t0
            assign_tables(sched, prob)
            errors = check_schedule(prob, sched)
            rep = sched.report
            assert rep is not None
            print(
                f"| {size} | {seed} | {name} | {rep.requested_count} | {rep.placed_count} / {rep.upper_bound_count} "
                f"| {rep.placed_weight} / {rep.upper_bound_weight} | {100 * rep.weight_ratio:.2f} "
                f"| {rep.total_breaks} | {max(rep.breaks.values(), default=0)} | {rep.status} "
                f"| {elapsed:.1f} "
                f"| {peak_rss_mb():.0f} |" + (f" INVALID: {errors[:2]}" if errors else ""),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
