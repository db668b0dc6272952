"""A case's documents as the Firestore store's transactions write them: `cases/{number}` (the
bounded case document, with its queue fields: the filters, `received_key`, `due_key`,
`reporter_email_hash`), `cases/{number}/events/{seq}` (its timeline, append-only, one document per
event, the id the zero-padded sequence number) and `reporter_identities/{number}` (the private
record, R20). Each writing function returns the number of documents it wrote, which the store
counts as operations."""
from __future__ import annotations

from collections.abc import Sequence

from google.cloud import firestore

from shared.domain.cases import Case, ReporterIdentity, TimelineEvent
from shared.domain.queues import reporter_email_hash

from . import records

CASES = "cases"
EVENTS = "events"
IDENTITIES = "reporter_identities"


def case_document(client: firestore.Client, number: str):
    return client.collection(CASES).document(number)


def create_case(writer, client: firestore.Client, case: Case, identity: ReporterIdentity) -> int:
    """The new case's document, its first events and its private record."""
    record = {**records.case_to_record(case), **records.queue_keys(case),
              "reporter_email_hash": reporter_email_hash(identity.email) if identity.email else ""}
    writer.create(case_document(client, case.number), record)
    written = create_events(writer, client, case.number, case.new_events)
    writer.create(client.collection(IDENTITIES).document(case.number),
                  records.identity_to_record(identity))
    return 2 + written


def rewrite_case(writer, client: firestore.Client, case: Case, stored: dict) -> int:
    """Rewrite the case document (keeping what only registration knows) and append its new
    events; a first-schema document's embedded timeline moves out in the same commit."""
    record = {**records.case_to_record(case), **records.queue_keys(case),
              "reporter_email_hash": stored.get("reporter_email_hash", "")}
    writer.set(case_document(client, case.number), record)
    return (1 + create_events(writer, client, case.number, records.legacy_events(stored))
            + create_events(writer, client, case.number, case.new_events))


def create_events(writer, client: firestore.Client, number: str,
                  events: Sequence[TimelineEvent]) -> int:
    # create, not set: an event is never rewritten (a sequence number taken twice fails).
    for event in events:
        writer.create(case_document(client, number).collection(EVENTS).document(f"{event.seq:08d}"),
                      records.event_to_record(event))
    return len(events)
