"""What staff see of a case: `CaseView` (the case, its reporter masked, what the member may do
now) and the timeline's entries, both JSON-ready (times ISO-8601 UTC with `Z`)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from shared.domain.case_access import allowed_actions
from shared.domain.cases import Case, ReporterIdentity, TimelineEvent
from shared.domain.claim_keys import claimed
from shared.domain.contact_clocks import Clock, clocks
from shared.domain.decisions import missing_closure_report
from shared.domain.lifecycle import OPEN_STATUSES
from shared.domain.masking import masked_identity
from shared.domain.provisional_deadlines import shown_provisional
from shared.domain.staff import StaffMember
from shared.domain.sweep_rules import overdue_deadline

from .attachments import is_raw_message, shown_name


def iso(moment: datetime | None) -> str | None:
    """ISO-8601 in UTC with `Z`, to the millisecond; None stays None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class CaseView:
    """One case as a staff member may see it: its content, the reporter's identity masked
    (R20), and `allowed_actions`, what this member may do to it now (`case_access`)."""

    number: str
    kind: str
    category: str
    channel: str
    status: str
    severity: str
    flags: dict
    subject: str
    description: str
    desired_outcome: str
    language: str
    received_at: str
    review_due_at: str
    next_due_at: str | None
    decision_due_at: str | None
    updated_at: str | None
    assignee: str
    department: str
    respondent: str
    about_staff: str
    confidential: bool
    reporter: dict
    attachments: list[dict]
    allowed_actions: list[str]
    event_count: int
    # Decisions and after (issue 9)
    decision: dict  # the working decision: record, drafted_by, approved_by, ... and "sent"
    replies_waiting: list[dict]  # replies to the reporter waiting for approval (R12)
    closed_at: str | None
    appeal_until: str | None
    appeal_round: int
    deciders: list[str]  # who decided the decision under appeal: not its reviewers (R16)
    follow_up: dict
    report_mark: str
    corrective_actions: list[dict]
    archived_at: str | None
    overdue: bool  # past its current deadline, as the deadline sweep found (`sweep_rules`)
    overdue_deadline: str | None  # which: review | decision | first_contact | compensation
    overdue_since: str | None  # that deadline
    # R8's count rule: the matter the case is about, and the cases of that matter linked to it
    # by number only (a linked case is read through its own need-to-know, never through here).
    matter: str
    linked_cases: list[str]
    major_since: str | None  # when it became major: its weekly bulletins count from then (R9)
    # The closure report its decision needs and does not have yet (R9): cause and prevention for
    # a major case, a summary for a hot one; approving without them is refused.
    closure_report_needed: list[str]
    # Deadlines counted on a year without calendar data (Monday–Friday assumed): "review",
    # "decision"; counted again by the sweep once the year is known (`provisional_deadlines`).
    provisional_deadlines: list[str]
    # The first-contact and compensation clocks (R13, `contact_clocks.py`); None: no such clock.
    first_contact: dict | None = None
    compensation: dict | None = None
    # The decision clock (R13): paused since, waiting for the reporter; its one extension.
    decision_paused_at: str | None = None
    extension: dict = field(default_factory=dict)
    disclosure: dict = field(default_factory=dict)  # its public disclosure (R22), as proposed
    # Held under the misuse policy (R21, `misuse.py`): until, matched_on, released_at/_by; {}.
    misuse_hold: dict = field(default_factory=dict)

    @classmethod
    def of(cls, case: Case, identity: ReporterIdentity | None, member: StaffMember) -> CaseView:
        return cls(
            number=case.number, kind=case.kind.value, category=case.category,
            channel=case.channel.value, status=case.status.value, severity=case.severity.value,
            flags=case.flags.every_flag(), subject=case.subject, description=case.description,
            desired_outcome=case.desired_outcome, language=case.language,
            received_at=iso(case.received_at), review_due_at=iso(case.review_due_at),
            next_due_at=iso(case.next_due_at), decision_due_at=iso(case.decision_due_at),
            updated_at=iso(case.updated_at), assignee=case.assignee, department=case.department,
            respondent=case.respondent, about_staff=case.about_staff,
            confidential=case.confidential, reporter=masked_identity(identity, case.anonymous) | (
                {"purged_at": iso(case.identity_purged_at)} if case.identity_purged_at else {}),
            attachments=[{"index": i, "filename": shown_name(a.filename),
                          "content_type": a.content_type, "size": a.size,
                          "raw_mail": is_raw_message(a)}
                         for i, a in enumerate(case.attachments, 1)],
            allowed_actions=allowed_actions(member, case), event_count=case.event_count,
            decision=dict(case.decision), replies_waiting=[dict(r) for r in case.replies],
            closed_at=iso(case.closed_at), appeal_until=iso(case.appeal_until),
            appeal_round=case.appeal_round, deciders=list(case.deciders),
            follow_up=dict(case.follow_up), report_mark=case.report_mark,
            corrective_actions=[dict(a) for a in case.corrective_actions],
            archived_at=iso(case.archived_at), **overdue_fields(case),
            major_since=iso(case.major_since), closure_report_needed=closure_report_needed(case),
            matter=case.matter, linked_cases=list(case.linked_cases),
            provisional_deadlines=sorted(shown_provisional(case)),
            **{clock.name: clock_state(case, clock) for clock in clocks(case)},
            decision_paused_at=iso(case.decision_paused_at), extension=dict(case.extension),
            disclosure=dict(case.disclosure), misuse_hold=dict(case.misuse_hold))

    def as_dict(self) -> dict:
        """JSON-ready: strings, numbers, booleans, lists and dicts only."""
        return asdict(self)


def closure_report_needed(case: Case) -> list[str]:
    """What the open case's decision still needs of its closure report (R9); [] once closed."""
    if case.status not in OPEN_STATUSES:
        return []
    return list(missing_closure_report(case.decision.get("record", {}), case.severity))


def clock_state(case: Case, clock: Clock) -> dict:
    """A clock as staff see it: when it started and is due, whether and when it was met, whether
    that was late, and whether the sweep found it overdue (told the assignee and supervisors)."""
    met = clock.met_at is not None
    return {"started_at": iso(clock.start), "due_at": iso(clock.due), "met": met,
            "met_at": iso(clock.met_at), "late": met and clock.met_at > clock.due,
            "overdue": not met and clock.key("overdue") in claimed(case)}


def overdue_fields(case: Case) -> dict:
    """`overdue`, `overdue_deadline` and `overdue_since`, as the case view and queue items show
    them: the deadline the sweep found the case past, if any (`sweep_rules.overdue_deadline`)."""
    passed = overdue_deadline(case)
    return {"overdue": passed is not None, "overdue_deadline": passed and passed.deadline,
            "overdue_since": passed and iso(passed.at)}


def timeline_entry(event: TimelineEvent) -> dict:
    """One event of the timeline, JSON-ready, as staff read it."""
    return {"seq": event.seq, "type": event.type.value, "at": iso(event.at), "actor": event.actor,
            "text": event.text, "data": dict(event.data), "public": event.public}
