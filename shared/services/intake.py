"""Intake: register a complaint or report and queue its acknowledgment (R2, R4)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from shared.domain.access_codes import hash_access_code, new_access_code
from shared.domain.case_numbers import new_case_number
from shared.domain.cases import Attachment, Case, EventType, Kind, ReporterIdentity, TimelineEvent
from shared.domain.errors import TooManyAttempts
from shared.domain.outbox import OutboxMessage, Template
from shared.domain.ports import AttachmentStore, CaseStore, Clock
from shared.domain.rate_limits import CounterSlot, acknowledgment_slot, client_slot

from .attachments import store_upload
from .registration import register_new_case
from .submissions import CleanSubmission, SubmissionRules, SubmitCase, clean


@dataclass(frozen=True)
class CaseRegistered:
    """Event: a case exists. The access code is here once and nowhere else in clear."""

    number: str
    access_code: str
    kind: Kind
    received_at: datetime
    review_due_at: datetime
    acknowledgment_queued: bool


@dataclass(frozen=True)
class _Limits:
    submitted: CounterSlot | None  # the client's counter, when the client is known
    acknowledged: CounterSlot  # the recipient's counter
    acknowledge: bool  # the recipient may be sent one more acknowledgment


class Intake:
    """Registers cases. Everything about a case is written in one transaction, or nothing is."""

    def __init__(self, store: CaseStore, files: AttachmentStore, clock: Clock,
                 rules: SubmissionRules, initial_review, timezone: str,
                 submissions_per_client_per_hour: int = 20, acknowledgments_per_hour: int = 5):
        self._submissions_per_hour = submissions_per_client_per_hour
        self._acknowledgments_per_hour = acknowledgments_per_hour
        self._store = store
        self._files = files
        self._clock = clock
        self._rules = rules
        self._initial_review = initial_review
        self._zone = ZoneInfo(timezone)

    def submit(self, command: SubmitCase, client: str = "") -> CaseRegistered:
        """Validate and register. Raises InvalidSubmission or TooManyAttempts (a client over
        its hourly number of cases), storing nothing."""
        submission = clean(command, self._rules)
        now = self._clock.now()
        # One read of both counters now; they are counted in the registration's own write.
        submitted = client_slot("submit-client", client or "-", timedelta(hours=1), now)
        acknowledged = acknowledgment_slot(submission.email or "-", now)
        submissions, acknowledgments = self._store.read_counters([submitted, acknowledged])
        if client and submissions >= self._submissions_per_hour:
            raise TooManyAttempts()
        limits = _Limits(submitted if client else None, acknowledged,
                         acknowledgments < self._acknowledgments_per_hour)
        attachments = self._store_files(submission)
        try:
            return self._register(submission, attachments, now, limits)
        except BaseException:
            for attachment in attachments:
                self._files.delete(attachment.key)
            raise

    def _store_files(self, submission: CleanSubmission) -> list[Attachment]:
        return [store_upload(self._files, upload) for upload in submission.files]

    def _register(self, submission, attachments, now, limits: _Limits) -> CaseRegistered:
        access_code = new_access_code()
        counters = [limits.submitted] if limits.submitted else []
        if submission.email and limits.acknowledge:
            counters.append(limits.acknowledged)  # counted only when one is queued

        def draft():
            number = new_case_number(submission.kind, now.astimezone(self._zone).date())
            case = self._new_case(number, submission, attachments, access_code, now)
            identity = ReporterIdentity(number, submission.name, submission.email, submission.phone)
            return case, identity, self._acknowledgment(case, identity, now, limits.acknowledge)

        case, _, outbox = register_new_case(self._store, draft, counters=counters)
        return CaseRegistered(case.number, access_code, case.kind, now, case.review_due_at,
                              bool(outbox))

    def _new_case(self, number, submission, attachments, access_code, now) -> Case:
        case = Case(
            number=number,
            kind=submission.kind,
            channel=submission.channel,
            category=submission.category,
            subject=submission.subject,
            description=submission.description,
            desired_outcome=submission.desired_outcome,
            received_at=now,
            review_due_at=now + self._initial_review,
            access_code_hash=hash_access_code(number, access_code),
            anonymous=submission.anonymous,
            language=submission.language,
            attachments=attachments,
        )
        case.record(TimelineEvent(EventType.CASE_REGISTERED, now,
                                  data={"channel": submission.channel.value}))
        return case

    def _acknowledgment(self, case: Case, identity: ReporterIdentity, now,
                        allowed: bool) -> list[OutboxMessage]:
        if not identity.reachable_by_email:
            case.record(TimelineEvent(EventType.ACKNOWLEDGMENT_NOT_POSSIBLE, now,
                                      text="no email address given"))
            return []
        if not allowed:
            case.record(TimelineEvent(EventType.ACKNOWLEDGMENT_SKIPPED, now,
                                      text="too many acknowledgments to this address"))
            return []
        message = OutboxMessage(
            id=uuid.uuid4().hex,
            case_number=case.number,
            template=Template.ACKNOWLEDGMENT,
            language=case.language,
            created_at=now,
            next_attempt_at=now,
        )
        case.record(TimelineEvent(EventType.ACKNOWLEDGMENT_QUEUED, now,
                                  data={"outbox_id": message.id}))
        return [message]
