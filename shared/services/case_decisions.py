"""The decision (R12–R16): the handler drafts it, a leader approves compensation above the
threshold, a supervisor approves it or sends it back. The approval closes the case and queues its
notice in the same transaction — the closure notice, or for an appeal the final decision's — so
each notice is queued exactly once: a second approval finds the case closed (409)."""
from __future__ import annotations

from datetime import datetime

from shared.domain.cases import Case
from shared.domain.decision_commands import (
    ApproveCompensation,
    ApproveDecision,
    CloseCase,
    DecideAppeal,
    DraftDecision,
    SendBack,
)
from shared.domain.decisions import Decision
from shared.domain.lifecycle import apply
from shared.domain.outbox import Template
from shared.domain.permissions import Action
from shared.domain.staff import Requester

from .appeal_window import appeal_until, local_day
from .case_handling import CaseHandling
from .case_input import MAX_REASON, Checked
from .case_notices import notify, reach
from .case_views import CaseView


class CaseDecisions(CaseHandling):
    def draft_decision(self, who: Requester, number: str, **decision) -> CaseView:
        """Draft the decision (R14): outcome, measures, facts_found, grounds, automated and the
        statement of reasons (`decisions.py`); every bad field is named at once (InvalidCommand).
        A new draft replaces the last one and any approval given to it."""
        case = self._case(who, number, Action.DRAFT_DECISION)
        record = Decision.from_record(decision).to_record()
        return self._give(who, case, Action.DRAFT_DECISION,
                          lambda: DraftDecision(who.actor, client=who.client, decision=record))

    def approve_compensation(self, who: Requester, number: str) -> CaseView:
        """A leader approves the draft's compensation (R13), before the service centre approves."""
        case = self._case(who, number, Action.APPROVE_COMPENSATION)
        return self._give(who, case, Action.APPROVE_COMPENSATION,
                          lambda: ApproveCompensation(who.actor, client=who.client))

    def send_back(self, who: Requester, number: str, reason: str | None = None) -> CaseView:
        """Back to the handler with a comment (R12); nothing is sent to the reporter."""
        case = self._case(who, number, Action.APPROVE_DECISION)
        checked = Checked()
        reason = checked.text("reason", reason, limit=MAX_REASON)
        checked.done()
        return self._give(who, case, Action.APPROVE_DECISION,
                          lambda: SendBack(who.actor, reason, who.client))

    def approve_decision(self, who: Requester, number: str) -> CaseView:
        """Approve the draft (R12): not the drafter's own, not an original decider's on appeal,
        and above the threshold only after a leader (CommandRefused with the rule's code). The case
        closes and the person is told, in one transaction: the closure notice with the appeal
        window (R15, R16), or the appeal's final decision."""
        case = self._case(who, number, Action.APPROVE_DECISION)
        identity = self._store.get_identity(case.number)
        can_reach = reach(self._store, case, identity)

        def change(current: Case, now: datetime):
            apply(current, ApproveDecision(who.actor, client=who.client,
                                           leader_threshold_fen=self._policy.leader_threshold_fen),
                  now)
            if current.appeal_round:
                apply(current, DecideAppeal(who.actor, client=who.client), now)
                return notify(current, Template.APPEAL_DECIDED, now, can_reach,
                              details=self._notice_details(current, None))
            until = appeal_until(now, self._policy.appeal_window_months, self._zone)
            apply(current, CloseCase(who.actor, client=who.client, appeal_until=until), now)
            return notify(current, Template.CASE_CLOSED, now, can_reach,
                          details=self._notice_details(current, until))

        updated = self._update(who, case, Action.APPROVE_DECISION, change)
        return self._view(who, updated, identity)

    def _notice_details(self, case: Case, until: datetime | None) -> dict:
        """What the notice states: the decision as approved (the outbox keeps it, so a later
        draft never changes a notice waiting to be sent), and until when the person may appeal."""
        details = {"decision": case.decision["sent"], "round": case.appeal_round}
        if until is not None:
            details |= {"appeal_until": until.isoformat(),
                        "appeal_until_local": local_day(until, self._zone)}
        return details

    def _give(self, who: Requester, case: Case, action: Action, command) -> CaseView:
        def change(current: Case, now: datetime):
            apply(current, command(), now)

        return self._view(who, self._update(who, case, action, change))



