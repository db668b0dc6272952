"""The Firestore schema upgrade: every case document of an earlier schema brought to the
current one — the first (its timeline inside, no queue keys, no `reporter_email_hash`) and the
second (no `search_terms`) — so that every case is in its queues, in `due_cases`, in its
reporter's list and in word searches. Run by the operator at each deploy (`python -m
tools.upgrade_store`, docs/deploy.md).

Paged over `cases` by a range filter on `number` (no cursors or offsets: the test emulator ignores
them). Each page's last number is kept in `meta/schema` (`resume_after`), so an interrupted run
goes on where it stopped; when every page is done, `meta/schema` gets the `version`. A case is
upgraded in steps that may each be repeated: its events are written in batches of at most
`WRITES_PER_BATCH` with `set` at their sequence number (the same content every time), then the
case document is rewritten without the timeline, only if it did not change since it was read
(else it is read and upgraded again). A current case is only read: a second run changes nothing.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from google.cloud import firestore

from . import records
from .firestore_case_documents import (
    IDENTITIES,
    case_document,
    case_record,
    email_hash_of,
    set_events,
)
from .firestore_inbound_mail import upgrade_held_mail

CASES = "cases"  # as firestore_case_documents names it; a literal for the infra checks' reader
# 1: the first schema; 2: events apart, queue keys, reporter email hash; 3: search terms
SCHEMA_VERSION = 3
META = "meta"
SCHEMA = "schema"  # meta/schema: {version, resume_after, upgraded_at}
PAGE = 100
WRITES_PER_BATCH = 400  # under Firestore's 500 writes per commit
_ATTEMPTS = 5  # a case changed by a live request while it was being upgraded is read again

log = logging.getLogger(__name__)


@dataclass
class UpgradeReport:
    """What a run did."""

    version_before: int
    version: int
    cases_read: int = 0
    cases_upgraded: int = 0
    events_moved: int = 0


def schema_document(client: firestore.Client):
    return client.collection(META).document(SCHEMA)


def stored_version(client: firestore.Client) -> int:
    """The schema version the database is at (1 when it was never upgraded)."""
    snapshot = schema_document(client).get()
    return (snapshot.to_dict() or {}).get("version", 1) if snapshot.exists else 1


def upgrade(client: firestore.Client, page: int = PAGE) -> UpgradeReport:
    """Bring every case to SCHEMA_VERSION, resuming an interrupted run; nothing to do once the
    database is at that version."""
    meta = schema_document(client)
    state = meta.get().to_dict() or {}
    report = UpgradeReport(state.get("version", 1), state.get("version", 1))
    if report.version_before >= SCHEMA_VERSION:
        return report
    position = state.get("resume_after", "")
    while True:
        snapshots = list(client.collection(CASES)
                         .where(filter=firestore.FieldFilter("number", ">", position))
                         .order_by("number").limit(page).stream())
        for snapshot in snapshots:
            moved = upgrade_case(client, snapshot.id, snapshot)
            report.cases_read += 1
            if moved is not None:
                report.cases_upgraded += 1
                report.events_moved += moved
        if len(snapshots) < page:
            break
        position = snapshots[-1].get("number")
        meta.set({"version": report.version_before, "resume_after": position})
    # Held mail stored before the staff queue existed joins it (idempotent; few documents).
    upgrade_held_mail(client)
    meta.set({"version": SCHEMA_VERSION, "upgraded_at": records.time_text(datetime.now(UTC))})
    report.version = SCHEMA_VERSION
    log.info("Firestore schema upgraded to version %s: %s", SCHEMA_VERSION, report)
    return report


def upgrade_case(client: firestore.Client, number: str, snapshot=None) -> int | None:
    """Upgrade one case; the number of events moved out of its document, or None when it was
    current already (or is gone)."""
    for _ in range(_ATTEMPTS):
        snapshot = snapshot or case_document(client, number).get()
        if not snapshot.exists:
            return None
        try:
            return _upgrade_once(client, snapshot)
        except _Changed:
            snapshot = None  # changed since it was read: read it again
    raise RuntimeError(f"case {number} kept changing while it was being upgraded")


def _upgrade_once(client: firestore.Client, snapshot) -> int | None:
    record = snapshot.to_dict()
    number = record["number"]
    email_hash = record.get("reporter_email_hash") or _identity_hash(client, number)
    target = case_record(records.case_from_record(record), email_hash)
    if "timeline" not in record and all(record.get(k, _ABSENT) == v for k, v in target.items()):
        return None
    events = records.legacy_events(record)
    for first in range(0, len(events), WRITES_PER_BATCH):
        batch = client.batch()
        set_events(batch, client, number, events[first:first + WRITES_PER_BATCH])
        batch.commit()
    _replace_if_unchanged(client.transaction(), client, snapshot, target)
    return len(events)


_ABSENT = object()


class _Changed(Exception):
    """The case document changed since the upgrade read it."""


@firestore.transactional
def _replace_if_unchanged(transaction, client: firestore.Client, snapshot, target: dict) -> None:
    # Last, and only over the version read: a live change meanwhile (which may have added to the
    # timeline) makes the case be read and upgraded again. A whole `set`, which drops the
    # timeline, rather than an update with DELETE_FIELD, which the test emulator ignores.
    document = case_document(client, snapshot.id)
    if document.get(transaction=transaction).update_time != snapshot.update_time:
        raise _Changed(snapshot.id)
    transaction.set(document, target)


def _identity_hash(client: firestore.Client, number: str) -> str:
    identity = client.collection(IDENTITIES).document(number).get()
    return email_hash_of(identity.to_dict() if identity.exists else None)
