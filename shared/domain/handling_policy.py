"""The handling rules staff commands apply that an operator may set (issue 9): who approves what,
how long the person may appeal. Built by the bootstrap from `Settings`; the defaults are the
policies' own."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from .decisions import DEFAULT_LEADER_THRESHOLD_FEN


@dataclass(frozen=True)
class HandlingPolicy:
    initial_review: timedelta = timedelta(hours=24)  # a reopened case's review starts again (R6)
    timezone: str = "Asia/Shanghai"  # the platform's calendar, for days staff give
    leader_threshold_fen: int = DEFAULT_LEADER_THRESHOLD_FEN  # compensation above it: a leader (R13)
    appeal_window_months: int = 6  # after the closure notice (R16; DSA Art. 20: at least six)
    # Roles whose plain information requests go to the reporter without the service centre's
    # approval (R12); every other reply by someone who is not a supervisor waits for approval.
    reply_approval_waived_for: frozenset[str] = field(default_factory=frozenset)
    staff_language: str = "zh-CN"  # of the notices staff are sent (R9), as the sweep's
