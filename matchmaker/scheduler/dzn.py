"""Reader for the B2B benchmark .dzn files (Bofill et al., JAIR 2022) into a Problem."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .model import MeetingRequest, Problem

MORNING, AFTERNOON = 0, 1


def instances_dir() -> Path:
    """Folder of the benchmark instances: $B2B_INSTANCES, else ../shared/b2b-instances next to
    the checkout (they are not part of this repository)."""
    env = os.environ.get("B2B_INSTANCES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "../shared/b2b-instances"


def _scalar(text: str, name: str) -> int:
    m = re.search(rf"\b{name}\s*=\s*(-?\d+)\s*;", text)
    if m is None:
        raise ValueError(f"missing {name}")
    return int(m.group(1))


def _body(text: str, name: str) -> str | None:
    m = re.search(rf"\b{name}\s*=\s*(.*?);", text, re.S)
    return None if m is None else m.group(1)


def _sets(body: str) -> list[set[int]]:
    return [{int(v) for v in re.findall(r"\d+", grp)} for grp in re.findall(r"\{([^}]*)\}", body)]


def parse_dzn(text: str, fairness: int | None = 2, split_sessions: bool = False) -> Problem:
    """Build a must-place-all Problem from .dzn text; participants and meetings are 1-based ints.

    The published optima count idle time between a morning and an afternoon meeting as a
    break (the day is one block); split_sessions=True makes morning and afternoon two blocks.
    """
    n_business = _scalar(text, "nBusiness")
    n_meetings = _scalar(text, "nMeetings")
    n_tables = _scalar(text, "nTables")
    n_slots = _scalar(text, "nTotalSlots")
    n_morning = _scalar(text, "nMorningSlots")
    body = _body(text, "requested")
    if body is None:
        raise ValueError("missing requested")
    rows = [
        [int(v) for v in row.split(",") if v.strip()]
        for row in body.replace("[", "").replace("]", "").split("|")
        if row.strip(" \n,")
    ]
    if len(rows) != n_meetings:
        raise ValueError(f"{len(rows)} requested rows for nMeetings = {n_meetings}")
    slots = list(range(1, n_slots + 1))
    morning = frozenset(range(1, n_morning + 1))
    afternoon = frozenset(range(n_morning + 1, n_slots + 1))
    fixed_body = _body(text, "fixed")
    fixed = [int(v) for v in re.findall(r"-?\d+", fixed_body)] if fixed_body else []
    requests = []
    for m, (p1, p2, session) in enumerate(rows, start=1):
        allowed = {1: morning, 2: afternoon}.get(session)
        pin = fixed[m - 1] if m - 1 < len(fixed) and fixed[m - 1] > 0 else None
        requests.append(MeetingRequest(m, p1, p2, 1, allowed, pin))
    unavailable = {}
    forb_body = _body(text, "forbidden")
    if forb_body is not None:
        for p, forb in enumerate(_sets(forb_body), start=1):
            forb.discard(0)  # {0} is the file's way of saying "none"
            if forb:
                unavailable[p] = frozenset(forb)
    used = {r.a for r in requests} | {r.b for r in requests}
    if used and max(used) > n_business:
        raise ValueError("participant id above nBusiness")
    return Problem(
        slots=slots,
        requests=requests,
        block_of={s: MORNING if s <= n_morning or not split_sessions else AFTERNOON for s in slots},
        tables_per_slot=n_tables,
        unavailable=unavailable,
        fairness=fairness,
        must_place_all=True,
    )


def read_dzn(path: str | Path, fairness: int | None = 2, split_sessions: bool = False) -> Problem:
    """Read one .dzn file (see parse_dzn)."""
    return parse_dzn(Path(path).read_text(encoding="utf-8"), fairness, split_sessions)


def n_business(text: str) -> int:
    """Declared number of participants (some may have no meeting)."""
    return _scalar(text, "nBusiness")
