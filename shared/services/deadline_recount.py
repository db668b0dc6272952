"""The deadline sweep's recount of provisional deadlines: a deadline counted on a year the calendar
had no data for is counted again once the calendar knows the year (the operator added it to the
override file, or a `chinese-calendar` release has it, and the code was deployed).

In the sweep's transaction on the case, before its other rules (so that they see the deadline as
it is now): each recounted deadline is recorded as a staff-only `deadline_recounted` event naming
the old and the new moment, and a decision deadline that moved is told to the reporter
(`decision_deadline_changed`, cause `recount`). Whether the reporter can be told is read before
the transaction, and only when the case as read would move: the recount costs no read when
nothing moves.
"""
from __future__ import annotations

import copy
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from shared.domain import provisional_deadlines
from shared.domain.cases import SYSTEM, Case, EventType, TimelineEvent
from shared.domain.outbox import OutboxMessage
from shared.domain.ports import CaseStore
from shared.domain.provisional_deadlines import DECISION, Recounted
from shared.domain.working_time import WorkingCalendar

from .case_notices import Reach, reach
from .deadline_notices import deadline_changed

RULE = "R13: counted again on the year's published working days"


class ReadAgain(RuntimeError):
    """The case changed between the page and its transaction so that the reporter must be told
    of a move not foreseen: the case stays due and the next run reads it afresh."""


class DeadlineRecount:
    """Counts a due case's provisional deadlines again on the calendar (None: none is known)."""

    def __init__(self, store: CaseStore, calendar: WorkingCalendar | None, timezone: str):
        self._store = store
        self._calendar = calendar
        self._zone = ZoneInfo(timezone)

    def reach_for(self, case: Case, now: datetime) -> Reach | None:
        """How the reporter can be told, read before the transaction; None when the case as
        read would not move its decision deadline (then nothing is read)."""
        if not _due(case, now) or self._calendar is None:
            return None
        trial = copy.deepcopy(case)
        if not any(r.deadline == DECISION and r.moved
                   for r in provisional_deadlines.recount(trial, self._calendar, now)):
            return None
        return reach(self._store, case, self._store.get_identity(case.number))

    def recount(self, case: Case, now: datetime, told: Reach | None,
                done: Counter) -> list[OutboxMessage]:
        """Count again what is due; record each recounted deadline; tell the reporter a moved
        decision deadline (`told`, from `reach_for`). Returns the notices to queue."""
        if not _due(case, now):
            return []
        recounted = provisional_deadlines.recount(case, self._calendar, now)
        for change in recounted:
            case.record(TimelineEvent(EventType.DEADLINE_RECOUNTED, now, text=self._text(change),
                                      actor=SYSTEM, data={
                                          "rule": RULE, "deadline": change.deadline,
                                          "was": change.was.isoformat(),
                                          "now": change.now_at.isoformat()}))
            done[f"recount_{change.deadline}"] += 1
        if not any(r.deadline == DECISION and r.moved for r in recounted):
            return []
        if told is None:
            raise ReadAgain(f"case {case.number}: its decision deadline moves; read it again")
        was = next(r.was for r in recounted if r.deadline == DECISION)
        return deadline_changed(case, was, now, told, cause="recount")

    def _text(self, change: Recounted) -> str:
        was, now_at = (m.astimezone(self._zone).strftime("%Y-%m-%d %H:%M")
                       for m in (change.was, change.now_at))
        moved = f"{was} → {now_at}" if change.moved else f"{now_at}, unchanged"
        return f"{change.deadline} deadline counted again on the year's published working days: {moved}"


def _due(case: Case, now: datetime) -> bool:
    at = provisional_deadlines.recheck_at(case)
    return at is not None and at <= now
