"""A case's documents as the Firestore store's transactions write them: `cases/{number}` (the
bounded case document, with its queue fields: the filters, `received_key`, `due_key`,
`reporter_email_hash` and `search_terms`, the terms of its subject for word searches),
`cases/{number}/events/{seq}` (its timeline, append-only, one document per event, the id the
zero-padded sequence number) and `reporter_identities/{number}` (the private record, R20). Each
writing function returns the number of documents it wrote, which the store counts as operations.

A first-schema case document (its timeline inside, no queue keys, no `reporter_email_hash`) is
read with its hash taken from the private record, so the next write puts it in every queue;
`firestore_upgrade` brings all of them up to date at once."""
from __future__ import annotations

from collections.abc import Sequence

from google.cloud import firestore

from shared.domain.cases import Case, ReporterIdentity, TimelineEvent
from shared.domain.queues import reporter_email_hash, search_terms

from . import records

CASES = "cases"
EVENTS = "events"
IDENTITIES = "reporter_identities"
# A first-schema timeline moves out in the commit of the case's next change only when it leaves
# room in Firestore's 500 writes for the change's own events; a longer one is moved by
# `firestore_upgrade.upgrade_case` in batches first.
MOVABLE_IN_ONE_COMMIT = 100


class TimelineTooLong(Exception):
    """A first-schema case whose embedded timeline is too long to move in one commit."""

    def __init__(self, number: str):
        super().__init__(number)
        self.number = number


def case_document(client: firestore.Client, number: str):
    return client.collection(CASES).document(number)


def case_record(case: Case, email_hash: str) -> dict:
    """The case document: the case's record and the fields its queries filter and page on (the
    reporter's email hash is registration's to know, so the caller gives it)."""
    return {**records.case_to_record(case), **records.queue_keys(case),
            # A purged case (retention) is nobody's any more: no reporter filter finds it.
            "reporter_email_hash": "" if case.identity_purged_at else email_hash,
            "search_terms": list(search_terms(case.subject))}


def case_changed(case: Case, stored: dict) -> bool:
    """Whether `rewrite_case` would write anything new: events, a field, a first-schema
    timeline to move out (issue 12: a delivery's claim changes the entry, not its case)."""
    return (bool(case.new_events) or "timeline" in stored
            or case_record(case, stored.get("reporter_email_hash", "")) != stored)


def create_case(writer, client: firestore.Client, case: Case, identity: ReporterIdentity) -> int:
    """The new case's document, its first events and its private record."""
    email_hash = reporter_email_hash(identity.email) if identity.email else ""
    writer.create(case_document(client, case.number), case_record(case, email_hash))
    written = create_events(writer, client, case.number, case.new_events)
    writer.create(client.collection(IDENTITIES).document(case.number),
                  records.identity_to_record(identity))
    return 2 + written


def read_case(client: firestore.Client, number: str, transaction=None) -> tuple[dict | None, int]:
    """The stored case document (None: no such case) and how many documents were read. A
    document without `reporter_email_hash` (first schema) gets it from the private record, so
    that `rewrite_case` keeps it. Raises TimelineTooLong for a first-schema timeline that one
    commit cannot move."""
    snapshot = case_document(client, number).get(transaction=transaction)
    if not snapshot.exists:
        return None, 1
    record = snapshot.to_dict()
    if len(record.get("timeline", ())) > MOVABLE_IN_ONE_COMMIT:
        raise TimelineTooLong(number)
    if "reporter_email_hash" in record:
        return record, 1
    identity = client.collection(IDENTITIES).document(number).get(transaction=transaction)
    record["reporter_email_hash"] = email_hash_of(identity.to_dict() if identity.exists else None)
    return record, 2


def email_hash_of(identity: dict | None) -> str:
    """The `reporter_email_hash` of a private record ("" when it has no address)."""
    email = (identity or {}).get("email", "")
    return reporter_email_hash(email) if email else ""


def rewrite_case(writer, client: firestore.Client, case: Case, stored: dict) -> int:
    """Rewrite the case document (keeping what only registration knows: the hash, which
    `read_case` supplies for a first-schema document) and append its new events; a
    first-schema document's embedded timeline moves out in the same commit."""
    writer.set(case_document(client, case.number),
               case_record(case, stored.get("reporter_email_hash", "")))
    return (1 + set_events(writer, client, case.number, records.legacy_events(stored))
            + create_events(writer, client, case.number, case.new_events))


def rewrite_case_if_unchanged(writer, client: firestore.Client, case: Case, stored: dict,
                              update_time) -> int | None:
    """`rewrite_case` for a document read at `update_time`, written only if it is still that
    version (else the commit fails with FailedPrecondition). None, writing nothing, for a
    first-schema document (`rewrite_case` mends it)."""
    if "reporter_email_hash" not in stored or "timeline" in stored:
        return None
    writer.set(case_document(client, case.number), case_record(case, stored["reporter_email_hash"]))
    # `set` takes no precondition: it goes on the one write `set` just added. (Not `update`
    # with DELETE_FIELD for the fields gone, such as a due_key: the test emulator ignores it.)
    client.write_option(last_update_time=update_time).modify_write(writer._write_pbs[-1])
    return 1 + create_events(writer, client, case.number, case.new_events)


def create_events(writer, client: firestore.Client, number: str,
                  events: Sequence[TimelineEvent]) -> int:
    # create, not set: an event is never rewritten (a sequence number taken twice fails).
    for event in events:
        writer.create(case_document(client, number).collection(EVENTS).document(f"{event.seq:08d}"),
                      records.event_to_record(event))
    return len(events)


def set_events(writer, client: firestore.Client, number: str,
               events: Sequence[TimelineEvent]) -> int:
    """Write a first-schema timeline's events at their sequence numbers. `set`, not create: the
    upgrade may have written the same events already (their content is the list's, so writing
    them again changes nothing)."""
    for event in events:
        writer.set(case_document(client, number).collection(EVENTS).document(f"{event.seq:08d}"),
                   records.event_to_record(event))
    return len(events)
