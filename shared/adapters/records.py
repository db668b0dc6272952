"""How domain objects become store records (plain dicts) and back, for every store backend.

Times are stored as fixed-width UTC ISO-8601 strings so that they sort as text in any backend.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from shared.domain.approvals import awaits_approval
from shared.domain.case_flags import CaseFlags
from shared.domain.cases import (
    SYSTEM,
    Attachment,
    Case,
    Channel,
    EventType,
    HeldMail,
    Kind,
    ReporterIdentity,
    Severity,
    Status,
    TimelineEvent,
)
from shared.domain.follow_up import task_opened_at
from shared.domain.misuse import hold_pending
from shared.domain.outbox import OutboxMessage, OutboxStatus, Template
from shared.domain.statistics_counters import Facts
from shared.domain.sweep_rules import overdue_deadline

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def time_text(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime(_FORMAT)


def parse_time(text: str | None) -> datetime | None:
    if text is None:
        return None
    # time_text's own form, read a hundred times faster (a case holds dozens: issue 12)
    if len(text) == 27 and text[10] == "T" and text[19] == "." and text[26] == "Z":
        return datetime.fromisoformat(text)
    return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)


def case_changed(case: Case, stored: dict) -> bool:
    """Whether `case`, read from `stored`, has anything to write: new events, or a field whose
    record differs (a change that records nothing on the timeline, if one ever does)."""
    return bool(case.new_events) or case_to_record(case) != stored


def case_to_record(case: Case) -> dict:
    """The case document: bounded; its events are records of their own (`event_to_record`)."""
    return {
        "number": case.number,
        "kind": case.kind.value,
        "channel": case.channel.value,
        "category": case.category,
        "subject": case.subject,
        "description": case.description,
        "desired_outcome": case.desired_outcome,
        "received_at": time_text(case.received_at),
        "review_due_at": time_text(case.review_due_at),
        "next_due_at": time_text(case.next_due_at),
        "updated_at": time_text(case.updated_at),
        "access_code_hash": case.access_code_hash,
        "anonymous": case.anonymous,
        "language": case.language,
        "status": case.status.value,
        "severity": case.severity.value,
        "assignee": case.assignee,
        "department": case.department,
        "reporter_unreachable": case.reporter_unreachable,
        "attachments": [vars(a).copy() for a in case.attachments],
        "event_count": case.event_count,
        "public_event_count": case.public_event_count,
        # Only once there is one: a case document unchanged since before the chain stays as it
        # was (the Firestore upgrade compares documents field by field).
        **({"audit_head": case.audit_head} if case.audit_head else {}),
        # Fields added later are written only when set, for the same reason.
        **{name: value for name, value in (("respondent", case.respondent),
                                           ("about_staff", case.about_staff),
                                           ("confidential", case.confidential),
                                           ("flags", case.flags.as_dict()),
                                           ("decision_due_at", time_text(case.decision_due_at)),
                                           ("decision", case.decision),
                                           ("deciders", list(case.deciders)),
                                           ("closed_at", time_text(case.closed_at)),
                                           ("appeal_until", time_text(case.appeal_until)),
                                           ("appeal_round", case.appeal_round),
                                           ("replies", case.replies),
                                           ("follow_up", case.follow_up),
                                           ("report_mark", case.report_mark),
                                           ("corrective_actions", case.corrective_actions),
                                           ("deadlines_provisional", case.deadlines_provisional),
                                           ("deadline_counts", case.deadline_counts),
                                           ("archived_at", time_text(case.archived_at)),
                                           ("major_since", time_text(case.major_since)),
                                           ("sweep_claims", case.sweep_claims),
                                           ("matter", case.matter),
                                           ("links_pending", case.links_pending),
                                           ("linked_cases", case.linked_cases),
                                           ("decision_paused_at",
                                            time_text(case.decision_paused_at)),
                                           ("extension", case.extension),
                                           ("disclosure", case.disclosure),
                                           ("misuse_hold", case.misuse_hold),
                                           ("identity_purged_at",
                                            time_text(case.identity_purged_at)),
                                           *_clock_fields(case))
           if value},
    }


def case_from_record(record: dict) -> Case:
    """The case of a document; a document of the first schema (its timeline inside it) reads
    with its counters taken from that timeline."""
    legacy = legacy_events(record)
    case = Case(
        number=record["number"],
        kind=Kind(record["kind"]),
        channel=Channel(record["channel"]),
        category=record["category"],
        subject=record["subject"],
        description=record["description"],
        desired_outcome=record["desired_outcome"],
        received_at=parse_time(record["received_at"]),
        review_due_at=parse_time(record["review_due_at"]),
        updated_at=parse_time(record.get("updated_at")),
        access_code_hash=record["access_code_hash"],
        anonymous=record["anonymous"],
        language=record["language"],
        status=Status(record["status"]),
        severity=Severity(record["severity"]),
        assignee=record.get("assignee", ""),
        department=record.get("department", ""),
        reporter_unreachable=record.get("reporter_unreachable", False),
        attachments=[Attachment(**a) for a in record["attachments"]],
        event_count=record.get("event_count", len(legacy)),
        public_event_count=record.get("public_event_count", sum(e.public for e in legacy)),
        audit_head=record.get("audit_head", ""),
        respondent=record.get("respondent", ""),
        about_staff=record.get("about_staff", ""),
        confidential=record.get("confidential", False),
        flags=CaseFlags.from_dict(record.get("flags", {})),
        decision_due_at=parse_time(record.get("decision_due_at")),
        decision=dict(record.get("decision", {})),
        deciders=tuple(record.get("deciders", ())),
        closed_at=parse_time(record.get("closed_at")),
        appeal_until=parse_time(record.get("appeal_until")),
        appeal_round=record.get("appeal_round", 0),
        replies=list(record.get("replies", [])),
        follow_up=dict(record.get("follow_up", {})),
        report_mark=record.get("report_mark", ""),
        corrective_actions=list(record.get("corrective_actions", [])),
        deadlines_provisional=record.get("deadlines_provisional", False),
        deadline_counts=dict(record.get("deadline_counts", {})),
        archived_at=parse_time(record.get("archived_at")),
        major_since=parse_time(record.get("major_since")),
        sweep_claims=list(record.get("sweep_claims", [])),
        matter=record.get("matter", ""),
        links_pending=record.get("links_pending", False),
        linked_cases=list(record.get("linked_cases", [])),
        decision_paused_at=parse_time(record.get("decision_paused_at")),
        extension=dict(record.get("extension", {})),
        disclosure=dict(record.get("disclosure", {})),
        misuse_hold=dict(record.get("misuse_hold", {})),
        identity_purged_at=parse_time(record.get("identity_purged_at")),
        **{name: parse_time(record.get(name)) for name in CLOCK_FIELDS},
    )
    # Set after construction: a stored case without a deadline keeps none.
    case.next_due_at = parse_time(record.get("next_due_at", record["review_due_at"]))
    case.counted_as = Facts.of(case)  # the "before" of the statistics its next write moves
    return case


# The first-contact and compensation clocks (`contact_clocks.py`): moments, stored when set.
CLOCK_FIELDS = ("first_contact_due_at", "first_contacted_at", "materials_complete_at",
                "compensation_due_at", "compensation_met_at")


def _clock_fields(case: Case) -> list[tuple[str, str | None]]:
    return [(name, time_text(getattr(case, name))) for name in CLOCK_FIELDS]


def legacy_events(record: dict) -> list[TimelineEvent]:
    """The events a first-schema case document carries inside it, numbered from 1 (none for a
    current one)."""
    return [replace(_legacy_event(e), seq=i) for i, e in enumerate(record.get("timeline", []), 1)]


def event_to_record(event: TimelineEvent) -> dict:
    return {
        "seq": event.seq,
        "type": event.type.value,
        "at": time_text(event.at),
        "actor": event.actor,
        "public": event.public,
        "text": event.text,
        "data": dict(event.data),
        # The audit chain; absent on events recorded before it existed.
        **({"prev_hash": event.prev_hash, "hash": event.hash} if event.hash else {}),
    }


def event_from_record(record: dict) -> TimelineEvent:
    return TimelineEvent(
        type=EventType(record["type"]),
        at=parse_time(record["at"]),
        text=record["text"],
        data=dict(record["data"]),
        actor=record.get("actor", SYSTEM),
        seq=record["seq"],
        prev_hash=record.get("prev_hash", ""),
        hash=record.get("hash", ""),
    )


def _legacy_event(record: dict) -> TimelineEvent:
    return TimelineEvent(type=EventType(record["type"]), at=parse_time(record["at"]),
                         text=record["text"], data=dict(record["data"]),
                         actor=record.get("actor", SYSTEM))


def queue_keys(case: Case) -> dict:
    """The keys queues page by, each unique (the case number breaks ties) and sorting as text:
    `received_key` for newest first, `due_key` for most urgent first (absent: no deadline),
    `follow_up_key` for the oldest open follow-up task first (absent: no open task, R17),
    `overdue_key` for the longest overdue first (absent: not overdue, `overdue_since`),
    `approval_key` for the approvals inbox, oldest received first (absent: nothing waits),
    `held_key` for the reports held under the misuse policy, the hold's end soonest first
    (absent: never held, or released)."""
    keys = {"received_key": f"{time_text(case.received_at)}|{case.number}"}
    if case.next_due_at is not None:
        keys["due_key"] = f"{time_text(case.next_due_at)}|{case.number}"
    if (opened := task_opened_at(case)) is not None:
        keys["follow_up_key"] = f"{time_text(opened)}|{case.number}"
    if (since := overdue_since(case)) is not None:
        keys["overdue_key"] = f"{since}|{case.number}"
    if awaits_approval(case):
        keys["approval_key"] = f"{time_text(case.received_at)}|{case.number}"
    if (held := hold_pending(case)) is not None:  # R21: held under the misuse policy
        keys["held_key"] = f"{time_text(held)}|{case.number}"
    return keys


def overdue_since(case: Case) -> str | None:
    """The deadline the deadline sweep found the case past, as stored; None when not overdue."""
    passed = overdue_deadline(case)
    return None if passed is None else time_text(passed.at)


def identity_to_record(identity: ReporterIdentity) -> dict:
    return vars(identity).copy()


def identity_from_record(record: dict) -> ReporterIdentity:
    return ReporterIdentity(**record)


def outbox_to_record(message: OutboxMessage) -> dict:
    return {
        "id": message.id,
        "case_number": message.case_number,
        "template": message.template.value,
        "language": message.language,
        "created_at": time_text(message.created_at),
        "next_attempt_at": time_text(message.next_attempt_at),
        "status": message.status.value,
        "attempts": message.attempts,
        "lease_until": time_text(message.lease_until),
        "sent_at": time_text(message.sent_at),
        "last_error": message.last_error,
        "in_reply_to": message.in_reply_to,
        "notes": list(message.notes),
        # Added later: written only when set, so that older entries read back as they were.
        **({"text": message.text} if message.text else {}),
        **({"details": dict(message.details)} if message.details else {}),
        **({"failed_at": time_text(message.failed_at)} if message.failed_at else {}),
        # Derived, for the one "what is due" query: an explicit flag (never `== None`) and the
        # moment the entry next needs a worker.
        "awaiting": message.status in (OutboxStatus.PENDING, OutboxStatus.SENDING),
        "due_at": time_text(
            message.lease_until
            if message.status == OutboxStatus.SENDING
            else message.next_attempt_at
        ),
        # Derived, for the failed-mail list: only on entries given up on (absent on the others).
        **({"failed_key": failed_key(message)} if message.status == OutboxStatus.FAILED else {}),
    }


def failed_key(message: OutboxMessage) -> str:
    """The failed-mail list's key: when the entry was given up (for one given up before that
    was kept, its last scheduled attempt), then its id."""
    return f"{time_text(message.failed_at or message.next_attempt_at)}|{message.id}"


def outbox_from_record(record: dict) -> OutboxMessage:
    return OutboxMessage(
        id=record["id"],
        case_number=record["case_number"],
        template=Template(record["template"]),
        language=record["language"],
        created_at=parse_time(record["created_at"]),
        next_attempt_at=parse_time(record["next_attempt_at"]),
        status=OutboxStatus(record["status"]),
        attempts=record["attempts"],
        lease_until=parse_time(record["lease_until"]),
        sent_at=parse_time(record["sent_at"]),
        last_error=record["last_error"],
        in_reply_to=record.get("in_reply_to", ""),
        notes=list(record.get("notes", [])),
        text=record.get("text", ""),
        details=dict(record.get("details", {})),
        failed_at=parse_time(record.get("failed_at")),
    )


def held_to_record(held: HeldMail) -> dict:
    return {"id": held.id, "received_at": time_text(held.received_at), "sender": held.sender,
            "subject": held.subject, "reason": held.reason, "raw_key": held.raw_key}


def held_from_record(record: dict) -> HeldMail:
    return HeldMail(record["id"], parse_time(record["received_at"]), record["sender"],
                    record["subject"], record["reason"], record["raw_key"])


def cursor_position(cursor: str) -> tuple[str, str]:
    """(time text, case number) of a queue cursor (a `queue_keys` value). ValueError when it is
    not one."""
    moment, separator, number = cursor.partition("|")
    parse_time(moment)  # raises ValueError
    if not separator or not number:
        raise ValueError(f"not a queue cursor: {cursor!r}")
    return moment, number
