"""Meeting scheduler for business roundtables: plain data in, timetable and quality report out.

Importing the package does not import OR-Tools (~90 MB per process): the CP-SAT and LP
modules are loaded on the first solve() / upper_bound() call.
"""

from .bounds import upper_bound
from .cancel import CancelToken
from .greedy import greedy
from .model import (
    STATUS_FEASIBLE,
    STATUS_GREEDY,
    STATUS_INFEASIBLE,
    STATUS_OPTIMAL,
    MeetingRequest,
    Problem,
    ProblemError,
    ProgressFn,
    Report,
    Schedule,
)
from .service import solve
from .tables import assign_tables
from .validate import breaks_of, check_schedule

__all__ = [
    "STATUS_FEASIBLE",
    "STATUS_GREEDY",
    "STATUS_INFEASIBLE",
    "STATUS_OPTIMAL",
    "CancelToken",
    "MeetingRequest",
    "Problem",
    "ProblemError",
    "ProgressFn",
    "Report",
    "Schedule",
    "assign_tables",
    "breaks_of",
    "check_schedule",
    "greedy",
    "solve",
    "upper_bound",
]
