"""Benchmark the scheduler on the B2B .dzn instances of Bofill et al. (JAIR 2022)."""

from __future__ import annotations

import argparse
import fnmatch
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matchmaker.scheduler import check_schedule, solve  # noqa: E402
from matchmaker.scheduler.dzn import instances_dir, read_dzn  # noqa: E402

INSTANCES = instances_dir()

# Published optimal breaks of the originals (instances' README).
KNOWN_OPTIMUM = {
    "forum-13": 0, "forum-13crafb": 6, "forum-13crafc": 1, "forum-14": 2, "forumt-14": 5,
    "forumt-14crafc": 5, "forumt-14crafd": 4, "forumt-14crafe": 5, "tic-12": 0, "tic-12crafc": 0,
    "tic-13": 0, "tic-13crafb": 0, "tic-13crafc": 4, "tic-14crafa": 0, "tic-14crafc": 0,
    "tic-14crafd": 0, "ticf-13crafa": 0, "ticf-13crafb": 3, "ticf-13crafc": 1, "ticf-14crafa": 0,
}  # fmt: skip


def main() -> int:
    """Solve each selected instance and print one markdown table row per instance."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--only", choices=["original", "all"], default="all")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--instances", default="*", help="glob on the file name, e.g. 'forum-13*'")
    # More CP-SAT workers than cores: the portfolio diversity helps more than raw speed here.
    ap.add_argument("--workers", type=int, default=6)
    ap.add_argument("--split-sessions", action="store_true", help="morning/afternoon = 2 blocks")
    args = ap.parse_args()
    if not INSTANCES.is_dir():
        print(f"instances not found: {INSTANCES}", file=sys.stderr)
        return 2
    files = sorted(INSTANCES.glob("*.dzn"))
    files = [f for f in files if fnmatch.fnmatch(f.name, args.instances)]
    if args.only == "original":
        files = [f for f in files if f.name.endswith(".original.dzn")]
    print("| instance | all placed | breaks | lower bound | known opt | spread | status | time s |")
    print("|---|---|---|---|---|---|---|---|")
    reached = 0
    statuses: dict[str, int] = {}
    for f in files:
        prob = read_dzn(f, split_sessions=args.split_sessions)
        t0 = time.perf_counter()
        sched = solve(prob, time_limit_s=args.time_limit, workers=args.workers)
        elapsed = time.perf_counter() - t0
        rep = sched.report
        assert rep is not None
        errors = check_schedule(prob, sched)
        event, variant = f.name.removesuffix(".dzn").split(".", 1)
        opt = (
            KNOWN_OPTIMUM.get(event) if variant == "original" and not args.split_sessions else None
        )
        statuses[rep.status] = statuses.get(rep.status, 0) + 1
        if opt is not None and rep.total_breaks <= opt and not errors:
            reached += 1
        placed = (
            "yes"
            if rep.placed_count == rep.requested_count
            else f"no ({rep.placed_count}/{rep.requested_count})"
        )
        print(
            f"| {f.name.removesuffix('.dzn')} | {placed} | {rep.total_breaks} | {rep.breaks_lower_bound} "
            f"| {'' if opt is None else opt} | {rep.fairness_spread} | {rep.status} | {elapsed:.1f} |"
            + (f" INVALID: {errors[:2]}" if errors else ""),
            flush=True,
        )
    print(f"\n{len(files)} instances: " + ", ".join(f"{n} {k}" for k, n in sorted(statuses.items())))
    if args.only == "original":
        print(f"known optimum reached on {reached} of {len(files)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
