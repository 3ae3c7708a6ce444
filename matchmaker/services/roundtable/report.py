"""The quality report: stored as JSON with the run, shown translated, kept current after edits.

The scheduler explains unplaced meetings in English sentences; `reason_code` maps them to
stable codes so the page can show them in the reader's language (an unknown sentence is
shown as it is).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from matchmaker.models.roundtable import DraftMeeting, ScheduleRun
from matchmaker.scheduler import Report

# (start of the scheduler's sentence, code); first match wins.
_REASON_PREFIXES = [
    ("no common free slot for", "no_common_slot"),
    ("no allowed slot where both", "no_allowed_slot"),
    ("no tables in any common free slot", "no_tables"),
    ("participant ", "too_many_wishes"),
    ("not placed (solver stopped", "stopped"),
    ("tables full in every common free slot", "tables_full"),
    ("lower priority than placed meetings", "lower_priority"),
    ("both participants busy", "both_busy"),
    ("no requested meetings", "no_requests"),
    ("no common free slot with any requested partner", "no_common_slot_any"),
    ("all requested meetings lost to higher-priority", "lost_priority"),
]

REASON_LABELS = {
    "no_common_slot": _l("The two sides have no free time in common."),
    "no_allowed_slot": _l("No remaining time in which both sides are free."),
    "no_tables": _l("No table in any time both sides are free."),
    "too_many_wishes": _l("One side asked for more meetings than it has free times."),
    "stopped": _l("The scheduler was stopped before placing it."),
    "tables_full": _l("Every table is taken in every time both sides are free."),
    "lower_priority": _l("Both sides' free times went to meetings with a higher priority."),
    "both_busy": _l("Both sides are busy with other meetings whenever they are both free."),
    "no_requests": _l("Nobody asked for a meeting with them (or every wish was a \"no\")."),
    "no_common_slot_any": _l("No free time in common with anyone they wanted to meet."),
    "lost_priority": _l("All their wished meetings lost out to higher-priority ones."),
}


def reason_code(sentence: str) -> str:
    for prefix, code in _REASON_PREFIXES:
        if sentence.startswith(prefix):
            return code
    return ""


def reason_label(code: str, sentence: str) -> str:
    """The translated reason, or the scheduler's own sentence when it has no code."""
    label = REASON_LABELS.get(code)
    return str(label) if label is not None else sentence


def report_to_dict(report: Report, info: dict, dropped_pins: list[DraftMeeting]) -> dict:
    """A JSON-ready copy of the scheduler's report, with database ids instead of request ids."""
    unplaced = []
    for rid, sentence in report.unplaced.items():
        meta = info[rid]
        unplaced.append({"buyer_id": meta.buyer_id, "organisation_id": meta.organisation_id,
                         "weight": meta.weight, "code": reason_code(sentence),
                         "reason": sentence})
    unplaced.sort(key=lambda u: -u["weight"])
    return {
        "status": report.status,
        "requested_count": report.requested_count,
        "requested_weight": report.requested_weight,
        "placed_count": report.placed_count,
        "placed_weight": report.placed_weight,
        "upper_bound_weight": report.upper_bound_weight,
        "upper_bound_count": report.upper_bound_count,
        "total_breaks": report.total_breaks,
        "breaks_lower_bound": report.breaks_lower_bound,
        "fairness_spread": report.fairness_spread,
        "time_s": round(report.time_s, 2),
        "unplaced": unplaced,
        "without_meetings": [
            {"participant": f"{p[0]}:{p[1]}", "code": reason_code(s), "reason": s}
            for p, s in report.without_meetings.items()
        ],
        "dropped_pins": [{"buyer_id": d.buyer_id, "organisation_id": d.organisation_id,
                          "slot_id": d.slot_id} for d in dropped_pins],
        "participants": [f"{p[0]}:{p[1]}" for p in report.breaks],
        # Which engine phases ran, with their outcome and seconds (for the log and support).
        "phases": [[name, str(status), round(float(t), 2)] for name, status, t in report.phases],
    }


def load_report(run: ScheduleRun) -> dict:
    return json.loads(run.report_json) if run.report_json else {}


@dataclass
class LiveReport:
    """The figures of the draft as it stands now (after manual changes)."""

    placed_count: int
    placed_weight: int
    breaks: dict[str, int]  # "b:12" -> idle gaps
    total_breaks: int
    fairness_spread: int
    without_meetings: list[str]  # participant keys with no meeting in the draft


def gaps(positions: list[tuple[int, int]]) -> int:
    """Idle gaps in a day: slot runs of one participant, per block, minus one per block."""
    by_block: dict[int, list[int]] = defaultdict(list)
    for block, index in positions:
        by_block[block].append(index)
    total = 0
    for indexes in by_block.values():
        indexes.sort()
        total += sum(1 for a, b in zip(indexes, indexes[1:], strict=False) if b > a + 1)
    return total


def live_report(run: ScheduleRun, slot_order: dict[int, tuple[int, int]]) -> LiveReport:
    """Recount placed meetings and breaks from the run's drafts.

    `slot_order` maps slot id → (block, position); a break is an idle stretch between two
    meetings of one participant inside one block (the scheduler's definition).
    """
    report = load_report(run)
    positions: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for draft in run.drafts:
        for key in (f"b:{draft.buyer_id}", f"o:{draft.organisation_id}"):
            if draft.slot_id in slot_order:
                positions[key].append(slot_order[draft.slot_id])
    people = list(dict.fromkeys(report.get("participants", []) + list(positions)))
    breaks = {p: gaps(positions.get(p, [])) for p in people}
    values = list(breaks.values())
    return LiveReport(
        placed_count=len(run.drafts),
        placed_weight=sum(d.weight for d in run.drafts),
        breaks=breaks,
        total_breaks=sum(values),
        fairness_spread=(max(values) - min(values)) if values else 0,
        without_meetings=[p for p in people if not positions.get(p)],
    )
