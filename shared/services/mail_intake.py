"""Email intake: raw RFC 5322 bytes in, a case or a follow-up out (R1, R2, R4, R20).

Every message is recorded exactly once (its Message-ID, or its content hash, is a key written in
the same transaction as its effect), joins the right case (`mail_threading`), is never answered
when a machine wrote it, and is never lost: what belongs nowhere goes to the held queue. New
cases are opened by the one registration path every channel uses (`new_case_from_mail`, which
staff opening a case from held mail use too). A reply to a case that awaits its reporter's
answer (R11) puts the case back to its handler in the same transaction.
"""
from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from shared.domain.cases import (
    REPORTER,
    Attachment,
    Case,
    Channel,
    EventType,
    HeldMail,
    Kind,
    Status,
    TimelineEvent,
)
from shared.domain.decision_clock import DecisionClock
from shared.domain.errors import MailAlreadyRecorded
from shared.domain.outbox import Template, queue_notice
from shared.domain.ports import AttachmentStore, CaseStore, Clock
from shared.domain.reply_tokens import derived_access_code

from .attachments import stored_uploads
from .automated_mail import automated_reason
from .case_notices import Reach, reach
from .mail_bounces import Bounces
from .mail_files import MailFiles, html_of_record, problem_events, sort_files
from .mail_kind import guess_kind
from .mail_parsing import ParsedMail, parse_mail
from .mail_threading import MailThreading
from .major_case_notices import staff_audience, with_major_case_notices
from .quoted_text import trim_quoted
from .registration import NewCase, Registration
from .reporter_appeals import reply_appeal
from .status_lookup import answer_received

MAX_TEXT = 100_000
_CJK = re.compile(r"[\u4e00-\u9fff]")


class MailOutcome(StrEnum):
    REGISTERED = "registered"  # a new case
    JOINED = "joined"  # a follow-up on an existing case
    HELD = "held"  # belongs to no case (auto-replies, unmatched bounces): kept for staff
    BOUNCE_RECORDED = "bounce_recorded"  # a DSN about our own message
    DUPLICATE = "duplicate"  # seen before: nothing done
    REJECTED = "rejected"  # too large to read: recorded in the held queue


@dataclass(frozen=True)
class MailReceived:
    """Event: what became of one inbound message."""

    outcome: MailOutcome
    case_number: str = ""
    detail: str = ""


@dataclass(frozen=True)
class MailIntakeRules:
    inbound_address: str
    own_addresses: frozenset[str]
    mail_domain: str
    reply_key: bytes
    default_kind: str
    max_message_bytes: int
    max_files: int
    max_file_bytes: int
    staff_language: str = "zh-CN"  # of R9's notices to staff, when a reply moves a major case


class MailIntake:
    """Turns inbound mail into cases and follow-ups."""

    def __init__(self, registration: Registration, store: CaseStore, files: AttachmentStore,
                 clock: Clock, rules: MailIntakeRules,
                 decision_clock: DecisionClock = DecisionClock()):
        """`decision_clock`: how a reply that answers resumes the paused decision clock."""
        self._decision_clock = decision_clock
        self._registration = registration
        self._store = store
        self._files = files
        self._clock = clock
        self._rules = rules
        self._threading = MailThreading(store, rules.inbound_address, rules.reply_key)
        self._bounces = Bounces(store, clock, rules.mail_domain)

    def receive(self, raw: bytes, envelope_recipients: list[str] | tuple = (),
                envelope_sender: str | None = None,
                sender_verified: bool | None = None) -> MailReceived:
        """Record one message. Never raises for what the message contains.

        `sender_verified` is what the receiving server learnt of the From address (a DMARC pass,
        or an SPF or DKIM pass aligned with the From domain); None when the caller cannot know,
        which counts as unverified. An unverified sender is never acknowledged — an
        acknowledgment to a forged From is spam from our domain — and cannot join a case by
        quoting its number."""
        now = self._clock.now()
        if len(raw) > self._rules.max_message_bytes:
            return self._reject_oversize(raw, now)
        mail = parse_mail(raw)
        keys = [mail.dedup_key]
        if self._store.find_mail(mail.dedup_key) is not None:
            return MailReceived(MailOutcome.DUPLICATE)
        raw_key = f"mail/{mail.content_hash}.eml"
        self._files.put(raw_key, raw, "message/rfc822")
        try:
            if mail.delivery_report is not None:
                return self._bounce(mail, raw_key, keys, now)
            reason = automated_reason(mail, self._rules.own_addresses, self._rules.mail_domain,
                                      envelope_sender)
            trusted = sender_verified is True  # not known is not verified: fail closed
            number = self._threading.case_for(mail, envelope_recipients, trusted)
            if number:
                return self._join(number, mail, raw_key, reason, keys, now)
            if reason:
                return self._hold(mail, raw_key, reason, keys, now)
            return self._register(mail, raw_key, keys, now, trusted)
        except MailAlreadyRecorded:  # a copy delivered twice at once: the other one recorded it
            return MailReceived(MailOutcome.DUPLICATE)

    # -- outcomes ----------------------------------------------------------------------------

    def _join(self, number, mail: ParsedMail, raw_key, reason, keys, now) -> MailReceived:
        if reason:
            def note(case: Case):
                case.record(TimelineEvent(EventType.AUTOMATED_MAIL_RECEIVED, now,
                                          text=mail.subject[:200],
                                          data={"raw": raw_key, "reason": reason}))
            self._store.update_case(number, note, mail_keys=keys)
            return MailReceived(MailOutcome.JOINED, number, reason)
        files = self._sort_files(mail)
        # A reply to a closure notice is an appeal (R16), or answered with why not.
        appeal = reply_appeal(self._store, number, mail, self._rules.mail_domain)
        words = trim_quoted(mail.text)[:MAX_TEXT]
        can_reach = self._reach(number)

        def reply(stored: list[Attachment]):
            def change(case: Case):
                lodges = appeal is not None and appeal.lodges(case, now)
                case.attachments.extend(stored)
                case.record(TimelineEvent(  # an appeal's words are on its own event
                    EventType.REPORTER_REPLIED, now, text="" if lodges else words,
                    data={"raw": raw_key, "subject": mail.subject[:200],
                          "files": [a.filename for a in stored]}, actor=REPORTER))
                for event in problem_events(mail, files, now):
                    case.record(event)
                notices = answer_received(case, "replied by email", now, self._decision_clock,
                                          can_reach)
                notices += appeal.answer(case, words.strip() or mail.subject[:200] or "-",
                                         now) if appeal else []
                if files.dropped and not case.reporter_unreachable:
                    notices.append(queue_notice(case, Template.FOLLOW_UP_RECEIVED, now,
                                                in_reply_to=mail.message_id, notes=files.dropped))
                return notices or None
            return change

        with stored_uploads(self._files, files.accepted) as stored:
            change = with_major_case_notices(reply(stored + html_of_record(self._files, mail)),
                                             staff_audience(self._store),
                                             self._rules.staff_language)
            self._store.update_case(number, change, mail_keys=keys)
        return MailReceived(MailOutcome.JOINED, number)

    def _register(self, mail: ParsedMail, raw_key, keys, now, verified: bool) -> MailReceived:
        registered = self._registration.register(new_case_from_mail(
            mail, raw_key, self._sort_files(mail), html_of_record(self._files, mail), self._rules,
            now, unique_keys=keys, verified=verified))
        return MailReceived(MailOutcome.REGISTERED, registered.number)

    def _hold(self, mail: ParsedMail, raw_key, reason, keys, now) -> MailReceived:
        held = HeldMail(uuid.uuid4().hex, now, mail.from_address, mail.subject[:200], reason,
                        raw_key)
        self._store.hold_mail(held, keys)
        return MailReceived(MailOutcome.HELD, detail=reason)

    def _bounce(self, mail: ParsedMail, raw_key, keys, now) -> MailReceived:
        number, detail = self._bounces.apply(mail, raw_key, keys)
        if number:
            return MailReceived(MailOutcome.BOUNCE_RECORDED, number, detail)
        return self._hold(mail, raw_key, detail, keys, now)

    def _reject_oversize(self, raw: bytes, now) -> MailReceived:
        head = raw[:65536]
        key = "sha256:" + hashlib.sha256(raw).hexdigest()
        if self._store.find_mail(key) is not None:
            return MailReceived(MailOutcome.DUPLICATE)
        raw_key = f"mail/{key[7:]}.head.eml"
        self._files.put(raw_key, head, "message/rfc822")
        mail = parse_mail(head)
        reason = f"message too large: {len(raw)} bytes (limit {self._rules.max_message_bytes})"
        try:
            self._hold(mail, raw_key, reason, [key], now)
        except MailAlreadyRecorded:
            return MailReceived(MailOutcome.DUPLICATE)
        return MailReceived(MailOutcome.REJECTED, detail=reason)

    # -- pieces ------------------------------------------------------------------------------

    def _reach(self, number: str) -> Reach | None:
        """How to tell the reporter a deadline their answer moves (read only when it may)."""
        case = self._store.get_case(number)
        if case is None or case.status != Status.AWAITING_REPORTER:
            return None
        return reach(self._store, case, self._store.get_identity(number))

    def _sort_files(self, mail: ParsedMail) -> MailFiles:
        return sort_files(mail, self._rules.max_files, self._rules.max_file_bytes)


def new_case_from_mail(mail: ParsedMail, raw_key: str, files: MailFiles,
                       kept: Sequence[Attachment], rules: MailIntakeRules, now, *,
                       unique_keys: Sequence[str], verified: bool, kind: Kind | None = None,
                       category: str = "other", registered_by: str = REPORTER,
                       registered_data: Mapping | None = None) -> NewCase:
    """The registration of a case opened by a message: its text, its accepted files (`kept`:
    files of record stored already), the sender as the reporter, acknowledged in their thread
    unless the sender is not verified. The raw message is referenced from the first event."""
    return NewCase(
        kind=kind or guess_kind(mail.subject, mail.text, Kind(rules.default_kind)),
        channel=Channel.EMAIL, category=category,
        subject=mail.subject[:500] or "(无主题)", description=mail.text[:MAX_TEXT],
        language=mail_language(mail), name=mail.from_name[:100], email=mail.from_address,
        files=files.accepted, kept_files=kept,
        # Cases opened by email have no receipt page: the code is derived, and mailed.
        access_code=lambda number: derived_access_code(rules.reply_key, number),
        unique_keys=unique_keys, sender_verified=verified, in_reply_to=mail.message_id,
        acknowledgment_notes=files.dropped, events=problem_events(mail, files, now),
        registered_data={"raw": raw_key, **(registered_data or {})}, registered_by=registered_by)


def mail_language(mail: ParsedMail) -> str:
    """The language to answer a message in: Chinese when it holds any (or no text at all)."""
    return "zh-CN" if _CJK.search(mail.subject + mail.text[:2000]) or not mail.text else "en"
