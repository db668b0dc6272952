"""The first-contact and compensation clocks on staff's side (R13, `contact_clocks.py`): record a
contact with the person made outside the system's mail (a call, a visit), which meets the
first-contact clock; and record that all materials of a compensation claim are in, which starts
the compensation clock (`compensation.working_days` of the deadline policy, 10 working days)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.domain.cases import Case
from shared.domain.contact_clocks import (
    MAX_SUMMARY,
    ContactChannel,
    RecordContact,
    RecordMaterialsComplete,
)
from shared.domain.deadline_policy import DeadlinePolicy
from shared.domain.lifecycle import apply
from shared.domain.permissions import Action
from shared.domain.provisional_deadlines import COMPENSATION, counted, look_sooner
from shared.domain.staff import Requester

from .case_handling import CaseHandling
from .case_input import CLOCK_SKEW, MAX_REASON, Checked, staff_moment
from .case_views import CaseView


class CaseClocks(CaseHandling):
    def record_contact(self, who: Requester, number: str, *, channel=None, at=None,
                       summary=None) -> CaseView:
        """Record that staff reached the person (`channel`: phone, in_person, email, sms,
        letter, other) at `at` (ISO 8601, a time without a zone is the platform's; not before
        receipt, not in the future), with a `summary` of what was said. Meets the first-contact
        clock. Codes (422): required, invalid, invalid_time, in_future, before_receipt, too_long."""
        case = self._case(who, number, Action.RECORD_CONTACT)
        checked = Checked()
        how = checked.choice("channel", channel, ContactChannel)
        moment = self._contact_time(checked, at, case)
        summary = checked.text("summary", summary, limit=MAX_SUMMARY)
        checked.done()
        command = RecordContact(who.actor, summary, who.client, channel=how, at=moment)

        def change(current: Case, now: datetime):
            apply(current, command, now)

        return self._view(who, self._update(who, case, Action.RECORD_CONTACT, change))

    def record_materials_complete(self, who: Requester, number: str, reason=None) -> CaseView:
        """All materials of the case's compensation claim are in (the `reason` says what came):
        it is a compensation case now, decided within the policy's working days (R13). 409
        `compensation_clock_running` when recorded already and not yet decided."""
        case = self._case(who, number, Action.RECORD_MATERIALS_COMPLETE)
        checked = Checked()
        reason = checked.text("reason", reason, limit=MAX_REASON)
        checked.done()

        def change(current: Case, now: datetime):
            apply(current, RecordMaterialsComplete(who.actor, reason, who.client,
                                                   due=self._compensation_due(current, now),
                                                   at=now), now)
            look_sooner(current)  # a provisional compensation deadline is checked daily

        return self._view(who, self._update(who, case, Action.RECORD_MATERIALS_COMPLETE, change))

    def _compensation_due(self, case: Case, now: datetime) -> datetime:
        deadlines = getattr(self, "_deadlines", None)  # CaseReview's: the platform's calendar
        if deadlines is None:  # no calendar (unit wiring): clock days
            return now + timedelta(days=DeadlinePolicy().compensation_working_days)
        due = deadlines.compensation(now)
        counted(case, COMPENSATION, due, now, now,
                working_days=deadlines.policy.compensation_working_days)
        return due.at.astimezone(UTC)

    def _contact_time(self, checked: Checked, value, case: Case) -> datetime | None:
        """When the contact was made. Codes: required, invalid_time, in_future,
        before_receipt."""
        try:
            moment = staff_moment(value, self._policy.timezone)
        except ValueError:
            checked.fail("at", "invalid_time")
            return None
        if moment is None:
            checked.fail("at", "required")
            return None
        now = self._clock.now()
        if moment > now + CLOCK_SKEW:
            checked.fail("at", "in_future")
            return None
        if moment < case.received_at:
            checked.fail("at", "before_receipt")
            return None
        return min(moment, now).astimezone(UTC)
