"""Importing the scheduler must not load OR-Tools (~90 MB per web process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_does_not_load_ortools() -> None:
    code = (
        "import sys\n"
        "import matchmaker.scheduler\n"
        "from matchmaker.scheduler import CancelToken, Problem, greedy, solve, upper_bound\n"
        "from matchmaker.scheduler.dzn import read_dzn\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'ortools'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_solve_still_loads_ortools_on_demand() -> None:
    code = (
        "import sys\n"
        "from matchmaker.scheduler import MeetingRequest, Problem, solve\n"
        "s = solve(Problem([1, 2], [MeetingRequest(1, 'a', 'b')], must_place_all=True),"
        " time_limit_s=5)\n"
        "print(s.assignments, 'ortools' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split()[-1] == "True"
