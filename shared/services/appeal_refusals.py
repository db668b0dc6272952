"""Whether the person may appeal now (R16), and when not, why: what the status page and the
email reply path tell them. The rule itself is the domain's (`AppealDecision`: once, within the
window, inclusive end); this adds the cases the lifecycle table refuses (no decision yet, an
archived case) with the words a person needs."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.domain.cases import REPORTER, Case, Status
from shared.domain.decision_commands import AppealDecision


class AppealRefused(StrEnum):
    WINDOW_CLOSED = "appeal_window_closed"  # the time to appeal is over (or the case archived)
    FINAL = "appeal_final"  # appealed before, and the appeal was decided: final
    PENDING = "appeal_pending"  # appealed before, and the appeal is being reviewed
    NO_DECISION = "no_decision"  # nothing was decided yet (or the case was not accepted)


@dataclass(frozen=True)
class AppealRefusal:
    """Why an appeal is refused; `closed_at`, when the window closed (None: not known)."""

    code: AppealRefused
    closed_at: datetime | None = None


def appeal_refusal(case: Case, at: datetime) -> AppealRefusal | None:
    """Why an appeal lodged `at` is refused, or None when it is accepted."""
    if case.appeal_round:
        done = case.status in (Status.CLOSED, Status.ARCHIVED)
        return AppealRefusal(AppealRefused.FINAL if done else AppealRefused.PENDING)
    if case.status == Status.ARCHIVED:  # a record (R18): archived when the window ended
        ends = [t for t in (case.appeal_until, case.archived_at) if t is not None]
        return AppealRefusal(AppealRefused.WINDOW_CLOSED, min(ends) if ends else None)
    if case.status != Status.CLOSED:
        return AppealRefusal(AppealRefused.NO_DECISION)
    code, _ = AppealDecision(REPORTER, "-", lodged_at=at).refusal_on(case)
    return AppealRefusal(AppealRefused(code), case.appeal_until) if code else None
