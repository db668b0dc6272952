"""Intake: the hosted form's way into registration (R2, R4), sent once however often it is sent.

A form carries a random token (`shared.domain.form_tokens`). The case registered from it carries
the form's receipt id (an HMAC of the token) as a unique key and an access code derived from that
id, so the same form sent again — a double click, a reload, Back and submit, a resubmission after
a lost answer — finds that case and shows its receipt, code included, instead of opening a second
one. Only the token, which never leaves the form page and its POST body, does this: the receipt
id in a link read from a log, posted as a token, names another form.
"""
from __future__ import annotations

from dataclasses import dataclass

from shared.domain.cases import Channel, EventType
from shared.domain.errors import MailAlreadyRecorded
from shared.domain.form_tokens import (
    form_access_code,
    form_key,
    is_form_token,
    new_form_token,
    receipt_id,
)
from shared.domain.ports import CaseStore
from shared.domain.provisional_deadlines import REVIEW, shown_provisional

from .registration import Acknowledgment, CaseRegistered, NewCase, Registration
from .submissions import SubmissionRules, SubmitCase, clean

__all__ = ["CaseRegistered", "FormReceipt", "Intake"]

_ACKNOWLEDGMENT_EVENTS = {EventType.NOTICE_QUEUED: Acknowledgment.QUEUED,
                          EventType.ACKNOWLEDGMENT_QUEUED: Acknowledgment.QUEUED,
                          EventType.ACKNOWLEDGMENT_NOT_POSSIBLE: Acknowledgment.NO_ADDRESS}


@dataclass(frozen=True)
class FormReceipt(CaseRegistered):
    """A registered case and the receipt id of the form it came from (never the form's token,
    which stays in the form page and its POST body)."""

    receipt_id: str


class Intake:
    """Registers what the hosted form sends, once per form."""

    def __init__(self, registration: Registration, store: CaseStore, rules: SubmissionRules,
                 form_key_secret: bytes):
        self._registration = registration
        self._store = store
        self._rules = rules
        self._secret = form_key_secret

    def submit(self, command: SubmitCase, client: str = "") -> FormReceipt:
        """Validate and register; a form sent before gets its first receipt back. Raises
        InvalidSubmission or TooManyAttempts (a client over its hourly number of cases),
        storing nothing."""
        token = command.form_token if is_form_token(command.form_token) else new_form_token()
        receipt = receipt_id(self._secret, token)
        earlier = self.receipt(receipt)
        if earlier is not None:
            return earlier
        submission = clean(command, self._rules)
        case = NewCase(
            kind=submission.kind, channel=Channel.WEB_FORM, category=submission.category,
            subject=submission.subject, description=submission.description,
            language=submission.language, desired_outcome=submission.desired_outcome,
            name=submission.name, email=submission.email, phone=submission.phone,
            anonymous=submission.anonymous, files=submission.files,
            access_code=lambda number: form_access_code(self._secret, receipt),
            unique_keys=[form_key(receipt)], client=client)
        try:
            registered = self._registration.register(case)
        except MailAlreadyRecorded:  # the same form, sent at the same moment, won the race
            return self.receipt(receipt)
        return FormReceipt(**vars(registered), receipt_id=receipt)

    def receipt(self, receipt: str) -> FormReceipt | None:
        """The receipt of the case registered from the form with this receipt id, or None. The
        caller checks that the asker may see it (the browser's receipt cookie)."""
        record = self._store.find_mail(form_key(receipt)) if is_form_token(receipt) else None
        case = self._store.get_case(record.case_number) if record and record.case_number else None
        if case is None:
            return None
        return FormReceipt(case.number, form_access_code(self._secret, receipt), case.kind,
                           case.received_at, case.review_due_at, self._acknowledgment(case), receipt,
                           review_due_provisional=REVIEW in shown_provisional(case))

    def _acknowledgment(self, case) -> Acknowledgment:
        for event in self._store.case_events(case.number, public_only=False, limit=20):
            if event.type in _ACKNOWLEDGMENT_EVENTS:
                return _ACKNOWLEDGMENT_EVENTS[event.type]
            if event.type == EventType.ACKNOWLEDGMENT_SKIPPED:
                return Acknowledgment(event.data.get("reason", Acknowledgment.ADDRESS_LIMIT))
        return Acknowledgment.NO_ADDRESS
