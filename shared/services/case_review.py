"""The initial review (R6): accept, reject with a ground from the fixed list, reopen."""
from __future__ import annotations

from shared.domain.case_updates import AddNote
from shared.domain.cases import Case
from shared.domain.commands import AcceptCase, RejectCase, ReopenCase
from shared.domain.deadline_policy import Deadlines
from shared.domain.lifecycle import apply
from shared.domain.outbox import Template
from shared.domain.permissions import Action
from shared.domain.provisional_deadlines import DECISION, REVIEW, counted, look_sooner
from shared.domain.review_reasons import RejectionReason
from shared.domain.staff import Requester

from .case_handling import CaseHandling
from .case_input import MAX_REASON, Checked
from .case_notices import notify, reach
from .case_views import CaseView


class CaseReview(CaseHandling):
    def __init__(self, *args, deadlines: Deadlines | None = None, **kwargs):
        """`deadlines`: the decision is due the policy's working days after acceptance and a
        reopened case's review from the next working moment; None: clock time (15 days, the
        initial review setting)."""
        super().__init__(*args, **kwargs)
        self._deadlines = deadlines

    def accept(self, who: Requester, number: str, note: str = "") -> CaseView:
        """Accept the case (R6): its decision is due 15 working days later (the deadline
        policy, by kind, category and severity), the reporter gets the acceptance notice.
        `note` is an internal note (staff only), recorded after it."""
        case = self._case(who, number, Action.INITIAL_REVIEW)
        checked = Checked()
        note = checked.text("note", note, required=False)
        checked.done()
        identity = self._store.get_identity(case.number)
        can_reach = reach(self._store, case, identity)

        def change(current: Case, now):
            apply(current, self._accepted(current, who, now), now)
            look_sooner(current)  # a provisional decision deadline is checked daily
            if note:
                apply(current, AddNote(who.actor, note, who.client), now)
            return notify(current, Template.CASE_ACCEPTED, now, can_reach)

        return self._view(who, self._update(who, case, Action.INITIAL_REVIEW, change), identity)

    def reject(self, who: Requester, number: str, reason: str | None = None,
               duplicate_of: str = "", text: str = "") -> CaseView:
        """Reject the case as not admissible (R6), on a ground of `RejectionReason`; `other`
        needs `text`, `duplicate` the number of another existing case. The reporter is told the
        ground in words and `text` (by email and on the status page); the duplicate's number only
        when it is their own case."""
        case = self._case(who, number, Action.INITIAL_REVIEW)
        checked = Checked()
        ground = checked.choice("reason", reason, RejectionReason)
        text = checked.text("text", text, required=ground == RejectionReason.OTHER,
                            limit=MAX_REASON)
        other = ""
        if ground == RejectionReason.DUPLICATE:
            other = checked.case_number("duplicate_of", duplicate_of)
            if other == case.number:
                checked.fail("duplicate_of", "same_case")
            elif other and self._store.get_case(other) is None:
                checked.fail("duplicate_of", "unknown")
        checked.done()
        same = bool(other) and self._same_reporter(case.number, other)
        identity = self._store.get_identity(case.number)
        can_reach = reach(self._store, case, identity)

        def change(current: Case, now):
            apply(current, RejectCase(who.actor, text, who.client, ground=ground,
                                      duplicate_of=other, same_reporter=same), now)
            details = {"ground": ground.value, **({"duplicate_of": other} if same else {})}
            return notify(current, Template.CASE_REJECTED, now, can_reach, text=text,
                          details=details)

        return self._view(who, self._update(who, case, Action.INITIAL_REVIEW, change), identity)

    def reopen(self, who: Requester, number: str, reason: str | None = None) -> CaseView:
        """Reopen a rejected case (a supervisor): its initial review starts again, as long as
        the setting says."""
        case = self._case(who, number, Action.REOPEN)
        checked = Checked()
        reason = checked.text("reason", reason, limit=MAX_REASON)
        checked.done()

        def change(current: Case, now):
            apply(current, ReopenCase(who.actor, reason, who.client,
                                      review_within=self._review_within(current, now)), now)
            look_sooner(current)

        return self._view(who, self._update(who, case, Action.REOPEN, change))

    def _accepted(self, case: Case, who: Requester, now) -> AcceptCase:
        if self._deadlines is None:
            return AcceptCase(who.actor, client=who.client)
        kind, category, severity = case.kind.value, case.category, case.severity.value
        due = self._deadlines.decision(kind, category, severity, now)
        # The review's deadline is behind it now: the decision's count replaces its count.
        counted(case, DECISION, due, now, now,
                working_days=self._deadlines.policy.decision_days(kind, category, severity))
        return AcceptCase(who.actor, client=who.client, decide_within=due.at - now)

    def _review_within(self, case: Case, now):
        if self._deadlines is None:
            return self._initial_review
        due = self._deadlines.initial_review(now)
        counted(case, REVIEW, due, now, now, within=self._deadlines.policy.initial_review)
        return due.at - now

    def _same_reporter(self, number: str, other: str) -> bool:
        """Whether both cases came from the same person (same email address or phone)."""
        one, two = self._store.get_identity(number), self._store.get_identity(other)
        if one is None or two is None:
            return False
        same_email = bool(one.email) and one.email.strip().lower() == two.email.strip().lower()
        same_phone = bool(_digits(one.phone)) and _digits(one.phone) == _digits(two.phone)
        return same_email or same_phone


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())
