"""The respondent told of the outcome (「并通知相关用户」, without the reporter's identity, R20), and
corrective actions (纠正措施) recorded and tracked to done.

The respondent's notice is an outbox entry of its own template (`respondent_outcome`), addressed
to the respondent: their address is kept on that entry (`details["address"]`), never with the
reporter's private record, and the event keeps it masked. The private record is read here only to
refuse a note or a decision whose words name the reporter; the notice never sees it.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from shared.domain.case_access import check
from shared.domain.cases import Case
from shared.domain.errors import MailAlreadyRecorded
from shared.domain.lifecycle import apply
from shared.domain.masking import mask_email
from shared.domain.outbox import Template, queue_notice
from shared.domain.permissions import Action
from shared.domain.respondents import (
    CompleteCorrectiveAction,
    NotifyRespondent,
    RecordCorrectiveAction,
    for_respondent,
    names_reporter,
    told_decision,
)
from shared.domain.staff import Requester

from .case_handling import CaseHandling
from .case_input import MAX_NAME, MAX_REASON, Checked
from .case_views import CaseView

LANGUAGES = ("zh-CN", "en")
MAX_NOTE = 1000  # a short note to the respondent
MAX_ADDRESS = 254  # RFC 5321's longest path
_REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{8,100}")  # as offline registration's


class CaseRespondents(CaseHandling):
    def notify_respondent(self, who: Requester, number: str, *, address=None, language=None,
                          note=None, request_id=None) -> CaseView:
        """Tell the respondent at `address` the outcome of the closed case, in `language` (zh-CN
        by default, or en), with an optional short `note`: the decision's outcome, the measures
        that concern them, its reasons and how to contest, never who reported it. A retry with
        the same `request_id` queues nothing more; without one, each call is one more notice."""
        case = self._case(who, number, Action.NOTIFY_RESPONDENT)
        checked = Checked()
        address = _address(checked, address)
        language = _language(checked, language)
        note = checked.text("note", note, required=False, limit=MAX_NOTE)
        key = _request_key(checked, "respondent", who, case.number, request_id)
        identity = self._store.get_identity(case.number)
        if note and names_reporter(note, identity):
            checked.fail("note", "names_reporter")
        if address and identity is not None and address.casefold() == identity.email.casefold():
            checked.fail("address", "is_reporter")
        checked.done()
        decision = for_respondent(told_decision(case))
        command = NotifyRespondent(who.actor, note, who.client, address=mask_email(address),
                                   language=language,
                                   decision_names_reporter=names_reporter(decision, identity))

        def change(current: Case, now: datetime):
            apply(current, command, now)
            notice = queue_notice(current, Template.RESPONDENT_OUTCOME, now, text=note, details={
                "address": address, "decision": for_respondent(told_decision(current)),
                "round": current.decision.get("sent_round", 0)})
            notice.language = language  # the respondent's, not the case's
            return [notice]

        return self._view(who, self._once(who, case, Action.NOTIFY_RESPONDENT, change, key))

    def record_corrective_action(self, who: Requester, number: str, *, text=None, owner=None,
                                 due_on=None, request_id=None) -> CaseView:
        """Record a corrective action (《纠正措施程序》): what is to be done, its owner (an active
        staff member) and the day it is due (today or later, in the platform's calendar). A
        retry with the same `request_id` records nothing more."""
        case = self._case(who, number, Action.TRACK_CORRECTIVE_ACTION)
        checked = Checked()
        text = checked.text("text", text, limit=MAX_REASON)
        owner = checked.text("owner", owner, limit=MAX_NAME)
        member = self._store.get_staff(owner) if owner else None
        if owner and member is None:
            checked.fail("owner", "unknown_staff")
        elif member is not None and not member.active:
            checked.fail("owner", "inactive")
        due = _day(checked, "due_on", due_on, earliest=self._today())
        key = _request_key(checked, "corrective", who, case.number, request_id)
        checked.done()
        command = RecordCorrectiveAction(who.actor, text, who.client, owner=owner, due_on=due)

        def change(current: Case, now: datetime):
            apply(current, command, now)

        return self._view(who, self._once(who, case, Action.TRACK_CORRECTIVE_ACTION, change, key))

    def complete_corrective_action(self, who: Requester, number: str, action_id, *,
                                   note=None) -> CaseView:
        """Mark the corrective action done today, with a note of what was done; once (a second
        time is refused: `corrective_action_done`)."""
        case = self._case(who, number, Action.TRACK_CORRECTIVE_ACTION)
        checked = Checked()
        action_id = checked.text("action_id", action_id, limit=MAX_NAME)
        note = checked.text("note", note, limit=MAX_REASON)
        checked.done()
        command = CompleteCorrectiveAction(who.actor, note, who.client, action_id=action_id,
                                           done_on=self._today())

        def change(current: Case, now: datetime):
            apply(current, command, now)

        return self._view(who, self._update(who, case, Action.TRACK_CORRECTIVE_ACTION, change))

    def _once(self, who: Requester, case: Case, action: Action, change, key: str) -> Case:
        """The change, written with the request's key when there is one: a retry of the same
        request finds the key taken and answers the case as it is."""
        if not key:
            return self._update(who, case, action, change)
        try:
            return self._store.update_case(case.number,
                                           self._told(self._guarded(who, action, change)),
                                           mail_keys=[key])
        except MailAlreadyRecorded:
            return self._store.get_case(case.number)

    def _guarded(self, who: Requester, action: Action, change):
        """As `_update` does: need-to-know checked again on the case as it is written."""

        def guarded(current: Case):
            check(who.member, action, current)
            return change(current, self._clock.now())

        return guarded

    def _today(self) -> date:
        return self._clock.now().astimezone(self._zone).date()


def _address(checked: Checked, value) -> str:
    """An address mail can be sent to (ASCII mailbox, as the form's rules), normalised."""
    text = checked.text("address", value, limit=MAX_ADDRESS)
    if not text:
        return ""
    from email_validator import EmailNotValidError, validate_email  # lazily: cold starts

    try:
        result = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        checked.fail("address", "invalid_email")
        return ""
    return result.ascii_email or result.normalized


def _language(checked: Checked, value) -> str:
    if value is None or value == "":
        return LANGUAGES[0]
    if value not in LANGUAGES:
        checked.fail("language", "invalid_choice")
        return LANGUAGES[0]
    return value


def _day(checked: Checked, field: str, value, *, earliest: date) -> date | None:
    """A calendar day (YYYY-MM-DD) not before `earliest`. Codes: required, invalid, in_past."""
    if value is None or value == "":
        checked.fail(field, "required")
        return None
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        checked.fail(field, "invalid")
    elif day < earliest:
        checked.fail(field, "in_past")
        return None
    return day


def _request_key(checked: Checked, purpose: str, who: Requester, number: str, request_id) -> str:
    """The store key that makes a retry of the member's request one change ("" without an id)."""
    if request_id is None or request_id == "":
        return ""
    if not isinstance(request_id, str) or not _REQUEST_ID.fullmatch(request_id):
        checked.fail("request_id", "invalid")
        return ""
    return f"{purpose}:{number}:{who.member.id}:{request_id}"

