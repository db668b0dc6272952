"""Appeals the person lodges themselves (R16): on the status page (number + access code, the same
rate-limited check as a look-up) or by replying to the closure notice.

An appeal inside the window reopens the case as `appealed` (`AppealDecision`: once, the window's
end inclusive, the assignee cleared) with the person's words on its public `appeal_lodged` event,
and queues the `appeal_received` acknowledgment. Refused, nothing changes on the page, and the
page says why and when the window closed; a reply that comes too late (or after the appeal) is
kept on the case as information and answered with `appeal_refused`, saying the same. Nothing is
ever written to a reporter `case_notices.reach` says may not be written to.

Which replies are appeals: only one that answers a closure notice (`case_closed` or
`appeal_decided`), i.e. whose In-Reply-To (or, without one, the last References entry) is that
notice's Message-ID. Any other mail joining a closed case is information (see docs/design.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from shared.domain.cases import REPORTER, Case, ReporterIdentity, Status
from shared.domain.decision_commands import AppealDecision
from shared.domain.errors import CommandRefused, TransitionNotAllowed
from shared.domain.lifecycle import apply
from shared.domain.outbox import OutboxMessage, Template, queue_notice
from shared.domain.ports import CaseStore, Clock

from .appeal_refusals import AppealRefusal, AppealRefused, appeal_refusal
from .case_notices import Reach, notify, reach
from .mail_parsing import ParsedMail
from .major_case_notices import staff_audience, with_major_case_notices
from .status_lookup import MAX_ADDED_TEXT, CaseView, StatusLookup
from .submissions import clean_text, is_blank

MAX_APPEAL_TEXT = MAX_ADDED_TEXT  # bounded like an addition
CLOSURE_NOTICES = frozenset({Template.CASE_CLOSED, Template.APPEAL_DECIDED})
# Refusals a reply is answered for: the others (an appeal already being reviewed, nothing
# decided) come from a case that is no longer, or not yet, closed, and the reply is information.
ANSWERED_REFUSALS = frozenset({AppealRefused.WINDOW_CLOSED, AppealRefused.FINAL})
_OUR_MESSAGE_ID = re.compile(r"<?([0-9a-f]{32})@([^>\s]+)>?", re.I)


@dataclass(frozen=True)
class AppealOutcome:
    """The case as it is now, and, when the appeal was not lodged, why: `errors` (the text) or
    `refusal` (the case's rule)."""

    view: CaseView
    errors: dict[str, str] = field(default_factory=dict)
    refusal: AppealRefusal | None = None

    @property
    def lodged(self) -> bool:
        return not self.errors and self.refusal is None


class ReporterAppeals:
    """The status page's appeal form."""

    def __init__(self, status: StatusLookup, store: CaseStore, clock: Clock):
        self._status = status
        self._store = store
        self._clock = clock

    def lodge(self, number: str, access_code: str, client: str, text) -> AppealOutcome:
        """Lodge the person's appeal with their reasons (`text`, required, at most
        MAX_APPEAL_TEXT characters). Refused (nothing changes): the outcome says why. Raises
        CaseNotFound or TooManyAttempts, as a look-up does."""
        case = self._status.authorised_case(number, access_code, client)
        refusal = appeal_refusal(case, self._clock.now())
        text = clean_text(text) if isinstance(text, str) else ""
        text = "" if is_blank(text) else text
        errors = {}
        if refusal is None and not text:
            errors["text"] = "required"
        elif refusal is None and len(text) > MAX_APPEAL_TEXT:
            errors["text"] = "too_long"
        if refusal or errors:
            return AppealOutcome(self._view(case), errors, refusal)
        can_reach = reach(self._store, case, self._store.get_identity(case.number))

        def change(current: Case):
            now = self._clock.now()
            apply(current, AppealDecision(REPORTER, text, lodged_at=now), now)
            return appeal_notice(current, Template.APPEAL_RECEIVED, now, can_reach)

        try:
            updated = self._store.update_case(case.number, with_major_case_notices(
                change, staff_audience(self._store), self._status.staff_language))
        except (CommandRefused, TransitionNotAllowed):  # the window closed, or another appeal won
            current = self._store.get_case(case.number)
            return AppealOutcome(self._view(current), {}, appeal_refusal(current, self._clock.now()))
        return AppealOutcome(self._view(updated))

    def _view(self, case: Case) -> CaseView:
        return CaseView.of(case, self._store, now=self._clock.now())


@dataclass(frozen=True)
class ReplyAppeal:
    """A reply to one of the case's closure notices, read before the transaction: how the
    reporter can be told, and what the notice it answers said (its details)."""

    can_reach: Reach
    answered: dict
    in_reply_to: str = ""

    def lodges(self, case: Case, now: datetime) -> bool:
        """Whether the reply, arriving `now`, is an appeal on the case as it is written."""
        return appeal_refusal(case, now) is None

    def answer(self, case: Case, text: str, now: datetime) -> list[OutboxMessage]:
        """Lodge the appeal with the reply's words, or answer why not (`appeal_refused`); the
        reply itself is recorded by the caller either way."""
        refusal = appeal_refusal(case, now)
        if refusal is None:
            apply(case, AppealDecision(REPORTER, text, lodged_at=now), now)
            return appeal_notice(case, Template.APPEAL_RECEIVED, now, self.can_reach,
                                 in_reply_to=self.in_reply_to)
        if refusal.code not in ANSWERED_REFUSALS:
            return []
        details = {"reason": refusal.code.value, "closed_on": self._closed_on(refusal)}
        return appeal_notice(case, Template.APPEAL_REFUSED, now, self.can_reach,
                             in_reply_to=self.in_reply_to, details=details)

    def _closed_on(self, refusal: AppealRefusal) -> str:
        """The last day to appeal as the closure notice told it (the platform's calendar)."""
        if refusal.code != AppealRefused.WINDOW_CLOSED:
            return ""
        told = self.answered.get("appeal_until_local", "")
        if told or refusal.closed_at is None:
            return told
        return refusal.closed_at.date().isoformat()  # a notice without it: the UTC day


def reply_appeal(store: CaseStore, number: str, mail: ParsedMail,
                 mail_domain: str) -> ReplyAppeal | None:
    """The appeal a reply may be: when the case is closed (or archived) and the reply answers one
    of its closure notices; None for any other mail (information, as before)."""
    case = store.get_case(number)
    if case is None or case.status not in (Status.CLOSED, Status.ARCHIVED):
        return None
    answered = _closure_notice_answered(store, number, mail, mail_domain)
    if answered is None:
        return None
    identity: ReporterIdentity | None = store.get_identity(number)
    return ReplyAppeal(reach(store, case, identity), dict(answered.details), mail.message_id)


def _closure_notice_answered(store: CaseStore, number: str, mail: ParsedMail,
                             mail_domain: str) -> OutboxMessage | None:
    """The closure notice of this case the mail answers: the message its In-Reply-To names, or
    without one the last of its References (the parent, RFC 5322 3.6.4)."""
    parent = (mail.in_reply_to or mail.references[-1:] or [""])[0]
    found = _OUR_MESSAGE_ID.fullmatch(parent.strip())
    if not found or found.group(2).lower() != mail_domain.lower():
        return None
    notice = store.get_outbox(found.group(1).lower())
    if notice is None or notice.case_number != number or notice.template not in CLOSURE_NOTICES:
        return None
    return notice


def appeal_notice(case: Case, template: Template, now: datetime, can_reach: Reach, *,
                  in_reply_to: str = "", details: dict | None = None) -> list[OutboxMessage]:
    """`case_notices.notify`, threaded under the person's reply when there is one."""
    if can_reach == Reach.EMAIL and not case.reporter_unreachable and in_reply_to:
        return [queue_notice(case, template, now, in_reply_to=in_reply_to, details=details)]
    return notify(case, template, now, can_reach, details=details)
