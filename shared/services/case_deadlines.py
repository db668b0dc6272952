"""The decision deadline's one extension (R13): the handler or a supervisor asks for it with a
reason, a leader other than who asked approves or refuses it. The approval moves the deadline and
queues the reporter's notice of the new date, with the reason, in the same transaction: a second
approval finds nothing waiting (409), so the notice goes once."""
from __future__ import annotations

from datetime import datetime

from shared.domain.case_access import may_see
from shared.domain.case_updates import RecordConfidentialRead
from shared.domain.cases import Case
from shared.domain.extensions import (
    MAX_EXTENSION_WORKING_DAYS,
    ApproveExtension,
    RefuseExtension,
    RequestExtension,
)
from shared.domain.lifecycle import apply
from shared.domain.permissions import Action
from shared.domain.provisional_deadlines import DECISION, look_sooner, moved
from shared.domain.staff import Requester

from .case_handling import CaseHandling
from .case_input import MAX_REASON, Checked
from .case_notices import reach
from .case_views import CaseView
from .deadline_notices import deadline_changed
from .extension_views import ExtensionView


class CaseDeadlines(CaseHandling):
    def extension(self, who: Requester, number: str) -> ExtensionView:
        """The decision deadline's extension request, for a leader to decide: the request and
        the deadline only (`ExtensionView`), also on a confidential case they may not read; that
        read is recorded on a confidential case (`confidential_case_read`, read: extension)."""
        case = self._case(who, number, Action.APPROVE_EXTENSION)
        if case.confidential:
            def change(current: Case, now: datetime):
                apply(current, RecordConfidentialRead(who.actor, client=who.client,
                                                      what="extension"), now)

            case = self._update(who, case, Action.APPROVE_EXTENSION, change)
        return ExtensionView.of(case, who.member)

    def request_extension(self, who: Requester, number: str, working_days=None,
                          reason=None) -> CaseView:
        """Ask a leader for `working_days` (1–30) more to decide, with a reason the reporter is
        told once it is approved. Refused (409): `extension_used`, `extension_pending`,
        `no_decision_deadline`; after the decision's approval: transition_not_allowed."""
        case = self._case(who, number, Action.REQUEST_EXTENSION)
        checked = Checked()
        days = checked.count("working_days", working_days, low=1,
                             high=MAX_EXTENSION_WORKING_DAYS)
        reason = checked.text("reason", reason, limit=MAX_REASON)
        checked.done()
        return self._with(who, case, Action.REQUEST_EXTENSION, lambda current, now: RequestExtension(
            who.actor, reason, who.client, working_days=days, requested_at=now))

    def approve_extension(self, who: Requester, number: str) -> CaseView:
        """A leader approves the waiting request: the decision is due that many working days
        later (counted from the current deadline, or from now once it has passed, to the close
        of the last day) and the reporter is told the new date and the reason. Refused (409):
        `no_extension_requested`, `own_request`."""
        case = self._case(who, number, Action.APPROVE_EXTENSION)
        identity = self._store.get_identity(case.number)
        can_reach = reach(self._store, case, identity)

        def change(current: Case, now: datetime):
            before, request = current.decision_due_at, current.extension
            due, guessed, step = None, False, {"working_days": request.get("working_days")}
            if before is not None and request.get("working_days"):
                # Approved after the deadline passed: counted from the approval, so that the
                # reporter is never told a new deadline that has gone already.
                start = max(before, now)
                if start > before:
                    step["from"] = now.isoformat()
                due, guessed = self._decision_clock.extended(start, request["working_days"])
            reason = request.get("reason", "")
            apply(current, ApproveExtension(
                who.actor, reason, who.client, decision_due_at=due, decided_at=now), now)
            current.deadlines_provisional = current.deadlines_provisional or guessed
            if due is not None:  # a provisional deadline is counted again with its extension
                moved(current, DECISION, before, due, guessed, step, now)
                look_sooner(current)
            return deadline_changed(current, before, now, can_reach, cause="extension",
                                    reason=reason, working_days=request.get("working_days", 0))

        return self._answer(who, self._update(who, case, Action.APPROVE_EXTENSION, change),
                            identity)

    def refuse_extension(self, who: Requester, number: str, reason=None) -> CaseView:
        """A leader refuses the waiting request, with a reason (staff only; the deadline stays).
        Refused (409): `no_extension_requested`, `own_request`."""
        case = self._case(who, number, Action.APPROVE_EXTENSION)
        checked = Checked()
        reason = checked.text("reason", reason, limit=MAX_REASON)
        checked.done()
        return self._with(who, case, Action.APPROVE_EXTENSION, lambda current, now: RefuseExtension(
            who.actor, reason, who.client, decided_at=now))

    def _with(self, who: Requester, case: Case, action: Action, command):
        def change(current: Case, now: datetime):
            apply(current, command(current, now), now)

        return self._answer(who, self._update(who, case, action, change))

    def _answer(self, who: Requester, case: Case, identity=None) -> CaseView | ExtensionView:
        """The case as the member may see it; a leader deciding a confidential case's extension
        sees the request alone."""
        if not may_see(who.member, case):
            return ExtensionView.of(case, who.member)
        return self._view(who, case, identity)
