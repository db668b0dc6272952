"""The machinery every staff command on a case shares: role table first, then the case and
need-to-know, then one transaction that checks need-to-know again on the case as it is written
(someone may have reassigned it meanwhile) and applies the lifecycle commands."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from shared.domain.case_access import check
from shared.domain.case_numbers import parse_case_number
from shared.domain.cases import Case, ReporterIdentity
from shared.domain.commands import CommandName
from shared.domain.deadline_policy import Deadlines
from shared.domain.decision_clock import DecisionClock
from shared.domain.errors import CaseNotFound, TransitionNotAllowed
from shared.domain.handling_policy import HandlingPolicy
from shared.domain.lifecycle import TRANSITIONS
from shared.domain.outbox import OutboxMessage
from shared.domain.permissions import Action, Forbidden, allowed
from shared.domain.ports import CaseStore, Clock
from shared.domain.staff import Requester

from .case_views import CaseView
from .major_case_notices import staff_audience, with_major_case_notices

ActionOf = Action | Callable[[Case], Action]  # the action, or how the case decides it
Change = Callable[[Case, datetime], list[OutboxMessage] | None]


def _action(action: ActionOf, case: Case) -> Action:
    return action if isinstance(action, Action) else action(case)


class CaseHandling:
    """Reads and changes cases on behalf of a staff member (`Requester`)."""

    def __init__(self, store: CaseStore, clock: Clock, policy: HandlingPolicy = HandlingPolicy()):
        self._store = store
        self._clock = clock
        self._policy = policy
        self._initial_review = policy.initial_review  # a reopened case's review starts again (R6)
        self._zone = ZoneInfo(policy.timezone)  # the platform's calendar, for days staff give
        self._deadlines: Deadlines | None = None  # clock time unless given (`CaseReview`)

    @property
    def _decision_clock(self) -> DecisionClock:
        """The decision clock on the working calendar (clock time without one)."""
        return self._deadlines.decision_clock if self._deadlines else DecisionClock()

    def _case(self, who: Requester, number, action: ActionOf, *asked_first: Action) -> Case:
        """The case, once the member may take the action on it. The role table is asked before
        anything is read: for `action`, or, when the case decides the action, for any of
        `asked_first`. Raises Forbidden or CaseNotFound."""
        asked = asked_first or (action,)
        if not any(allowed(who.member, one) for one in asked):
            raise Forbidden(asked[0], who.member.id)
        canonical = parse_case_number(number) if isinstance(number, str) else None
        case = self._store.get_case(canonical) if canonical else None
        if case is None:
            raise CaseNotFound(str(number))
        check(who.member, _action(action, case), case)
        return case

    def _update(self, who: Requester, case: Case, action: ActionOf, change: Change) -> Case:
        """Run `change` on the case in one transaction, need-to-know checked again first; the
        case as written."""

        def guarded(current: Case):
            check(who.member, _action(action, current), current)
            return change(current, self._clock.now())

        return self._store.update_case(case.number, self._told(guarded))

    def _told(self, change):
        """`change` with the R9 notices of what it does (a case made major or hot, a major
        case's change of status), queued in its transaction."""
        return with_major_case_notices(change, staff_audience(self._store),
                                       self._policy.staff_language)

    @staticmethod
    def _unchanged(case: Case, command: CommandName) -> None:
        """A command that would change nothing still needs a status that allows it: raises
        TransitionNotAllowed otherwise (a closed case is not "already" classified)."""
        if (case.status, command) not in TRANSITIONS:
            raise TransitionNotAllowed(case.status.value, command.value)

    def _view(self, who: Requester, case: Case,
              identity: ReporterIdentity | None = None) -> CaseView:
        """The case as the member sees it; `identity` when the command read it already."""
        if identity is None:
            identity = self._store.get_identity(case.number)
        return CaseView.of(case, identity, who.member)
