"""Status lookup: the reporter's view of their case by case number and access code (R20).

A wrong code and an unknown number give the same error, and lookups are rate-limited per client
and per case number, so nobody can probe which numbers exist or guess a code. What the reporter
adds to a case that awaits their answer (R11) is the answer: the case goes back to its handler
in the same transaction (`answer_received`, which the email reply path uses too).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain import lifecycle
from shared.domain.access_codes import access_code_matches, hash_access_code
from shared.domain.case_numbers import parse_case_number
from shared.domain.cases import REPORTER, Attachment, Case, EventType, Status, TimelineEvent
from shared.domain.commands import ReporterAnswered
from shared.domain.decision_clock import DecisionClock, deciding, paused
from shared.domain.errors import CaseNotFound, TooManyAttempts
from shared.domain.outbox import OutboxMessage
from shared.domain.ports import AttachmentStore, CaseStore, Clock
from shared.domain.provisional_deadlines import DECISION, REVIEW, shown_provisional
from shared.domain.rate_limits import client_slot, counter_slot

from .appeal_refusals import appeal_refusal
from .attachments import UploadedFile, check_files, stored_uploads
from .case_notices import Reach, reach
from .deadline_notices import deadline_changed
from .delayed_notices import delayed_notices
from .major_case_notices import staff_audience, with_major_case_notices
from .submissions import clean_text, is_blank

MAX_ADDED_TEXT = 10000
CASE_FILES_PER_FORM_LIMIT = 4  # a case may gather four times the files one form may carry
TIMELINE_PAGE = 50  # public events per status page


@dataclass(frozen=True)
class LookupLimits:
    per_client: int = 30
    per_case: int = 20
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class CaseView:
    """What the reporter may see: no staff notes, no identity. `timeline` is one page of the
    public events, oldest first; `next_after` is the cursor of the next page (None: the last)."""

    number: str
    kind: str
    category: str
    subject: str
    status: str
    received_at: datetime
    review_due_at: datetime
    timeline: list[TimelineEvent]
    attachments: list[Attachment]
    next_after: int | None = None
    # The decision the person was told (R15; None before), whether it was the appeal's (final),
    # and until when they may appeal (None: they may not, or no more).
    decision: dict | None = None
    decision_round: int = 0
    appeal_until: datetime | None = None
    appeal_open: bool = False  # whether they may appeal now, from the status page or by reply
    # The decision's current deadline while it is being decided (知情权), whether it stands still
    # while we wait for their answer, and whether it was counted on a guessed calendar year.
    decision_due_at: datetime | None = None
    decision_paused: bool = False
    deadlines_provisional: bool = False
    # Which deadlines assume Monday–Friday (a year without calendar data: they may change,
    # `provisional_deadlines`).
    review_due_provisional: bool = False
    decision_due_provisional: bool = False
    # The notices to them that a failed attempt holds back, by template (issue 12: "delayed").
    delayed_notices: tuple[str, ...] = ()

    @classmethod
    def of(cls, case: Case, store: CaseStore, after: int = 0,
           now: datetime | None = None) -> CaseView:
        """The view with the page of public events after sequence number `after`; `now` tells
        whether the appeal window is open (closed when not given)."""
        events = store.case_events(case.number, public_only=True, after_seq=after,
                                   limit=TIMELINE_PAGE + 1)
        page = events[:TIMELINE_PAGE]
        provisional = shown_provisional(case)
        return cls(case.number, case.kind.value, case.category, case.subject, case.status.value,
                   case.received_at, case.review_due_at, page,
                   [a for a in case.attachments if not a.filed_by_staff],
                   page[-1].seq if len(events) > TIMELINE_PAGE else None,
                   case.decision.get("sent") or None, case.decision.get("sent_round", 0),
                   case.appeal_until, now is not None and appeal_refusal(case, now) is None,
                   case.decision_due_at if _being_decided(case) else None, paused(case),
                   case.deadlines_provisional, REVIEW in provisional, DECISION in provisional,
                   delayed_notices(store, case.number))


def _being_decided(case: Case) -> bool:
    """Whether a decision is being worked towards, by a deadline of its own."""
    return case.status in lifecycle.DECIDING and deciding(case)


@dataclass(frozen=True)
class InformationAdded:
    """The case as it is now, and what was wrong with the input (empty when it was added)."""

    view: CaseView
    errors: dict[str, str]


@dataclass
class AddInformation:
    """Command: the reporter adds text and/or files to their case."""

    number: str
    access_code: str
    client: str
    text: str = ""
    files: list[UploadedFile] | None = None


class StatusLookup:
    def __init__(self, store: CaseStore, files: AttachmentStore, clock: Clock,
                 limits: LookupLimits, max_files: int, max_file_bytes: int,
                 decision_clock: DecisionClock = DecisionClock(), staff_language: str = "zh-CN"):
        """`decision_clock`: how an answer resumes the paused decision clock (clock time when
        not given); `staff_language`: of R9's notices when the reporter moves a case."""
        self._decision_clock = decision_clock
        self._store = store
        self._files = files
        self._clock = clock
        self._limits = limits
        self._max_files = max_files
        self._max_file_bytes = max_file_bytes
        self.staff_language = staff_language  # of R9's notices when the reporter moves a case

    def look_up(self, number: str, access_code: str, client: str, after: int = 0) -> CaseView:
        """The case's public view, its timeline from the page after sequence number `after`.
        Raises CaseNotFound or TooManyAttempts."""
        case = self.authorised_case(number, access_code, client)
        return CaseView.of(case, self._store, after, now=self._clock.now())

    def add_information(self, command: AddInformation) -> InformationAdded:
        """Append the reporter's text and files to the timeline; when the input is not
        acceptable, nothing is added and the result carries the errors. Raises CaseNotFound or
        TooManyAttempts."""
        case = self.authorised_case(command.number, command.access_code, command.client)
        text = clean_text(command.text)
        text = "" if is_blank(text) else text
        uploads = command.files or []
        errors = {}
        if case.status == Status.ARCHIVED:  # a record now (R18): a new matter is a new case
            errors["text"] = "archived"
        elif not text and not uploads:
            errors["text"] = "required"
        elif len(text) > MAX_ADDED_TEXT:
            errors["text"] = "too_long"
        total = len(case.attachments) + len(uploads)
        file_error = check_files(uploads, self._max_files, self._max_file_bytes)
        if file_error or total > self._max_files * CASE_FILES_PER_FORM_LIMIT:
            errors["files"] = file_error or "too_many_files"
        if errors:
            return InformationAdded(CaseView.of(case, self._store, now=self._clock.now()), errors)
        can_reach = self._reach(case)
        with stored_uploads(self._files, uploads) as stored:  # deleted again if the write fails

            def append(current: Case):
                now = self._clock.now()
                current.attachments.extend(stored)
                current.record(TimelineEvent(EventType.INFORMATION_ADDED, now, text=text,
                                             data={"files": [a.filename for a in stored]},
                                             actor=REPORTER))
                return answer_received(current, "added information on the status page", now,
                                       self._decision_clock, can_reach) or None

            updated = self._store.update_case(case.number, with_major_case_notices(
                append, staff_audience(self._store), self.staff_language))
        return InformationAdded(CaseView.of(updated, self._store, now=self._clock.now()), {})

    def _reach(self, case: Case) -> Reach | None:
        """How to tell the reporter a deadline their answer moves (read only when it may)."""
        if case.status != Status.AWAITING_REPORTER:
            return None
        return reach(self._store, case, self._store.get_identity(case.number))

    def authorised_case(self, number: str, access_code: str, client: str) -> Case:
        """The case if number and code match. Only failures count towards the limits: a client
        that failed too often is refused before anything is checked; a case whose number others
        keep guessing refuses their wrong codes, but its own reporter's code still works, so
        nobody can lock a reporter out of their case."""
        now, window = self._clock.now(), self._limits.window
        client_failures = client_slot("lookup-client", client, window, now)
        if self._store.read_counters([client_failures])[0] >= self._limits.per_client:
            raise TooManyAttempts(retry_after=client_failures.expires_at - now)
        # NFKC: a number typed with a Chinese input method comes in full width (ＴＳ－２０２６…).
        canonical = parse_case_number(unicodedata.normalize("NFKC", number or ""))
        access_code = unicodedata.normalize("NFKC", access_code or "")
        case = self._store.get_case(canonical) if canonical else None
        stored_hash = case.access_code_hash if case else hash_access_code("-", "")  # same work
        if case is not None and access_code_matches(canonical, access_code or "", stored_hash):
            return case
        self._store.count_hit(client_failures)
        case_failures = counter_slot("lookup-case-" + canonical, window, now) if canonical else None
        if case_failures and self._store.count_hit(case_failures) > self._limits.per_case:
            raise TooManyAttempts(retry_after=case_failures.expires_at - now)
        raise CaseNotFound()


def answer_received(case: Case, how: str, now: datetime, clock: DecisionClock = DecisionClock(),
                    can_reach: Reach | None = None) -> list[OutboxMessage]:
    """When the case awaits the reporter's answer (R11), what they just sent is it: the case goes
    back to its handler (`in_progress`) and a paused decision clock resumes (`clock`); the notice
    of the deadline it moved to, when `can_reach` says how to reach them. On a case awaiting
    nothing their words are information added and nothing more, so a second reply changes no
    status and sends nothing."""
    if case.status != Status.AWAITING_REPORTER:
        return []
    before = case.decision_due_at
    lifecycle.apply(case, ReporterAnswered(actor=REPORTER, reason=how, decision_clock=clock), now)
    if can_reach is None:
        return []
    return deadline_changed(case, before, now, can_reach, cause="awaiting_reporter")
