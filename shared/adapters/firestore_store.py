"""The cloud case store: Google Cloud Firestore (native mode).

Collections: `cases/{number}` (the bounded case document, with its queue fields: the filters,
`received_key`, `due_key`, `reporter_email_hash`), `cases/{number}/events/{seq}` (its timeline,
append-only, one document per event, the id the zero-padded sequence number),
`reporter_identities/{number}` (the private record, R20), `outbox/{id}` (creation triggers the
delivery function), `hit_counters/{key}` (rate limits, with an `expires_at` timestamp for a TTL
policy), `mail_index/{key}` (every inbound message's and every sent message's key → its case or
held entry: duplicates and threading) and `held_mail/{id}` (mail that belongs to no case).
Composite queries: the outbox's "what is due" (`awaiting == true AND due_at <= now ORDER BY
due_at`), a case's public events (`public == true AND seq > n ORDER BY seq`) and the queues
(`firestore_queue`); infra/ holds their indexes. No `== None` filters, offsets, cursors or
collection-group queries.

A case document of the first schema carries its timeline inside it: it reads as it is (its
events from that list) and the next write of the case moves the list into `events`.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared.domain.cases import Case, HeldMail, MailRecord, ReporterIdentity, TimelineEvent
from shared.domain.errors import (
    CaseNotFound,
    CaseNumberTaken,
    DomainError,
    LimitReached,
    MailAlreadyRecorded,
)
from shared.domain.outbox import OutboxMessage
from shared.domain.queues import CasePage, CaseQuery, checked_page_size, reporter_email_hash
from shared.domain.rate_limits import CounterSlot

from . import firestore_queue, records

CASES = "cases"
EVENTS = "events"
IDENTITIES = "reporter_identities"
OUTBOX = "outbox"
HIT_COUNTERS = "hit_counters"
MAIL_INDEX = "mail_index"
HELD_MAIL = "held_mail"
_MAX_ATTEMPTS = 30


class FirestoreCaseStore:
    """CaseStore on Firestore. The client is built on first use, not at import time."""

    def __init__(self, project: str, database: str = "(default)", client=None):
        self._project = project
        self._database = database
        self._client = client
        self.operations = 0  # document reads and writes, for bench/

    @property
    def client(self) -> firestore.Client:
        if self._client is None:
            self._client = firestore.Client(project=self._project, database=self._database)
        return self._client

    def _doc(self, collection: str, key: str):
        return self.client.collection(collection).document(key)

    def _get(self, collection: str, key: str, transaction=None) -> dict | None:
        self.operations += 1
        snapshot = self._doc(collection, key).get(transaction=transaction)
        return snapshot.to_dict() if snapshot.exists else None

    # -- cases -------------------------------------------------------------------------------

    def register(self, case: Case, identity: ReporterIdentity, outbox: list[OutboxMessage],
                 mail_keys: Sequence[str] = (), counters: Sequence[CounterSlot] = ()):
        # A transaction, not a batch: the counters are read, checked against their limits and
        # counted in one commit, so concurrent registrations cannot all pass a limit.
        @firestore.transactional
        def run(transaction) -> None:
            case_ref = self._doc(CASES, case.number)
            mail_refs = [self._doc(MAIL_INDEX, key) for key in mail_keys]
            times = Counter(slot.id for slot in counters)
            slots = list({slot.id: slot for slot in counters}.values())
            counter_refs = [self._doc(HIT_COUNTERS, slot.id) for slot in slots]
            refs = [case_ref, *mail_refs, *counter_refs]
            found = {s.reference.path: s for s in self.client.get_all(refs, transaction=transaction)}
            self.operations += len(refs)
            if found[case_ref.path].exists:
                if found[case_ref.path].get("access_code_hash") == case.access_code_hash:
                    return  # our own commit landed and its answer was lost: registered
                raise CaseNumberTaken(case.number)
            for key, ref in zip(mail_keys, mail_refs):
                if found[ref.path].exists:
                    raise MailAlreadyRecorded(key)
            for slot, ref in zip(slots, counter_refs):
                count = found[ref.path].get("count") if found[ref.path].exists else 0
                if slot.limit is not None and count + times[slot.id] > slot.limit:
                    raise LimitReached(slot.id)
                transaction.set(*self._counted(slot, count + times[slot.id]))
            for key in mail_keys:
                transaction.create(self._doc(MAIL_INDEX, key), _mail_record(case_number=case.number))
            record = {**records.case_to_record(case), **records.queue_keys(case),
                      "reporter_email_hash": reporter_email_hash(identity.email) if identity.email else ""}
            transaction.create(self._doc(CASES, case.number), record)
            self._create_events(transaction, case)
            transaction.create(self._doc(IDENTITIES, case.number), records.identity_to_record(identity))
            for message in outbox:
                transaction.create(self._doc(OUTBOX, message.id), records.outbox_to_record(message))
            self.operations += len(mail_keys) + len(slots) + 2 + len(outbox)

        try:
            run(self.client.transaction(max_attempts=_MAX_ATTEMPTS))
        except DomainError:
            raise
        except gexc.GoogleAPICallError:
            # The client retries a commit whose answer was lost; if that first commit landed,
            # the retry fails, but the registration has succeeded.
            existing = self._get(CASES, case.number)
            if existing is None or existing["access_code_hash"] != case.access_code_hash:
                raise
        case.new_events.clear()

    def get_case(self, number: str) -> Case | None:
        record = self._get(CASES, number)
        return records.case_from_record(record) if record else None

    def get_identity(self, number: str) -> ReporterIdentity | None:
        record = self._get(IDENTITIES, number)
        return records.identity_from_record(record) if record else None

    def update_case(self, number, change: Callable[[Case], list[OutboxMessage] | None],
                    mail_keys: Sequence[str] = ()) -> Case:
        @firestore.transactional
        def run(transaction) -> Case:
            record = self._get(CASES, number, transaction)
            if record is None:
                raise CaseNotFound(number)
            for key in mail_keys:
                if self._get(MAIL_INDEX, key, transaction) is not None:
                    raise MailAlreadyRecorded(key)
            for key in mail_keys:
                transaction.create(self._doc(MAIL_INDEX, key), _mail_record(case_number=number))
            case = records.case_from_record(record)
            for message in change(case) or []:
                self.operations += 1
                transaction.create(self._doc(OUTBOX, message.id), records.outbox_to_record(message))
            self._write_case(transaction, case, record)
            return case

        case = run(self.client.transaction(max_attempts=_MAX_ATTEMPTS))
        case.new_events.clear()
        return case

    def case_events(self, number: str, *, public_only: bool, after_seq: int = 0,
                    limit: int = 50) -> list[TimelineEvent]:
        found = firestore_queue.event_page(self.client, number, public_only, after_seq,
                                           checked_page_size(limit))
        self.operations += max(1, len(found))
        if not found:  # none stored apart: a first-schema case not written since?
            legacy = records.legacy_events(self._get(CASES, number) or {})
            found = [e for e in legacy if e.seq > after_seq and (e.public or not public_only)]
        return found[:limit]

    # -- queues ------------------------------------------------------------------------------

    def find_cases(self, query: CaseQuery, limit: int = 50, after: str | None = None) -> CasePage:
        if after is not None:
            records.cursor_position(after)  # a malformed cursor is an error, not an empty page
        found, more, reads = firestore_queue.scan(self.client, query, checked_page_size(limit), after)
        self.operations += reads
        key = firestore_queue.ORDERS[query.order][0]
        return CasePage([records.case_from_record(r) for r in found],
                        found[-1][key] if more else None)

    def due_cases(self, now: datetime, limit: int) -> list[Case]:
        found = firestore_queue.due(self.client, now, checked_page_size(limit))
        self.operations += max(1, len(found))
        return found

    # -- outbox ------------------------------------------------------------------------------

    def get_outbox(self, message_id: str) -> OutboxMessage | None:
        record = self._get(OUTBOX, message_id)
        return records.outbox_from_record(record) if record else None

    def update_outbox(self, message_id, change: Callable[[OutboxMessage, Case], bool],
                      mail_keys: Sequence[str] = ()):
        @firestore.transactional
        def run(transaction) -> OutboxMessage | None:
            record = self._get(OUTBOX, message_id, transaction)
            if record is None:
                return None
            message = records.outbox_from_record(record)
            case_record = self._get(CASES, message.case_number, transaction)
            if case_record is None:
                return None
            case = records.case_from_record(case_record)
            if not change(message, case):
                return None
            self.operations += 1
            transaction.set(self._doc(OUTBOX, message_id), records.outbox_to_record(message))
            self._write_case(transaction, case, case_record)
            for key in mail_keys:
                self.operations += 1
                transaction.set(self._doc(MAIL_INDEX, key),
                                _mail_record(case_number=case.number, sent=True))
            case.new_events.clear()
            return message

        return run(self.client.transaction(max_attempts=_MAX_ATTEMPTS))

    def due_outbox(self, now: datetime, limit: int) -> list[OutboxMessage]:
        query = (
            self.client.collection(OUTBOX)
            .where(filter=firestore.FieldFilter("awaiting", "==", True))
            .where(filter=firestore.FieldFilter("due_at", "<=", records.time_text(now)))
            .order_by("due_at")
            .limit(limit)
        )
        found = [records.outbox_from_record(s.to_dict()) for s in query.stream()]
        self.operations += max(1, len(found))
        return found

    # -- inbound mail ------------------------------------------------------------------------

    def find_mail(self, key: str) -> MailRecord | None:
        record = self._get(MAIL_INDEX, key)
        if record is None:
            return None
        return MailRecord(record["case_number"], record["held_id"], record.get("sent", False))

    def hold_mail(self, held: HeldMail, mail_keys: Sequence[str]) -> None:
        batch = self.client.batch()
        for key in mail_keys:
            batch.create(self._doc(MAIL_INDEX, key), _mail_record(held_id=held.id))
        batch.create(self._doc(HELD_MAIL, held.id), records.held_to_record(held))
        self.operations += 1 + len(mail_keys)
        try:
            batch.commit()
        except (gexc.AlreadyExists, gexc.Conflict) as exc:
            raise MailAlreadyRecorded(held.id) from exc

    def held_mail(self, limit: int) -> list[HeldMail]:
        query = (self.client.collection(HELD_MAIL)
                 .order_by("received_at", direction=firestore.Query.DESCENDING).limit(limit))
        found = [records.held_from_record(s.to_dict()) for s in query.stream()]
        self.operations += max(1, len(found))
        return found

    # -- rate limits -------------------------------------------------------------------------

    def count_hit(self, slot: CounterSlot) -> int:
        # An atomic server-side increment, then a read: two round trips instead of a
        # transaction's three. The read may include others' increments: a limit errs on the
        # strict side.
        ref, increment = self._increment(slot)
        ref.set(increment, merge=True)
        self.operations += 2
        return ref.get().get("count")

    def read_counters(self, slots: Sequence[CounterSlot]) -> list[int]:
        refs = [self._doc(HIT_COUNTERS, slot.id) for slot in slots]
        found = {snap.id: snap.get("count") for snap in self.client.get_all(refs) if snap.exists}
        self.operations += len(refs)  # billed per document, found or not
        return [found.get(slot.id, 0) for slot in slots]

    # -- the case document and its events --------------------------------------------------

    def _write_case(self, transaction, case: Case, stored: dict) -> None:
        """Rewrite the case document (keeping what only registration knows) and append its new
        events; a first-schema document's embedded timeline moves out in the same commit."""
        record = {**records.case_to_record(case), **records.queue_keys(case),
                  "reporter_email_hash": stored.get("reporter_email_hash", "")}
        self.operations += 1
        transaction.set(self._doc(CASES, case.number), record)
        for event in records.legacy_events(stored):
            self._create_event(transaction, case.number, event)
        self._create_events(transaction, case)

    def _create_events(self, writer, case: Case) -> None:
        for event in case.new_events:
            self._create_event(writer, case.number, event)

    def _create_event(self, writer, number: str, event: TimelineEvent) -> None:
        # create, not set: an event is never rewritten (a sequence number taken twice fails).
        self.operations += 1
        writer.create(self._doc(CASES, number).collection(EVENTS).document(f"{event.seq:08d}"),
                      records.event_to_record(event))

    def _counted(self, slot: CounterSlot, count: int):
        """The slot's document and the write that sets its count (and its TTL field)."""
        return self._doc(HIT_COUNTERS, slot.id), {"count": count, "expires_at": slot.expires_at}

    def _increment(self, slot: CounterSlot):
        """The slot's document and the write that counts one more (and sets its TTL field)."""
        return (self._doc(HIT_COUNTERS, slot.id),
                {"count": firestore.Increment(1), "expires_at": slot.expires_at})


def _mail_record(case_number: str = "", held_id: str = "", sent: bool = False) -> dict:
    return {"case_number": case_number, "held_id": held_id, "sent": sent}
