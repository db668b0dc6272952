"""The cloud case store: Google Cloud Firestore (native mode). It runs the transactions and counts
the operations; the documents are written by `firestore_case_documents` (`cases/{number}`, its
`events`, `reporter_identities/{number}`), `firestore_inbound_mail` (`mail_index`, `held_mail`),
`firestore_rate_limits` (`hit_counters`) and here (`outbox/{id}`, whose creation triggers the
delivery function); a registration's read, and what failed a registration whose commit failed,
are `firestore_registration`'s. Composite queries: the outbox's "what is due" (`awaiting == true
AND due_at <= now ORDER BY due_at`), a case's public events (`public == true AND seq > n ORDER BY
seq`) and the queues (`firestore_queue`); infra/ holds their indexes. No `== None` filters,
offsets, cursors or collection-group queries.

A case document of the first schema carries its timeline inside it: it reads as it is (its
events from that list) and the next write of the case moves the list into `events` (a list too
long for one commit is moved in batches first, by `firestore_upgrade`, which the operator runs
over all cases at each deploy).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, tzinfo

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared.domain.cases import Case, HeldMail, MailRecord, ReporterIdentity, TimelineEvent
from shared.domain.errors import CaseNotFound, DomainError, MailAlreadyRecorded
from shared.domain.outbox import OutboxMessage
from shared.domain.queues import CasePage, CaseQuery, checked_page_size
from shared.domain.rate_limits import CounterSlot
from shared.domain.statistics_counters import STATISTICS_ZONE, Facts

from . import (
    firestore_case_documents,
    firestore_identity_purge,
    firestore_inbound_mail,
    firestore_queue,
    firestore_rate_limits,
    firestore_registration,
    firestore_statistics,
    firestore_upgrade,
    firestore_waits,
    records,
)
from .firestore_case_as_read import FirestoreCaseAsRead
from .firestore_case_documents import CASES, IDENTITIES, TimelineTooLong
from .firestore_disclosures import FirestoreDisclosures
from .firestore_failed_mail import FirestoreFailedMail
from .firestore_inbound_mail import MAIL_INDEX, FirestoreHeldMail
from .firestore_outbox_waiting import FirestoreOutboxWaiting
from .firestore_period_mail import FirestorePeriodMail
from .firestore_reporter_marks import FirestoreReporterMarks
from .firestore_sessions import FirestoreSessions
from .firestore_staff import FirestoreStaff

OUTBOX = "outbox"
_MAX_ATTEMPTS = 30


class FirestoreCaseStore(FirestoreStaff, FirestoreSessions, FirestoreHeldMail,
                         FirestoreReporterMarks, FirestoreFailedMail, FirestoreCaseAsRead,
                         FirestorePeriodMail, FirestoreDisclosures, FirestoreOutboxWaiting):
    """CaseStore on Firestore. The client is built on first use, not at import time."""

    def __init__(self, project: str, database: str = "(default)", client=None,
                 statistics_zone: tzinfo = STATISTICS_ZONE, wait_seconds: float | None = None):
        self._project = project
        self._wait_seconds = wait_seconds  # None: the Google client's own 60-300 s
        self.statistics_zone = statistics_zone  # the calendar the counters' days are on
        self._database = database
        self._client = client
        self.operations = 0  # document reads and writes, for bench/

    @property
    def client(self) -> firestore.Client:
        if self._client is None:
            client = firestore.Client(project=self._project, database=self._database)
            if self._wait_seconds is not None:
                firestore_waits.bound_waits(client, self._wait_seconds)
            self._client = client
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
        slots = firestore_rate_limits.distinct(counters)

        @firestore.transactional
        def run(transaction) -> None:
            (stored, mail, counted), reads = firestore_registration.read(
                self.client, transaction, case.number, mail_keys, slots)
            self.operations += reads
            if firestore_registration.number_taken(stored, case):
                return  # our own commit landed and its answer was lost: registered
            firestore_inbound_mail.ensure_free(mail_keys, mail)
            for document, data in firestore_rate_limits.counted(self.client, slots, counted):
                transaction.set(document, data)
            firestore_inbound_mail.create_keys(transaction, self.client, mail_keys,
                                               case_number=case.number)
            self.operations += len(mail_keys) + len(slots)
            self.operations += firestore_case_documents.create_case(transaction, self.client, case,
                                                                    identity)
            self.operations += firestore_statistics.count(transaction, self.client, case, None,
                                                          self.statistics_zone)
            self._create_outbox(transaction, outbox)

        try:
            run(self.client.transaction(max_attempts=_MAX_ATTEMPTS))
        except DomainError:
            raise
        except gexc.GoogleAPICallError as exc:
            firestore_registration.explain_failure(self._get, case, mail_keys, exc)
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
            record = self._read_case(number, transaction)
            if record is None:
                raise CaseNotFound(number)
            for key in mail_keys:
                if self._get(MAIL_INDEX, key, transaction) is not None:
                    raise MailAlreadyRecorded(key)
            firestore_inbound_mail.create_keys(transaction, self.client, mail_keys,
                                               case_number=number)
            case = records.case_from_record(record)
            self._create_outbox(transaction, change(case) or [])
            self._write_case(transaction, case, record)
            return case

        case = self._transact(run)
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

    def count_cases(self, query: CaseQuery) -> int:
        counted = firestore_queue.count(self.client, query)
        self.operations += 1 + counted // 1000  # one read per 1000 index entries counted
        return counted

    def due_cases(self, now: datetime, limit: int) -> list[Case]:
        found = firestore_queue.due(self.client, now, checked_page_size(limit))
        self.operations += max(1, len(found))
        return found

    # -- outbox ------------------------------------------------------------------------------

    def get_outbox(self, message_id: str) -> OutboxMessage | None:
        record = self._get(OUTBOX, message_id)
        return records.outbox_from_record(record) if record else None

    def update_outbox(self, message_id, change: Callable[[OutboxMessage, Case], bool],
                      mail_keys: Sequence[str] = (), synced: bool = True):
        # `synced` is the embedded store's: every Firestore commit is durable when it returns.
        @firestore.transactional
        def run(transaction) -> OutboxMessage | None:
            record = self._get(OUTBOX, message_id, transaction)
            if record is None:
                return None
            message = records.outbox_from_record(record)
            if not message.case_number:  # mail of no case (a period's bulletin): the entry only
                if not change(message, None):
                    return None
                self.operations += 1
                transaction.set(self._doc(OUTBOX, message_id), records.outbox_to_record(message))
                return message
            case_record = self._read_case(message.case_number, transaction)
            if case_record is None:
                return None
            case = records.case_from_record(case_record)
            if not change(message, case):
                return None
            self.operations += 1
            transaction.set(self._doc(OUTBOX, message_id), records.outbox_to_record(message))
            if firestore_case_documents.case_changed(case, case_record):  # a claim: unchanged
                self._write_case(transaction, case, case_record)
            self.operations += firestore_inbound_mail.mark_sent(transaction, self.client, mail_keys,
                                                                case.number)
            case.new_events.clear()
            return message

        return self._transact(run)

    def due_outbox(self, now: datetime, limit: int) -> list[OutboxMessage]:
        query = (self.client.collection(OUTBOX)
                 .where(filter=firestore.FieldFilter("awaiting", "==", True))
                 .where(filter=firestore.FieldFilter("due_at", "<=", records.time_text(now)))
                 .order_by("due_at").limit(limit))
        found = [records.outbox_from_record(s.to_dict()) for s in query.stream()]
        self.operations += max(1, len(found))
        return found

    # -- inbound mail and rate limits (their own modules; counted here) ----------------------

    def find_mail(self, key: str) -> MailRecord | None:
        self.operations += 1
        return firestore_inbound_mail.find(self.client, key)

    def hold_mail(self, held: HeldMail, mail_keys: Sequence[str]) -> None:
        self.operations += 1 + len(mail_keys)
        firestore_inbound_mail.hold(self.client, held, mail_keys)

    def held_mail(self, limit: int) -> list[HeldMail]:
        found = firestore_inbound_mail.held(self.client, limit)
        self.operations += max(1, len(found))
        return found

    def count_hit(self, slot: CounterSlot) -> int:
        self.operations += 2
        return firestore_rate_limits.count_hit(self.client, slot)

    def read_counters(self, slots: Sequence[CounterSlot]) -> list[int]:
        self.operations += len(slots)  # billed per document, found or not
        return firestore_rate_limits.read(self.client, slots)

    def statistics_counts(self, start: date, end: date) -> dict[date, dict[str, int]]:
        days, documents = firestore_statistics.read(self.client, start, end)
        self.operations += max(1, documents)  # an empty query is billed one read
        return days

    def replace_statistics_counts(self, days: dict[date, dict[str, int]]) -> None:
        self.operations += firestore_statistics.replace_all(self.client, days)

    # -- the transactions of a stored case -------------------------------------------------

    def _transact(self, run):
        """Run a transactional function over a stored case. A first-schema case whose timeline
        one commit cannot move is upgraded on its own first, then the function runs again."""
        try:
            return run(self.client.transaction(max_attempts=_MAX_ATTEMPTS))
        except TimelineTooLong as long:
            firestore_upgrade.upgrade_case(self.client, long.number)
            return run(self.client.transaction(max_attempts=_MAX_ATTEMPTS))

    def _read_case(self, number: str, transaction) -> dict | None:
        record, reads = firestore_case_documents.read_case(self.client, number, transaction)
        self.operations += reads
        return record

    def _write_case(self, transaction, case: Case, stored: dict) -> None:
        self._count_statistics(transaction, case)
        self.operations += firestore_case_documents.rewrite_case(transaction, self.client, case, stored)
        if case.purge is not None:  # the private record's purge (retention), in this commit
            self.operations += firestore_identity_purge.purge(transaction, self.client, case)

    def _count_statistics(self, writer, case: Case) -> None:
        """The statistics counters the case's new events move, in the same commit (R19). The
        "before" is the case as this attempt read it, so a retried transaction counts afresh."""
        self.operations += firestore_statistics.count(
            writer, self.client, case, case.counted_as or Facts.of(case), self.statistics_zone)

    def _create_outbox(self, transaction, outbox: list[OutboxMessage]) -> None:
        for message in outbox:
            transaction.create(self._doc(OUTBOX, message.id), records.outbox_to_record(message))
        self.operations += len(outbox)
