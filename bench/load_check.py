"""What the load run left behind, checked submission by submission: each became exactly one case
(found by the marker in its subject) with a unique number and its text decoded right, and each
case has exactly one acknowledgment — one outbox entry, sent, and one message in the local
mailbox. The stored documents are read as the stores keep them (the same record shapes on both:
`shared/adapters/records.py`), from outside the stack's process."""
from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path

from bench.load_clients import Sent

MARKER = re.compile(r"LOAD-[0-9a-z]+-[FE]\d+", re.IGNORECASE)
CASE_NUMBER = re.compile(r"\b(?:TS|JB)-\d{8}-[0-9A-Z]{6}-[0-9A-Z]\b")
_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"  # records.time_text


@dataclass
class Outcome:
    submitted: int
    refused: list[Sent] = field(default_factory=list)  # the system said no (or did not answer)
    lost: list[str] = field(default_factory=list)  # accepted, but no case holds the marker
    duplicated: list[str] = field(default_factory=list)  # markers in more than one case
    garbled: list[str] = field(default_factory=list)  # the text not decoded as sent
    numbers_repeated: int = 0
    acks_missing: list[str] = field(default_factory=list)  # case numbers without a sent ack
    acks_repeated: list[str] = field(default_factory=list)  # more than one ack entry or message
    mailbox_missing: list[str] = field(default_factory=list)
    ack_delays: list[float] = field(default_factory=list)  # seconds: sent_at - received_at

    @property
    def exact(self) -> bool:
        return not (self.refused or self.lost or self.duplicated or self.garbled
                    or self.numbers_repeated or self.acks_missing or self.acks_repeated
                    or self.mailbox_missing)

    def summary(self) -> str:
        return (f"submitted {self.submitted}, refused {len(self.refused)}, lost {len(self.lost)}, "
                f"duplicated {len(self.duplicated)}, garbled {len(self.garbled)}, repeated numbers "
                f"{self.numbers_repeated}; acknowledgments missing {len(self.acks_missing)}, "
                f"repeated {len(self.acks_repeated)}, not in the mailbox "
                f"{len(self.mailbox_missing)}")


def check(sent: list[Sent], cases: list[dict], outbox: list[dict], mailbox: Path) -> Outcome:
    """The outcome of a run: `cases` and `outbox` are the stored documents (as dicts)."""
    outcome = Outcome(submitted=len(sent), refused=[s for s in sent if not s.accepted])
    numbers = Counter(case["number"] for case in cases)
    outcome.numbers_repeated = sum(n - 1 for n in numbers.values() if n > 1)
    by_marker: dict[str, list[dict]] = defaultdict(list)
    for case in cases:
        for marker in set(MARKER.findall(case.get("subject") or "")):
            by_marker[marker].append(case)
    ours = []
    for submission in sent:
        if not submission.accepted:
            continue
        found = by_marker.get(submission.marker, [])
        if not found:
            outcome.lost.append(submission.marker)
            continue
        if len(found) > 1:
            outcome.duplicated.append(submission.marker)
        if submission.expected_text not in (found[0].get("description") or ""):
            outcome.garbled.append(submission.marker)
        ours.extend(found)
    _check_acknowledgments(outcome, ours, outbox, mailbox)
    return outcome


def _check_acknowledgments(outcome: Outcome, cases: list[dict], outbox: list[dict],
                           mailbox: Path) -> None:
    acks: dict[str, list[dict]] = defaultdict(list)
    for entry in outbox:
        if entry.get("template") == "acknowledgment":
            acks[entry["case_number"]].append(entry)
    delivered = Counter(number for text in mailbox_subjects(mailbox)
                        for number in set(CASE_NUMBER.findall(text)))
    for case in cases:
        number = case["number"]
        entries = acks.get(number, [])
        sent = [e for e in entries if e.get("status") == "sent"]
        if not sent:
            outcome.acks_missing.append(number)
        if len(entries) > 1 or delivered[number] > 1:
            outcome.acks_repeated.append(number)
        if delivered[number] == 0:
            outcome.mailbox_missing.append(number)
        if sent:
            outcome.ack_delays.append((_when(sent[0]["sent_at"])
                                       - _when(case["received_at"])).total_seconds())


def mailbox_subjects(folder: Path) -> list[str]:
    """The decoded Subject of every message in the local mailbox (one file per Message-ID)."""
    subjects = []
    for path in Path(folder).glob("*.eml"):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        subjects.append(str(message["Subject"] or ""))
    return subjects


def _when(text: str) -> datetime:
    return datetime.strptime(text, _TIME)


# -- reading the stores from outside the stack ---------------------------------------------------

def sqlite_documents(path: Path) -> tuple[list[dict], list[dict]]:
    """Every case and outbox document of an SQLite file (read-only)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cases = [json.loads(doc) for (doc,) in db.execute("SELECT doc FROM cases")]
        outbox = [json.loads(doc) for (doc,) in db.execute("SELECT doc FROM outbox")]
    finally:
        db.close()
    return cases, outbox


def sqlite_waiting(path: Path) -> int:
    """Outbox entries not yet sent or given up on."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT count(*) FROM outbox WHERE awaiting = 1").fetchone()[0]
    finally:
        db.close()


def firestore_documents(client) -> tuple[list[dict], list[dict]]:
    """Every case and outbox document of a Firestore project (`client`: its Firestore client)."""
    return ([s.to_dict() for s in client.collection("cases").stream()],
            [s.to_dict() for s in client.collection("outbox").stream()])


def firestore_waiting(client) -> int:
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = client.collection("outbox").where(filter=FieldFilter("awaiting", "==", True))
    return sum(1 for _ in query.stream())
