"""The case: what was complained about or reported, its status and its append-only timeline.

The reporter's identity and contact are *not* here: they live in a separate private record
(`ReporterIdentity`) so that later rules can restrict who reads it and purge it (R20, PIPL).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from .audit import chained
from .case_flags import CaseFlags
from .severity import Severity  # defined apart for case_flags; imported from here too


class Kind(StrEnum):
    COMPLAINT = "complaint"  # 投诉
    REPORT = "report"  # 举报


class Channel(StrEnum):
    WEB_FORM = "web_form"
    EMAIL = "email"
    PHONE = "phone"
    IN_PERSON = "in_person"
    LETTER = "letter"
    REFERRAL = "referral"  # passed to us by a regulator (12377, 12321, ...) with their reference
    STAFF_FOUND = "staff_found"  # found by staff themselves (「主动发现并积极处理不良信息」)


class Status(StrEnum):
    """Where a case is in its lifecycle; the moves between them are `lifecycle.TRANSITIONS`."""

    RECEIVED = "received"  # registered, awaiting initial review (R6)
    ACCEPTED = "accepted"
    REJECTED = "rejected"  # not admissible, with the reason told (R6)
    ASSIGNED = "assigned"  # to a department or handler, with a deadline (R10)
    IN_PROGRESS = "in_progress"
    AWAITING_REPORTER = "awaiting_reporter"  # more information asked of the person (R11)
    DECISION_DRAFTED = "decision_drafted"  # awaiting the service centre's approval (R12)
    DECISION_APPROVED = "decision_approved"
    CLOSED = "closed"  # the person was told the result (R15)
    APPEALED = "appealed"  # a review of the decision was asked for (R16)
    ARCHIVED = "archived"  # R18


class EventType(StrEnum):
    """What happened to a case, in the past tense. Values are stored: never rename one."""

    CASE_REGISTERED = "case_registered"
    # Notices: every email to the reporter, whichever template (`data["template"]`, `["outbox_id"]`).
    NOTICE_QUEUED = "notice_queued"
    NOTICE_SENT = "notice_sent"
    NOTICE_RETRYING = "notice_retrying"
    NOTICE_FAILED = "notice_failed"
    NOTICE_REQUEUED = "notice_requeued"  # a given-up notice sent again by staff (staff-only)
    ACKNOWLEDGMENT_NOT_POSSIBLE = "acknowledgment_not_possible"
    ACKNOWLEDGMENT_SKIPPED = "acknowledgment_skipped"
    INFORMATION_ADDED = "information_added"
    REPORTER_REPLIED = "reporter_replied"
    AUTOMATED_MAIL_RECEIVED = "automated_mail_received"
    ATTACHMENT_DROPPED = "attachment_dropped"
    MAIL_BOUNCED = "mail_bounced"
    NOTE = "note"
    # Held mail a staff member filed in the case: staff-only, since its sender may be someone
    # other than the reporter (R20); the reporter's own additions are information_added.
    MAIL_ATTACHED = "mail_attached"
    # The lifecycle (`lifecycle.TRANSITIONS`): one event per command, naming the actor and reason.
    CASE_ACCEPTED = "case_accepted"
    CASE_REJECTED = "case_rejected"
    CASE_REOPENED = "case_reopened"
    CASE_ASSIGNED = "case_assigned"
    WORK_STARTED = "work_started"
    INFORMATION_REQUESTED = "information_requested"
    REPORTER_ANSWERED = "reporter_answered"
    DECISION_DRAFTED = "decision_drafted"
    DECISION_APPROVED = "decision_approved"
    DECISION_SENT_BACK = "decision_sent_back"
    CASE_CLOSED = "case_closed"
    APPEAL_LODGED = "appeal_lodged"
    APPEAL_DECIDED = "appeal_decided"
    CASE_ARCHIVED = "case_archived"
    SEVERITY_SET = "severity_set"
    # Staff handling (issue 8): each names the staff actor and carries `data["from"]`, the client
    # address the command came from (the audit record's "from where", R20).
    CASE_CLASSIFIED = "case_classified"  # kind, category, flags: `<field>_from`/`<field>_to`
    NOTE_ADDED = "note_added"  # an internal note
    REPORTER_MESSAGED = "reporter_messaged"  # a message to the reporter (its text)
    CASE_REFERRED = "case_referred"  # passed to an authority outside the platform
    IDENTITY_REVEALED = "identity_revealed"  # the reporter's identity read in clear (R20)
    CONFIDENTIALITY_SET = "confidentiality_set"
    CONFIDENTIAL_CASE_READ = "confidential_case_read"  # every read of a confidential case
    NOTICE_NOT_POSSIBLE = "notice_not_possible"  # no address to send a notice to
    # Decisions and after (issue 9).
    REPLY_DRAFTED = "reply_drafted"  # a handler's reply, waiting for the service centre (R12)
    REPLY_APPROVED = "reply_approved"  # then sent as reporter_messaged / information_requested
    REPLY_SENT_BACK = "reply_sent_back"
    COMPENSATION_APPROVED = "compensation_approved"  # by a leader, above the threshold (R13)
    RESPONDENT_NOTIFIED = "respondent_notified"  # without the reporter's identity (R20)
    CORRECTIVE_ACTION_RECORDED = "corrective_action_recorded"  # 纠正措施, owner and due date
    CORRECTIVE_ACTION_DONE = "corrective_action_done"
    HANDLING_RATED = "handling_rated"  # the reporter's satisfaction, 1-5 (R17)
    FOLLOW_UP_NEEDED = "follow_up_needed"  # an unsatisfied rating: a task for the service centre
    FOLLOW_UP_RECORDED = "follow_up_recorded"  # a follow-up call (回访记录)
    REPORT_MARKED = "report_marked"  # manifestly unfounded or malicious (R21)
    REWARD_RECORDED = "reward_recorded"  # R21
    CASE_EXPORTED = "case_exported"  # exported as one document (for a regulator or a court)
    # Issue 10: a provisional deadline counted again once its year is known (staff only; a moved
    # decision deadline is told to the reporter by its own notice).
    DEADLINE_RECOUNTED = "deadline_recounted"
    # The decision clock (issue 10, `decision_clock.py`, `extensions.py`): staff-only; the
    # reporter is told a new deadline by its notice (decision_deadline_changed).
    DECISION_DEADLINE_MOVED = "decision_deadline_moved"  # the pause for the reporter's answer
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_APPROVED = "extension_approved"  # by a leader (R13): the deadline moved
    EXTENSION_REFUSED = "extension_refused"
    # The first-contact and compensation clocks (`contact_clocks.py`, R13).
    CONTACT_RECORDED = "contact_recorded"  # staff reached the person (a call, a visit)
    COMPENSATION_MATERIALS_COMPLETE = "compensation_materials_complete"  # the clock starts
    # R8's count rule (`count_rules.py`): the matter staff set, and the cases linked to it.
    MATTER_SET = "matter_set"
    CASES_LINKED = "cases_linked"
    # Public disclosure of a major case (R22, `disclosures.py`): staff-only events.
    DISCLOSURE_PROPOSED = "disclosure_proposed"
    DISCLOSURE_APPROVED = "disclosure_approved"  # published on the transparency page
    DISCLOSURE_REFUSED = "disclosure_refused"
    DISCLOSURE_WITHDRAWN = "disclosure_withdrawn"
    # The misuse policy (R21, DSA Art. 23, `misuse.py`): staff-only events, each naming its actor.
    MISUSE_WARNED = "misuse_warned"  # a mark brought the reporter to the warning threshold
    MISUSE_HOLD_STARTED = "misuse_hold_started"  # ... to the hold threshold, after a warning
    REPORT_HELD = "report_held"  # registered while its reporter was held: waits for review
    HELD_REPORT_RELEASED = "held_report_released"  # a supervisor let it be worked on
    MISUSE_STANDING_LIFTED = "misuse_standing_lifted"  # a supervisor ended warning and hold
    # Retention and the reporter's own data (issue 12, `identity_purge.py`, `reporter_data.py`).
    IDENTITY_PURGED = "identity_purged"  # the private record deleted after its retention time
    REPORTER_DATA_DOWNLOADED = "reporter_data_downloaded"  # from the status page
    # Legacy: stored by earlier versions (acknowledgments only), read as their notice_* equivalent
    # (`as_current`); nothing emits them any more.
    ACKNOWLEDGMENT_QUEUED = "acknowledgment_queued"
    ACKNOWLEDGMENT_SENT = "acknowledgment_sent"
    ACKNOWLEDGMENT_RETRYING = "acknowledgment_retrying"
    ACKNOWLEDGMENT_FAILED = "acknowledgment_failed"

    @property
    def as_current(self) -> EventType:
        """The type this one is read as today: a legacy acknowledgment type becomes its notice."""
        return _LEGACY_NOTICES.get(self, self)


_LEGACY_NOTICES = {
    EventType.ACKNOWLEDGMENT_QUEUED: EventType.NOTICE_QUEUED,
    EventType.ACKNOWLEDGMENT_SENT: EventType.NOTICE_SENT,
    EventType.ACKNOWLEDGMENT_RETRYING: EventType.NOTICE_RETRYING,
    EventType.ACKNOWLEDGMENT_FAILED: EventType.NOTICE_FAILED,
}

# Events the reporter sees on the status page; the rest are for staff only. The handling steps
# inside the organisation (assignment, drafts, approval, severity) are not the reporter's to see;
# what is addressed to them or changes what they may do is.
PUBLIC_EVENTS = frozenset(
    {
        EventType.CASE_REGISTERED,
        EventType.NOTICE_SENT,
        EventType.NOTICE_FAILED,
        EventType.ACKNOWLEDGMENT_SENT,
        EventType.ACKNOWLEDGMENT_FAILED,
        EventType.INFORMATION_ADDED,
        EventType.REPORTER_REPLIED,
        EventType.ATTACHMENT_DROPPED,
        EventType.MAIL_BOUNCED,
        EventType.CASE_ACCEPTED,
        EventType.CASE_REJECTED,
        EventType.CASE_REOPENED,
        EventType.INFORMATION_REQUESTED,
        EventType.REPORTER_ANSWERED,
        EventType.REPORTER_MESSAGED,
        EventType.CASE_CLOSED,
        EventType.APPEAL_LODGED,
        EventType.APPEAL_DECIDED,
        EventType.CASE_ARCHIVED,
        EventType.HANDLING_RATED,
        EventType.IDENTITY_PURGED,
        EventType.REPORTER_DATA_DOWNLOADED,
    }
)


@dataclass(frozen=True)
class Attachment:
    """A file kept in object storage; the case holds only this reference."""

    key: str
    filename: str
    content_type: str
    size: int

    @property
    def filed_by_staff(self) -> bool:
        """A raw email staff filed in the case from held mail (`mail/<sha256>.eml`): its sender
        may be someone other than the reporter, so the reporter's pages never list it (R20)."""
        return self.key.startswith("mail/") and self.key.endswith(".eml")


SYSTEM = "system"  # the actor of what the system does by itself
REPORTER = "reporter"  # the actor of what the complainant or reporter does


def staff_actor(staff_id: str) -> str:
    """The actor name of a staff member's action."""
    return f"staff:{staff_id}"


@dataclass(frozen=True)
class TimelineEvent:
    """One entry of a case's append-only timeline: what happened, when, who acted
    (`SYSTEM`, `REPORTER` or `staff_actor(id)`) and why (`text`)."""

    type: EventType
    at: datetime
    text: str = ""
    data: dict = field(default_factory=dict)
    actor: str = SYSTEM
    seq: int = 0  # its place in the case's timeline, from 1; given by `Case.record`
    # The audit chain (`audit.py`), sealed by `Case.record`; not compared, so that an event
    # equals the one it was built as. Both "" on events stored before the chain existed.
    prev_hash: str = field(default="", compare=False)
    hash: str = field(default="", compare=False)

    @property
    def public(self) -> bool:
        # A notice to someone else (the respondent's, R20) is not the reporter's to follow.
        return self.type in PUBLIC_EVENTS and self.data.get("addressee", "reporter") == "reporter"


@dataclass(frozen=True)
class TimeLimits:
    """The policy's time limits (R13), configurable; defaults are the policies' own."""

    initial_review: timedelta = timedelta(hours=24)


@dataclass
class Case:
    """The case document: bounded, whatever happens to the case. Its events live apart, in the
    store's append-only timeline; `record` numbers a new one and keeps it in `new_events` until
    the store writes it with the case change that caused it."""

    number: str
    kind: Kind
    channel: Channel
    category: str
    subject: str
    description: str
    desired_outcome: str
    received_at: datetime
    review_due_at: datetime
    access_code_hash: str
    anonymous: bool = False
    language: str = "zh-CN"
    status: Status = Status.RECEIVED
    severity: Severity = Severity.GENERAL
    reporter_unreachable: bool = False  # our mail to the reporter bounced
    attachments: list[Attachment] = field(default_factory=list)
    updated_at: datetime | None = None
    assignee: str = ""  # staff id of the handler, once assigned
    department: str = ""  # the responsible department (R10)
    next_due_at: datetime | None = None  # the nearest deadline; a new case's is its review's
    event_count: int = 0  # events on the timeline, stored or new
    public_event_count: int = 0  # of which the reporter sees
    audit_head: str = ""  # the hash of its newest hashed event (`audit.py`); "" before any
    respondent: str = ""  # who or what is complained about or reported (account, seller, staff)
    about_staff: str = ""  # staff id whose conduct the case is about: they never handle it (R23)
    confidential: bool = False  # only its handler, supervisors and auditors see its content
    flags: CaseFlags = CaseFlags()  # the manual flags of R8 (`case_flags.py`)
    decision_due_at: datetime | None = None  # set when it is accepted (R10, R13)
    # Decisions and after (issue 9): plain values, so both stores keep them as they are.
    decision: dict = field(default_factory=dict)  # the current decision (`decision_records.py`)
    deciders: tuple[str, ...] = ()  # staff ids who drafted or approved the decision appealed (R16)
    closed_at: datetime | None = None  # when the (last) closure notice was queued
    appeal_until: datetime | None = None  # the appeal window's end (R16); None: no appeal open
    appeal_round: int = 0  # 1 once appealed: the appeal's decision is final
    replies: list[dict] = field(default_factory=list)  # replies waiting for approval (R12)
    follow_up: dict = field(default_factory=dict)  # the rating and the follow-up task (R17)
    report_mark: str = ""  # unfounded | malicious (R21)
    corrective_actions: list[dict] = field(default_factory=list)  # 纠正措施
    # Some deadline was counted on a year the calendar had no data for (Monday–Friday assumed):
    # shown as provisional, counted again once the year is known (`working_time.py`).
    deadlines_provisional: bool = False
    # How each provisional deadline was counted, to count it again (`provisional_deadlines.py`).
    deadline_counts: dict = field(default_factory=dict)
    archived_at: datetime | None = None  # R18
    major_since: datetime | None = None  # when it last became major: its weekly bulletins (R9)
    # What the deadline sweep did, one key per deadline (`sweep_rules.claim`): each once.
    sweep_claims: list[str] = field(default_factory=list)
    # The decision clock (R13): paused since this moment while the case waits for the reporter
    # (`decision_clock.py`); the one extension of its deadline (`extensions.py`, plain values).
    decision_paused_at: datetime | None = None
    extension: dict = field(default_factory=dict)
    # The first-contact and compensation clocks (`contact_clocks.py`): None while not set.
    first_contact_due_at: datetime | None = None  # complaints with a contact (4 working hours)
    first_contacted_at: datetime | None = None  # when staff first reached the person
    materials_complete_at: datetime | None = None  # a compensation claim's materials are all in
    compensation_due_at: datetime | None = None  # 10 working days after that (R13)
    compensation_met_at: datetime | None = None  # the decision approved, or the case closed
    # R8's count rule (`count_rules.py`): the matter key, whether the rule still has to run for
    # it (`links_pending`, the sweep finishes it), and the cases of the same matter linked to it.
    matter: str = ""
    links_pending: bool = False
    linked_cases: list[str] = field(default_factory=list)
    # Its public disclosure (R22, `disclosures.py`): the proposal and its review, plain values.
    disclosure: dict = field(default_factory=dict)
    # Held for review under the misuse policy (`misuse.py`, plain values): until, matched on,
    # and who released it when; {} for a case that never was.
    misuse_hold: dict = field(default_factory=dict)
    # When its private record was purged after the retention time (`identity_purge.py`).
    identity_purged_at: datetime | None = None
    new_events: list[TimelineEvent] = field(default_factory=list, compare=False, repr=False)
    # The version a store's query read the case at (the store's own, opaque; never stored): a
    # write from it is made only if the case is still so (`CaseStore.update_case_as_read`).
    stored_as: object = field(default=None, compare=False, repr=False)
    # What the statistics counters knew of it when a store read it (`statistics_counters.Facts`,
    # never stored): the "before" of the counters its next write moves.
    counted_as: object = field(default=None, compare=False, repr=False)
    # What the store does besides in the transaction that writes the case: the private record
    # deleted and events rewritten (`identity_purge.IdentityPurge`, never stored).
    purge: object = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        if self.next_due_at is None and self.event_count == 0:
            self.next_due_at = self.review_due_at

    def record(self, event: TimelineEvent) -> None:
        """Append to the timeline, linked into the case's audit chain; the timeline is never
        rewritten."""
        self.event_count += 1
        self.public_event_count += event.public
        numbered = replace(event, seq=self.event_count)
        sealed = chained(self.number, numbered, self.audit_head)
        self.audit_head = sealed.hash
        self.new_events.append(sealed)
        self.updated_at = event.at


@dataclass(frozen=True)
class HeldMail:
    """Inbound mail that is neither a case nor part of one (auto-replies, unmatched bounces):
    kept for staff, never answered, never lost."""

    id: str
    received_at: datetime
    sender: str
    subject: str
    reason: str
    raw_key: str  # the raw message in attachment storage


@dataclass(frozen=True)
class MailRecord:
    """What a known message key (Message-ID or content hash) points at."""

    case_number: str = ""
    held_id: str = ""
    sent: bool = False  # a message we sent (not one we received)


@dataclass
class ReporterIdentity:
    """The private record: who filed the case and how to reach them (R2, R20)."""

    case_number: str
    name: str = ""
    email: str = ""
    phone: str = ""

    @property
    def reachable_by_email(self) -> bool:
        return bool(self.email)
