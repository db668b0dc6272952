"""Registration: the one path by which a case is opened, whatever the channel (R1, R2, R4) —
the hosted form, email, and staff registering a call, a letter, a visit or a referral.

Store the files, draft the case under a freshly drawn number, register it with its counters and
unique keys in one transaction, queue the acknowledgment unless the address had its share this
hour, and delete the stored files again if anything fails.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from shared.domain.access_codes import hash_access_code, new_access_code
from shared.domain.case_numbers import new_case_number
from shared.domain.cases import (
    REPORTER,
    Attachment,
    Case,
    Channel,
    EventType,
    Kind,
    ReporterIdentity,
    TimelineEvent,
)
from shared.domain.contact_clocks import first_contact_applies
from shared.domain.count_rules import await_links
from shared.domain.errors import CaseNumberTaken, LimitReached, TooManyAttempts
from shared.domain.matters import matter_key
from shared.domain.misuse import hold_report
from shared.domain.outbox import OutboxMessage, Template, queue_notice
from shared.domain.ports import AttachmentStore, CaseStore, Clock
from shared.domain.provisional_deadlines import (
    FIRST_CONTACT,
    REVIEW,
    counted,
    look_sooner,
    shown_provisional,
)
from shared.domain.rate_limits import CounterSlot, acknowledgment_slot, client_slot
from shared.domain.working_time import (
    Deadline,
    WorkingCalendar,
    add_working_hours,
    initial_review_due,
)

from .attachments import UploadedFile, stored_uploads
from .repeat_complaints import noting_repeat

log = logging.getLogger(__name__)

NUMBER_DRAWS = 8
CLIENT_WINDOW = timedelta(hours=1)


class Acknowledgment(StrEnum):
    """What became of the acknowledgment of a new case."""

    QUEUED = "queued"
    NO_ADDRESS = "no_address"  # nobody to send it to
    ADDRESS_LIMIT = "address_limit"  # the address had its share this hour
    UNVERIFIED_SENDER = "unverified_sender"  # the mail's From could be forged: never answered


@dataclass(frozen=True)
class NewCase:
    """Command: open a case. The channel's own checks are done; the files are checked but not
    stored yet."""

    kind: Kind
    channel: Channel
    category: str
    subject: str
    description: str
    language: str = "zh-CN"
    desired_outcome: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    anonymous: bool = False
    files: Sequence[UploadedFile] = ()  # stored by the registration, deleted if it fails
    kept_files: Sequence[Attachment] = ()  # stored already and kept whatever happens (raw mail)
    access_code: Callable[[str], str] | None = None  # the code of a number; None: a random one
    unique_keys: Sequence[str] = ()  # a form token, inbound Message-IDs: a second use is refused
    client: str = ""  # who sent it (an address), limited per hour; empty: not limited
    sender_verified: bool = True  # False: the From may be forged, so nothing is sent to it
    in_reply_to: str = ""  # the acknowledgment answers in this email thread
    acknowledgment_notes: Sequence[str] = ()  # lines the acknowledgment must add (dropped files)
    events: Sequence[TimelineEvent] = ()  # recorded after the registration (dropped files, notes)
    registered_data: Mapping = field(default_factory=dict)  # on the case_registered event
    registered_by: str = REPORTER  # the actor: the person, or staff registering for them
    received_at: datetime | None = None  # when it reached us (a call, a letter); None: now
    respondent: str = ""  # who or what it is about (an account, a seller)
    about_staff: str = ""  # the staff member whose conduct it is about (R23)
    confidential: bool = False  # only its handler, supervisors and auditors see its content


@dataclass(frozen=True)
class CaseRegistered:
    """Event: a case exists. The access code is here and nowhere else in clear."""

    number: str
    access_code: str
    kind: Kind
    received_at: datetime
    review_due_at: datetime
    acknowledgment: Acknowledgment
    # Counted on a year without calendar data (Monday–Friday): the receipt says it may change.
    review_due_provisional: bool = field(default=False, kw_only=True)

    @property
    def acknowledgment_queued(self) -> bool:
        return self.acknowledgment == Acknowledgment.QUEUED


@dataclass(frozen=True)
class RegistrationLimits:
    cases_per_client_per_hour: int = 20
    acknowledgments_per_address_per_hour: int = 5


class Registration:
    """Opens cases. Everything about a new case is written in one transaction, or nothing is —
    and then no file it brought stays in storage either."""

    def __init__(self, store: CaseStore, files: AttachmentStore, clock: Clock,
                 limits: RegistrationLimits, initial_review: timedelta, timezone: str,
                 calendar: WorkingCalendar | None = None,
                 first_contact_hours: float | None = None, matter_links=None,
                 misuse_holds=None):
        """`calendar`: the review is due `initial_review` from the next working moment after
        receipt (R6); None: from receipt itself, on clock time. `first_contact_hours`: the
        first contact with a complainant is due that many working hours after receipt
        (`contact_clocks.py`); None: no such clock. `matter_links`
        (`MatterLinks`): R8's count rule, run for a case registered with a respondent.
        `misuse_holds` (`MisuseHolds`): R21's misuse policy, which may hold a new report."""
        self._store = store
        self._files = files
        self._clock = clock
        self._limits = limits
        self._initial_review = initial_review
        self._zone = ZoneInfo(timezone)
        self._calendar = calendar
        self._first_contact_hours = first_contact_hours
        self._matter_links = matter_links
        self._misuse_holds = misuse_holds

    def register(self, command: NewCase) -> CaseRegistered:
        """Register the case. Raises TooManyAttempts (the client's cases this hour are used up)
        or MailAlreadyRecorded (a unique key was registered before), having stored nothing."""
        now = self._clock.now()
        with stored_uploads(self._files, command.files) as stored:
            return self._register(command, [*command.kept_files, *stored], now)

    def _register(self, command: NewCase, attachments, now: datetime) -> CaseRegistered:
        client = self._client_slot(command, now)
        outcome = self._acknowledgment(command)
        counters = [client] if client else []
        if outcome == Acknowledgment.QUEUED:
            limited = acknowledgment_slot(command.email, now,
                                          self._limits.acknowledgments_per_address_per_hour)
            try:
                return self._draw_and_write(command, attachments, now, outcome,
                                            [*counters, limited])
            except LimitReached as reached:
                if client and reached.slot_id == client.id:
                    raise TooManyAttempts(retry_after=client.expires_at - now) from reached
            outcome = Acknowledgment.ADDRESS_LIMIT  # register it all the same, unacknowledged
        try:
            return self._draw_and_write(command, attachments, now, outcome, counters)
        except LimitReached as reached:
            raise TooManyAttempts(retry_after=client.expires_at - now) from reached

    def _client_slot(self, command: NewCase, now) -> CounterSlot | None:
        if not command.client:
            return None
        return client_slot("submit-client", command.client, CLIENT_WINDOW, now,
                           self._limits.cases_per_client_per_hour)

    @staticmethod
    def _acknowledgment(command: NewCase) -> Acknowledgment:
        if not command.email:
            return Acknowledgment.NO_ADDRESS
        if not command.sender_verified:
            return Acknowledgment.UNVERIFIED_SENDER
        return Acknowledgment.QUEUED

    def _draw_and_write(self, command: NewCase, attachments, now, outcome: Acknowledgment,
                        counters: list[CounterSlot]) -> CaseRegistered:
        """Write the case under a fresh number; a number that is taken already is drawn again."""
        random_code = new_access_code()
        received = command.received_at or now
        command = noting_repeat(self._store, command, received)  # for the statistics (R19)
        hold = self._misuse_holds and self._misuse_holds.hold_of(command, now)  # R21: held?
        for _ in range(NUMBER_DRAWS):
            # Numbered by the day it reached us (R2), as the paper register of calls and letters is.
            number = new_case_number(command.kind, received.astimezone(self._zone).date())
            code = command.access_code(number) if command.access_code else random_code
            case = self._new_case(number, command, attachments, code, now, hold)
            outbox = self._acknowledge(case, command, outcome, now)
            identity = ReporterIdentity(number, "" if command.anonymous else command.name,
                                        command.email, "" if command.anonymous else command.phone)
            try:
                self._store.register(case, identity, outbox, mail_keys=command.unique_keys,
                                     counters=counters)
            except CaseNumberTaken:
                continue
            self._settle_links(case)
            return CaseRegistered(number, code, command.kind, received, case.review_due_at, outcome,
                                  review_due_provisional=REVIEW in shown_provisional(case))
        raise CaseNumberTaken("no free case number after several draws")

    def _new_case(self, number: str, command: NewCase, attachments, code: str, now,
                  hold=None) -> Case:
        # The initial review is due within its limit of receipt (R6), not of registration: a
        # letter registered days after it came may be overdue at once, and shows so. A report
        # held under the misuse policy (R21) is reviewed once its hold ends.
        received = command.received_at or now
        review_from = max(received, hold.until) if hold else received
        review = self._review_due(review_from)
        case = Case(
            number=number, kind=command.kind, channel=command.channel,
            category=command.category, subject=command.subject,
            description=command.description, desired_outcome=command.desired_outcome,
            received_at=received, review_due_at=review.at.astimezone(UTC),
            access_code_hash=hash_access_code(number, code), anonymous=command.anonymous,
            language=command.language, attachments=list(attachments),
            respondent=command.respondent, about_staff=command.about_staff,
            confidential=command.confidential, matter=matter_key(command.respondent))
        # A guessed year is counted again by the sweep once it is known: keep how, look daily.
        counted(case, REVIEW, review, review_from, now, within=self._initial_review)
        await_links(case, now)  # the respondent is the matter of R8's count rule
        data = {"channel": command.channel.value, **command.registered_data}
        case.record(TimelineEvent(EventType.CASE_REGISTERED, now, data=data,
                                  actor=command.registered_by))
        for event in command.events:
            case.record(event)
        if hold:
            hold_report(case, hold.until, hold.matched_on, now)
        self._start_first_contact(case, command, received, now)
        look_sooner(case)
        return case

    def _settle_links(self, case: Case) -> None:
        """R8's count rule for the new case's matter. The case is registered whatever happens
        here: a failure is logged and the deadline sweep finishes the rule (`links_pending`)."""
        if not case.links_pending or self._matter_links is None:
            return
        try:
            self._matter_links.settle(case.number)
        except Exception:
            log.exception("count rule: case %s left for the sweep", case.number)

    def _start_first_contact(self, case: Case, command: NewCase, received: datetime,
                             now: datetime) -> None:
        """The first-contact clock of a complaint from someone who may be reached (R13)."""
        identity = ReporterIdentity(case.number, command.name, command.email, command.phone)
        if self._first_contact_hours is None or not first_contact_applies(
                command.kind, command.anonymous, identity):
            return
        if self._calendar is None:
            due = Deadline(received + timedelta(hours=self._first_contact_hours))
        else:
            due = add_working_hours(self._calendar, received, self._first_contact_hours)
        case.first_contact_due_at = due.at.astimezone(UTC)
        counted(case, FIRST_CONTACT, due, received, now, working_hours=self._first_contact_hours)
        # The sweep's first look: its reminder comes a fraction of those hours before the deadline.
        case.next_due_at = min(case.next_due_at, due.at - timedelta(hours=self._first_contact_hours))

    def _review_due(self, received: datetime) -> Deadline:
        # A case that arrives at night or on a rest day waits for the next working hour (R5, R6):
        # the receipt page and the acknowledgment show this very moment.
        if self._calendar is None:
            return Deadline(received + self._initial_review)
        return initial_review_due(self._calendar, received, self._initial_review)

    def _acknowledge(self, case: Case, command: NewCase, outcome: Acknowledgment,
                     now) -> list[OutboxMessage]:
        if outcome == Acknowledgment.NO_ADDRESS:
            case.record(TimelineEvent(EventType.ACKNOWLEDGMENT_NOT_POSSIBLE, now,
                                      text="no email address given"))
            return []
        if outcome != Acknowledgment.QUEUED:
            reason = SKIPPED_BECAUSE[outcome]
            case.record(TimelineEvent(EventType.ACKNOWLEDGMENT_SKIPPED, now, text=reason,
                                      data={"reason": outcome.value}))
            return []
        return [queue_notice(case, Template.ACKNOWLEDGMENT, now, in_reply_to=command.in_reply_to,
                             notes=list(command.acknowledgment_notes))]


SKIPPED_BECAUSE = {
    Acknowledgment.ADDRESS_LIMIT: "too many acknowledgments to this address this hour",
    Acknowledgment.UNVERIFIED_SENDER: "the sender was not verified (no SPF or DKIM pass, or DMARC failed)",
}

