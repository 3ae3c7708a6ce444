"""The kinds of job rows the workers run: which model holds them and which service runs one."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class JobKind:
    """A job row type: its model, the service function that runs one row (by dotted path, so
    this table imports no service), where a failure's reason goes, and what a re-queue resets."""

    name: str
    model_path: str
    runner_path: str
    reason_column: str
    requeue_values: dict = field(default_factory=dict)

    @property
    def model(self):
        module, name = self.model_path.rsplit(".", 1)
        return getattr(importlib.import_module(module), name)

    def run(self, row_id: int) -> None:
        module, name = self.runner_path.rsplit(".", 1)
        getattr(importlib.import_module(module), name)(row_id)


KINDS = {kind.name: kind for kind in (
    JobKind("print", "matchmaker.models.qr.PrintJob", "matchmaker.services.print_jobs.run_job",
            "error", {"done": 0}),
    JobKind("roundtable", "matchmaker.models.roundtable.ScheduleRun",
            "matchmaker.services.roundtable.runs.execute", "message",
            {"progress": 0.0, "phase": "queued", "started_at": None}),
)}
