"""The cloud case store: Google Cloud Firestore (native mode).

Collections: `cases/{number}` (the case with its timeline), `reporter_identities/{number}` (the
private record, R20), `outbox/{id}` (creation triggers the delivery function), `hit_counters/{key}`
(rate limits, with an `expires_at` timestamp for a TTL policy), `mail_index/{key}` (every inbound
message's and every sent message's key → its case or held entry: duplicates and threading) and
`held_mail/{id}` (mail that belongs to no case). The only composite query is the
outbox's "what is due": `awaiting == true AND due_at <= now ORDER BY due_at LIMIT n`; infra/ holds
its index. No `== None` filters, offsets, cursors or collection-group queries.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared.domain.cases import Case, HeldMail, MailRecord, ReporterIdentity
from shared.domain.errors import CaseNotFound, CaseNumberTaken, MailAlreadyRecorded
from shared.domain.outbox import OutboxMessage
from shared.domain.rate_limits import CounterSlot

from . import records

CASES = "cases"
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
        batch = self.client.batch()
        for key in mail_keys:
            batch.create(self._doc(MAIL_INDEX, key), _mail_record(case_number=case.number))
        for slot in counters:
            batch.set(*self._increment(slot), merge=True)
        self.operations += len(mail_keys) + len(counters)
        batch.create(self._doc(CASES, case.number), records.case_to_record(case))
        batch.create(self._doc(IDENTITIES, case.number), records.identity_to_record(identity))
        for message in outbox:
            batch.create(self._doc(OUTBOX, message.id), records.outbox_to_record(message))
        self.operations += 2 + len(outbox)
        try:
            batch.commit()  # one atomic commit: all documents or none
        except (gexc.AlreadyExists, gexc.Conflict) as exc:
            # The client retries a commit whose answer was lost; if that first commit landed,
            # the "collision" is our own case, and the registration has succeeded.
            existing = self._get(CASES, case.number)
            if existing is not None and existing["access_code_hash"] == case.access_code_hash:
                return
            for key in mail_keys:  # which document was there already?
                if self._get(MAIL_INDEX, key) is not None:
                    raise MailAlreadyRecorded(key) from exc
            raise CaseNumberTaken(case.number) from exc

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
            self.operations += 1
            transaction.set(self._doc(CASES, number), records.case_to_record(case))
            return case

        return run(self.client.transaction(max_attempts=_MAX_ATTEMPTS))

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
            self.operations += 2
            transaction.set(self._doc(OUTBOX, message_id), records.outbox_to_record(message))
            transaction.set(self._doc(CASES, case.number), records.case_to_record(case))
            for key in mail_keys:
                self.operations += 1
                transaction.set(self._doc(MAIL_INDEX, key),
                                _mail_record(case_number=case.number, sent=True))
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


    def _increment(self, slot: CounterSlot):
        """The slot's document and the write that counts one more (and sets its TTL field)."""
        return (self._doc(HIT_COUNTERS, slot.id),
                {"count": firestore.Increment(1), "expires_at": slot.expires_at})


def _mail_record(case_number: str = "", held_id: str = "", sent: bool = False) -> dict:
    return {"case_number": case_number, "held_id": held_id, "sent": sent}
