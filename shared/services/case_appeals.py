"""Appeals made by phone or letter (R16), registered by staff: the window is judged by when the
person lodged it, not when it is typed in, so a letter posted in time is in time. The person's
own appeals (status page, reply) are `reporter_appeals.py`."""
from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.cases import Case
from shared.domain.decision_commands import AppealDecision
from shared.domain.errors import CommandRefused
from shared.domain.lifecycle import apply
from shared.domain.outbox import Template
from shared.domain.permissions import Action
from shared.domain.staff import Requester

from .case_handling import CaseHandling
from .case_input import CLOCK_SKEW, Checked, staff_moment
from .case_notices import notify, reach
from .case_views import CaseView


class CaseAppeals(CaseHandling):
    def register_appeal(self, who: Requester, number: str, text=None,
                        lodged_at=None) -> CaseView:
        """Register the person's appeal with their reasons (`text`), lodged at `lodged_at` (ISO
        8601, a time without a zone is the platform's; not in the future, not before the case
        closed; now when not given). The case goes to `appealed` for a supervisor to assign to
        someone who did not decide it, and the person is sent `appeal_received` when they can
        be written to. Refused by the case (CommandRefused): `appeal_window_closed`,
        `appeal_final`."""
        case = self._case(who, number, Action.REGISTER_APPEAL)
        if case.appeal_round:  # also while the appeal is reviewed: the person has had theirs
            raise CommandRefused("the person appealed already; the appeal's decision is final",
                                 "appeal_final")
        checked = Checked()
        text = checked.text("text", text)
        lodged = self._lodged_at(checked, lodged_at, case)
        checked.done()
        identity = self._store.get_identity(case.number)
        can_reach = reach(self._store, case, identity)

        def change(current: Case, now: datetime):
            apply(current, AppealDecision(who.actor, text, who.client,
                                          lodged_at=lodged or now), now)
            return notify(current, Template.APPEAL_RECEIVED, now, can_reach)

        updated = self._update(who, case, Action.REGISTER_APPEAL, change)
        return self._view(who, updated, identity)

    def _lodged_at(self, checked: Checked, value, case: Case) -> datetime | None:
        """When the person lodged it; None (now) when not given. Codes: invalid_time,
        in_future, before_closure."""
        try:
            moment = staff_moment(value, self._policy.timezone)
        except ValueError:
            checked.fail("lodged_at", "invalid_time")
            return None
        if moment is None:
            return None
        now = self._clock.now()
        if moment > now + CLOCK_SKEW:
            checked.fail("lodged_at", "in_future")
            return None
        if case.closed_at is not None and moment < case.closed_at:
            checked.fail("lodged_at", "before_closure")
            return None  # and never converted: 0001-01-01 in a zone east of UTC has no UTC day
        return min(moment, now).astimezone(UTC)
