"""Telling the reporter that the decision deadline moved (R13, 知情权): one notice per change, queued
in the transaction that moved it (a leader's extension, or the answer that resumed the paused
clock)."""
from __future__ import annotations

from datetime import datetime

from shared.domain.cases import Case
from shared.domain.outbox import OutboxMessage, Template
from shared.domain.provisional_deadlines import DECISION, shown_provisional

from .case_notices import Reach, notify


def deadline_changed(case: Case, before: datetime | None, now: datetime, can_reach: Reach, *,
                     cause: str, reason: str = "", working_days: int = 0) -> list[OutboxMessage]:
    """The notice of the new deadline when `case.decision_due_at` is no longer `before` (none
    otherwise): the old and the new moment, the cause (`extension` | `awaiting_reporter` |
    `recount`, a provisional deadline counted again on a published year) and,
    for an extension, its working days and its reason in the words it was given (`text`)."""
    after = case.decision_due_at
    if before is None or after is None or after == before:
        return []
    details = {"cause": cause, "due_from": before.isoformat(), "due_to": after.isoformat(),
               "provisional": DECISION in shown_provisional(case),  # this deadline's own
               **({"working_days": working_days} if working_days else {})}
    return notify(case, Template.DECISION_DEADLINE_CHANGED, now, can_reach, text=reason,
                  details=details)
