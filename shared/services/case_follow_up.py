"""Follow-up calls (回访记录, R17): the service centre calls the person back — those who rated the
handling unsatisfactory first (the `follow_up` queue) — and records how the call went. A call
that `closes_task` closes the case's open follow-up task, and the case leaves the queue."""
from __future__ import annotations

from datetime import datetime

from shared.domain.cases import Case
from shared.domain.follow_up import CallOutcome, RecordFollowUp
from shared.domain.lifecycle import apply
from shared.domain.permissions import Action
from shared.domain.staff import Requester

from .case_handling import CaseHandling
from .case_input import MAX_REASON, Checked
from .case_views import CaseView


class CaseFollowUp(CaseHandling):
    def record_follow_up(self, who: Requester, number: str, *, outcome=None, note=None,
                         closes_task=False) -> CaseView:
        """Record a follow-up call on a closed case (or one under appeal): its `outcome`
        (`CallOutcome`: satisfied, unsatisfied, unreachable, other) and a `note`; with
        `closes_task` it closes the open follow-up task (409 `no_follow_up_task` when there is
        none). Clerks and supervisors: they are the ones who call."""
        case = self._case(who, number, Action.RECORD_FOLLOW_UP)
        checked = Checked()
        how = checked.choice("outcome", outcome, CallOutcome)
        note = checked.text("note", note, limit=MAX_REASON)
        closes = checked.flag("closes_task", closes_task)
        checked.done()
        command = RecordFollowUp(who.actor, note, who.client, outcome=how, closes_task=closes)

        def change(current: Case, now: datetime):
            apply(current, command, now)

        return self._view(who, self._update(who, case, Action.RECORD_FOLLOW_UP, change))
