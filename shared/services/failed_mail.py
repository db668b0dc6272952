"""Failed mail for staff (issue 10): the standing list of outbox entries the system gave up on,
newest failure first, and sending one again once its cause is fixed (`shared/domain/failed_mail`).

Supervisors and admins (`READ_FAILED_MAIL`, `RETRY_MAIL`): the list holds no case content — the
case number, the notice, to whom by kind (reporter, respondent, staff), its attempts, when it was
given up and why (the error's class, and its text with every address masked, R20) — so admins, who
read no cases, fix the mail settings and see what is left. Mail of a case about the member's own
conduct is neither listed to them nor sent again by them (R23). A retry is the case's event
(`notice_requeued`, naming the member, their reason and where they acted from); the entry is then
delivered by the next delivery pass (the local worker, or the scheduled sweep's `deliver_due`).
"""
from __future__ import annotations

from shared.domain.cases import Case, staff_actor
from shared.domain.errors import CommandRefused, InvalidCommand
from shared.domain.failed_mail import MailNotFound, error_class, masked_error, send_again
from shared.domain.outbox import Addressee, OutboxMessage
from shared.domain.permissions import Action, authorize
from shared.domain.ports import CaseStore, Clock
from shared.domain.staff import Requester

from .case_views import iso
from .submissions import is_blank

PAGE = 50
MAX_REASON = 2000
MAX_CURSOR = 200
MAX_ID = 64


class FailedMail:
    """The failed-mail list and its retry (`Services.failed_mail`); results are JSON-ready."""

    def __init__(self, store: CaseStore, clock: Clock):
        self._store = store
        self._clock = clock

    def page(self, who: Requester, after: str | None = None, limit: int = PAGE) -> dict:
        """`{"items": [...], "next_cursor": str | None}`: the entries given up on, newest failure
        first. Raises Forbidden, or InvalidCommand for a bad limit or cursor, reading nothing."""
        authorize(who.member, Action.READ_FAILED_MAIL)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= PAGE:
            raise InvalidCommand({"limit": "out_of_range"})
        if after is not None and (not isinstance(after, str) or len(after) > MAX_CURSOR):
            raise InvalidCommand({"after": "invalid_cursor"})
        try:
            page = self._store.failed_outbox(limit, after)
        except ValueError:
            raise InvalidCommand({"after": "invalid_cursor"}) from None
        cases: dict[str, Case | None] = {}
        items = []
        for message in page.entries:
            if not message.case_number:  # a mail of no case (a period's bulletin)
                items.append(failed_item(message))
                continue
            if message.case_number not in cases:
                cases[message.case_number] = self._store.get_case(message.case_number)
            case = cases[message.case_number]
            if case is not None and case.about_staff != who.member.id:
                items.append(failed_item(message))
        return {"items": items, "next_cursor": page.next_cursor}

    def retry(self, who: Requester, outbox_id: str, reason: str) -> dict:
        """Send a given-up entry again: back to pending now, recorded on its case. Returns the
        entry as `failed_item` shows it (status `pending`). Raises Forbidden, InvalidCommand (no
        reason), MailNotFound, or CommandRefused `mail_not_failed` (not given up: pending, being
        sent, sent, or sent again already), changing nothing."""
        authorize(who.member, Action.RETRY_MAIL)
        if not isinstance(reason, str) or is_blank(reason):
            raise InvalidCommand({"reason": "required"})
        if len(reason) > MAX_REASON:
            raise InvalidCommand({"reason": "too_long"})
        if not _is_outbox_id(outbox_id):
            raise MailNotFound(str(outbox_id)[:MAX_ID])
        refused: list[Exception] = []

        def change(message: OutboxMessage, case: Case | None) -> bool:
            refused.clear()  # a transaction may run this again
            if case is not None and case.about_staff == who.member.id:
                refused.append(MailNotFound(outbox_id))
                return False
            try:
                send_again(message, case, staff_actor(who.member.id), reason.strip(),
                           self._clock.now(), source=who.client)
            except CommandRefused as refusal:
                refused.append(refusal)
                return False
            return True

        written = self._store.update_outbox(outbox_id, change)
        if written is None:
            raise refused[0] if refused else MailNotFound(outbox_id)
        return failed_item(written)


def failed_item(message: OutboxMessage) -> dict:
    """An entry as the list shows it: nothing of the case's content or the reporter's identity."""
    addressee = message.template.addressee
    return {"id": message.id, "case_number": message.case_number,
            "template": message.template.value, "addressee": addressee.value,
            "staff": message.details.get("staff", "") if addressee == Addressee.STAFF else "",
            "status": message.status.value, "attempts": message.attempts,
            "created_at": iso(message.created_at), "failed_at": iso(message.failed_at),
            "error_class": error_class(message.last_error),
            "error": masked_error(message.last_error)}


def _is_outbox_id(value) -> bool:
    """Whether it can be an outbox id (uuid4 hex today; never a path of Firestore's)."""
    return isinstance(value, str) and 0 < len(value) <= MAX_ID and value.isascii() \
        and value.isalnum()
