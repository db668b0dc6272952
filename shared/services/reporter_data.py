"""The reporter's own data (PIPL Art. 45, R20): what the system holds about their case, as one
document they download from the status page with its number and access code.

It holds what they submitted, their private record (or that it was purged, or that the report
was anonymous), the timeline they see on the status page (with the words shown there, actors
by role only), the messages exchanged, the notices sent to them with what staff wrote and the
decision told, and the attachments listed (name, type, size; the files themselves they already
have). Never: staff-only events and notes, staff members' ids or names, the respondent's data,
the case's respondent field (staff may set or change it), other reporters' data, and raw emails
filed by staff (their sender may be someone else). Each download is recorded on the timeline
first (`reporter_data_downloaded`, which the document includes); access is checked and counted
exactly as a status lookup (`StatusLookup.authorised_case`), and a case is downloaded at most
`DOWNLOADS_PER_HOUR` times an hour, so the timeline stays bounded.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from shared.domain.cases import REPORTER, SYSTEM, Case, EventType, TimelineEvent
from shared.domain.errors import TooManyAttempts
from shared.domain.ports import CaseStore, Clock
from shared.domain.queues import MAX_PAGE
from shared.domain.rate_limits import counter_slot

from .status_lookup import StatusLookup

FORMATS = ("json", "html")
DOWNLOADS_PER_HOUR = 10  # per case, counted on success (failures count as lookups do)
DOWNLOAD_WINDOW = timedelta(hours=1)
# Public events whose text the status page shows: the rest carry the words staff wrote for
# themselves (an acceptance's reason), which the reporter never sees (templates/status.html).
TEXT_SHOWN = frozenset({
    EventType.INFORMATION_ADDED, EventType.REPORTER_REPLIED, EventType.ATTACHMENT_DROPPED,
    EventType.CASE_REJECTED, EventType.INFORMATION_REQUESTED, EventType.REPORTER_MESSAGED,
    EventType.APPEAL_LODGED})
FROM_STAFF = frozenset({EventType.INFORMATION_REQUESTED, EventType.REPORTER_MESSAGED})
FROM_REPORTER = frozenset({EventType.INFORMATION_ADDED, EventType.REPORTER_REPLIED,
                           EventType.APPEAL_LODGED})
SCHEMA = "complaint-desk/reporter-data/1"


class ReporterData:
    """The reporter's download of their case's data."""

    def __init__(self, status: StatusLookup, store: CaseStore, clock: Clock):
        self._status = status
        self._store = store
        self._clock = clock

    def download(self, number: str, access_code: str, client: str, fmt: str = "json") -> dict:
        """Record the download and return the document (plain values). Raises CaseNotFound
        or TooManyAttempts (a wrong code, as a lookup; or too many downloads of the case)."""
        case = self._status.authorised_case(number, access_code, client)
        now = self._clock.now()
        slot = counter_slot(f"reporter-data-{case.number}", DOWNLOAD_WINDOW, now)
        if self._store.count_hit(slot) > DOWNLOADS_PER_HOUR:
            raise TooManyAttempts(retry_after=slot.expires_at - now)
        fmt = fmt if fmt in FORMATS else FORMATS[0]

        def record(current: Case) -> None:
            current.record(TimelineEvent(EventType.REPORTER_DATA_DOWNLOADED, now,
                                         data={"format": fmt}, actor=REPORTER))

        case = self._store.update_case(case.number, record)
        return self._document(case, now)

    def _document(self, case: Case, now: datetime) -> dict:
        events = self._public_events(case.number)
        return {
            "schema": SCHEMA, "generated_at": now.isoformat(),
            "case": _submitted(case),
            "private_record": self._private_record(case),
            "timeline": [_entry(e) for e in events],
            "messages": [_message(e) for e in events
                         if e.type in FROM_STAFF | FROM_REPORTER and e.text],
            "notices": self._notices(events),
            "decision": {"told": case.decision.get("sent") or None,
                         "appeal_round": case.decision.get("sent_round", 0),
                         "appeal_until": _iso(case.appeal_until)},
            "attachments": [{"name": a.filename, "type": a.content_type, "size": a.size}
                            for a in case.attachments if not a.filed_by_staff],
        }

    def _private_record(self, case: Case) -> dict:
        if case.identity_purged_at is not None:
            return {"purged_at": case.identity_purged_at.isoformat()}
        identity = self._store.get_identity(case.number)
        return {"anonymous": case.anonymous, "name": identity.name if identity else "",
                "email": identity.email if identity else "",
                "phone": identity.phone if identity else ""}

    def _public_events(self, number: str) -> list[TimelineEvent]:
        found, after = [], 0
        while page := self._store.case_events(number, public_only=True, after_seq=after,
                                              limit=MAX_PAGE):
            found += page
            after = max(e.seq for e in page)
        return found

    def _notices(self, events: list[TimelineEvent]) -> list[dict]:
        """Each notice sent to the reporter: its kind, when, what staff wrote in it and the
        decision it told (read from its outbox entry)."""
        notices = []
        for event in events:
            if event.type.as_current != EventType.NOTICE_SENT:
                continue
            message = self._store.get_outbox(str(event.data.get("outbox_id", "")))
            decision = message.details.get("decision") if message else None
            notices.append({"notice": event.data.get("template", "acknowledgment"),
                            "sent_at": event.at.isoformat(),
                            "text": message.text if message else "",
                            "decision": decision if isinstance(decision, dict) else None})
        return notices


def _submitted(case: Case) -> dict:
    return {"number": case.number, "kind": case.kind.value, "category": case.category,
            "channel": case.channel.value, "subject": case.subject,
            "description": case.description, "desired_outcome": case.desired_outcome,
            "language": case.language, "received_at": case.received_at.isoformat(),
            "status": case.status.value, "review_due_at": _iso(case.review_due_at),
            "decision_due_at": _iso(case.decision_due_at)}


def _entry(event: TimelineEvent) -> dict:
    entry = {"seq": event.seq, "at": event.at.isoformat(), "type": event.type.as_current.value,
             "by": _role(event.actor)}
    if event.type in TEXT_SHOWN and event.text:
        entry["text"] = event.text
    if isinstance(event.data.get("files"), list):
        entry["files"] = [str(name) for name in event.data["files"]]
    if event.type.as_current in (EventType.NOTICE_SENT, EventType.NOTICE_FAILED):
        entry["notice"] = str(event.data.get("template", "acknowledgment"))
    if event.type == EventType.CASE_REJECTED and event.data.get("ground"):
        entry["ground"] = str(event.data["ground"])
    return entry


def _message(event: TimelineEvent) -> dict:
    return {"at": event.at.isoformat(), "from": "you" if event.type in FROM_REPORTER else "staff",
            "type": event.type.value, "text": event.text}


def _role(actor: str) -> str:
    """Who acted, by role only: never a staff member's id (R20 for staff too: roles)."""
    if actor in (REPORTER, SYSTEM):
        return "you" if actor == REPORTER else "system"
    return "staff"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
