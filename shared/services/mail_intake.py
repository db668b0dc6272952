"""Email intake: raw RFC 5322 bytes in, a case or a follow-up out (R1, R2, R4, R20).

Every message is recorded exactly once (its Message-ID, or its content hash, is a key written in
the same transaction as its effect), joins the right case (reply token, then References, then a
case number in the subject from that case's own reporter), is never answered when a machine wrote
it, and is never lost: what belongs nowhere goes to the held queue.
"""
from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from shared.domain.access_codes import hash_access_code
from shared.domain.case_numbers import new_case_number
from shared.domain.cases import (
    Attachment,
    Case,
    Channel,
    EventType,
    HeldMail,
    Kind,
    ReporterIdentity,
    TimelineEvent,
)
from shared.domain.errors import MailAlreadyRecorded
from shared.domain.outbox import OutboxMessage, Template
from shared.domain.ports import AttachmentStore, CaseStore, Clock
from shared.domain.rate_limits import acknowledgment_slot
from shared.domain.reply_tokens import derived_access_code

from .attachments import UploadedFile, check_files, store_upload
from .automated_mail import automated_reason
from .mail_kind import guess_kind
from .mail_parsing import ParsedMail, message_key, parse_mail
from .mail_threading import MailThreading
from .quoted_text import trim_quoted
from .registration import register_new_case

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
    acknowledgments_per_hour: int
    max_message_bytes: int
    max_files: int
    max_file_bytes: int
    initial_review: timedelta
    timezone: str


class MailIntake:
    """Turns inbound mail into cases and follow-ups."""

    def __init__(self, store: CaseStore, files: AttachmentStore, clock: Clock,
                 rules: MailIntakeRules):
        self._store = store
        self._files = files
        self._clock = clock
        self._rules = rules
        self._threading = MailThreading(store, rules.inbound_address, rules.reply_key)

    def receive(self, raw: bytes, envelope_recipients: list[str] | tuple = (),
                envelope_sender: str | None = None,
                sender_verified: bool | None = None) -> MailReceived:
        """Record one message. Never raises for what the message contains.

        `sender_verified` is what the receiving server learnt of the From address (SES: SPF or
        DKIM passed and DMARC did not fail); None when it cannot tell (local SMTP). An
        unverified sender is never acknowledged — an acknowledgment to a forged From is spam
        from our domain — and cannot join a case by quoting its number."""
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
            number = self._threading.case_for(mail, envelope_recipients,
                                              sender_verified is not False)
            if number:
                return self._join(number, mail, raw_key, reason, keys, now)
            if reason:
                return self._hold(mail, raw_key, reason, keys, now)
            return self._register(mail, raw_key, keys, now, sender_verified is not False)
        except MailAlreadyRecorded:
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
        stored, dropped = self._attachments(mail)

        def reply(case: Case):
            case.attachments.extend(stored)
            case.record(TimelineEvent(
                EventType.REPORTER_REPLIED, now, text=trim_quoted(mail.text)[:MAX_TEXT],
                data={"raw": raw_key, "subject": mail.subject[:200],
                      "files": [a.filename for a in stored]}))
            self._record_problems(case, mail, dropped, now)
            if dropped and not case.reporter_unreachable:
                return [self._outbox(case, Template.FOLLOW_UP_RECEIVED, mail, dropped, now)]
            return None

        self._with_files(stored, lambda: self._store.update_case(number, reply, mail_keys=keys))
        return MailReceived(MailOutcome.JOINED, number)

    def _register(self, mail: ParsedMail, raw_key, keys, now, verified: bool) -> MailReceived:
        stored, dropped = self._attachments(mail)
        acknowledge = verified and self._may_acknowledge(mail.from_address, now)
        skipped = "the sender's address failed SPF, DKIM or DMARC" if not verified else \
            "too many acknowledgments to this sender"

        def draft():
            case = self._new_case(mail, raw_key, stored, now)
            self._record_problems(case, mail, dropped, now)
            outbox = []
            if acknowledge:
                outbox = [self._outbox(case, Template.ACKNOWLEDGMENT, mail, dropped, now)]
                case.record(TimelineEvent(EventType.ACKNOWLEDGMENT_QUEUED, now,
                                          data={"outbox_id": outbox[0].id}))
            else:
                case.record(TimelineEvent(EventType.ACKNOWLEDGMENT_SKIPPED, now, text=skipped))
            return case, ReporterIdentity(case.number, mail.from_name[:100], mail.from_address), \
                outbox

        case, _, _ = self._with_files(
            stored, lambda: register_new_case(self._store, draft, mail_keys=keys))
        return MailReceived(MailOutcome.REGISTERED, case.number)

    def _hold(self, mail: ParsedMail, raw_key, reason, keys, now) -> MailReceived:
        held = HeldMail(uuid.uuid4().hex, now, mail.from_address, mail.subject[:200], reason,
                        raw_key)
        self._store.hold_mail(held, keys)
        return MailReceived(MailOutcome.HELD, detail=reason)

    def _bounce(self, mail: ParsedMail, raw_key, keys, now) -> MailReceived:
        report = mail.delivery_report
        for original in report.original_message_ids:
            record = self._store.find_mail(message_key(original))
            # Only a failure report about a message *we sent* counts: anyone can write a DSN
            # quoting the reporter's own Message-ID.
            if record is None or not record.sent or not record.case_number or not report.failed:
                continue
            detail = f"{report.status} {', '.join(report.recipients)}".strip()

            def unreachable(case: Case):
                if case.reporter_unreachable:
                    return None
                case.reporter_unreachable = True
                case.record(TimelineEvent(EventType.MAIL_BOUNCED, now, text=detail,
                                          data={"raw": raw_key, "message_id": original}))
                return None

            self._store.update_case(record.case_number, unreachable, mail_keys=keys)
            self._fail_outbox(original, detail)
            return MailReceived(MailOutcome.BOUNCE_RECORDED, record.case_number, detail)
        reason = "delivery report" + ("" if report.failed else " (not a failure)")
        return self._hold(mail, raw_key, reason + " for no message of ours", keys, now)

    def _fail_outbox(self, message_id: str, detail: str) -> None:
        local, _, domain = message_id.strip("<>").partition("@")
        if domain != self._rules.mail_domain:
            return

        def bounced(message: OutboxMessage, case: Case) -> bool:
            message.failed(self._clock.now(), f"bounced: {detail}", None)
            return True

        self._store.update_outbox(local, bounced)

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

    def _new_case(self, mail: ParsedMail, raw_key, stored, now) -> Case:
        kind = guess_kind(mail.subject, mail.text, Kind(self._rules.default_kind))
        day = now.astimezone(ZoneInfo(self._rules.timezone)).date()
        number = new_case_number(kind, day)
        code = derived_access_code(self._rules.reply_key, number)
        language = "zh-CN" if _CJK.search(mail.subject + mail.text[:2000]) or not mail.text \
            else "en"
        case = Case(
            number=number, kind=kind, channel=Channel.EMAIL, category="other",
            subject=mail.subject[:500] or "(无主题)", description=mail.text[:MAX_TEXT],
            desired_outcome="", received_at=now,
            review_due_at=now + self._rules.initial_review,
            access_code_hash=hash_access_code(number, code), language=language,
            attachments=list(stored))
        case.record(TimelineEvent(EventType.CASE_REGISTERED, now,
                                  data={"channel": "email", "raw": raw_key}))
        return case

    def _record_problems(self, case: Case, mail: ParsedMail, dropped: list[str], now) -> None:
        for line in dropped:
            case.record(TimelineEvent(EventType.ATTACHMENT_DROPPED, now, text=line))
        for note in mail.notes:
            case.record(TimelineEvent(EventType.NOTE, now, text=note))

    def _outbox(self, case: Case, template: Template, mail: ParsedMail, dropped, now):
        return OutboxMessage(id=uuid.uuid4().hex, case_number=case.number, template=template,
                             language=case.language, created_at=now, next_attempt_at=now,
                             in_reply_to=mail.message_id, notes=list(dropped))

    def _attachments(self, mail: ParsedMail) -> tuple[list[Attachment], list[str]]:
        """Store the acceptable attachments; name the dropped ones. The HTML of an HTML-only
        message is kept as a file of record."""
        stored, dropped = [], []
        for part in mail.attachments:
            upload = UploadedFile(part.filename, part.data)
            if part.content_type == "message/rfc822":  # a forwarded message: evidence, kept whole
                problem = "file_too_large" if upload.size > self._rules.max_file_bytes else None
            else:
                problem = check_files([upload], 1, self._rules.max_file_bytes)
            if problem is None and len(stored) >= self._rules.max_files:
                problem = "too_many_files"
            if problem:
                dropped.append(f"{upload.filename} ({problem}, {upload.size} bytes)")
                continue
            stored.append(store_upload(self._files, upload, part.content_type
                                       if part.content_type == "message/rfc822" else None))
        if mail.text_from_html:
            key = f"mail/{mail.content_hash}.html"
            self._files.put(key, mail.html.encode("utf-8"), "text/html")
            stored.append(Attachment(key, "message.html", "text/html", len(mail.html.encode())))
        return stored, dropped

    def _with_files(self, stored: list[Attachment], action):
        try:
            return action()
        except BaseException:
            for attachment in stored:
                if not attachment.key.startswith("mail/"):
                    self._files.delete(attachment.key)
            raise

    def _may_acknowledge(self, sender: str, now: datetime) -> bool:
        count = self._store.count_hit(acknowledgment_slot(sender, now))
        return count <= self._rules.acknowledgments_per_hour
