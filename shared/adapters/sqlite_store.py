"""The embedded case store: SQLite in WAL mode. Each case is a JSON document beside the columns
its queues filter and order on; its events are rows of `events`; the schema and its migrations
are in `sqlite_schema`, the paged reads in `sqlite_queues`, inbound mail (`mail_index`, `held_mail`)
in `sqlite_inbound_mail` and the rate-limit counters in `sqlite_rate_limits`; this store runs their
statements in its transactions and counts the operations.

Every write runs in a `BEGIN IMMEDIATE` transaction, which takes SQLite's write lock up front, so a
read-modify-write can never lose an update to a concurrent writer. Commits are synced (FULL) unless
told otherwise, and the process's writers queue on one lock before it (`sqlite_writers`).
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, tzinfo
from pathlib import Path

from shared.domain.cases import Case, HeldMail, MailRecord, ReporterIdentity, TimelineEvent
from shared.domain.errors import CaseNotFound, CaseNumberTaken
from shared.domain.outbox import OutboxMessage
from shared.domain.queues import CasePage, CaseQuery
from shared.domain.rate_limits import CounterSlot
from shared.domain.statistics_counters import STATISTICS_ZONE, Facts

from . import (
    records,
    sqlite_identity_purge,
    sqlite_inbound_mail,
    sqlite_queues,
    sqlite_rate_limits,
    sqlite_statistics,
    sqlite_writers,
)
from .sqlite_case_as_read import SqliteCaseAsRead
from .sqlite_disclosures import SqliteDisclosures
from .sqlite_failed_mail import SqliteFailedMail
from .sqlite_inbound_mail import SqliteHeldMail
from .sqlite_outbox_waiting import SqliteOutboxWaiting
from .sqlite_period_mail import SqlitePeriodMail
from .sqlite_reporter_marks import SqliteReporterMarks
from .sqlite_schema import (
    CASE_COLUMNS,
    DERIVED_COLUMNS,
    case_columns,
    derived_columns,
    dump,
    event_row,
    migrate,
)
from .sqlite_sessions import SqliteSessions
from .sqlite_staff import SqliteStaff

# Set by every write; the reporter's email hash only at registration.
_UPDATED_COLUMNS = tuple(c for c in CASE_COLUMNS if c != "reporter_email_hash") + DERIVED_COLUMNS


class SqliteCaseStore(SqliteStaff, SqliteSessions, SqliteHeldMail, SqliteReporterMarks,
                      SqliteFailedMail, SqliteCaseAsRead, SqlitePeriodMail,
                      SqliteDisclosures, SqliteOutboxWaiting):
    """CaseStore on one SQLite file (or ':memory:'-like temporary files in tests)."""

    def __init__(self, path: str | Path, statistics_zone: tzinfo = STATISTICS_ZONE,
                 synchronous: str = "full", writer_lock: bool = True,
                 busy_timeout: float | None = None):
        """`synchronous`: "full" (each commit on disk when it returns) or "normal" (WAL's
        default: synced at checkpoints); `writer_lock`: this process's writers queue on a lock
        before `BEGIN IMMEDIATE` (off: SQLite's busy handler alone, for the load bench);
        `busy_timeout`: how long a writer waits for another process's lock before the call
        fails as an outage (`CD_STORE_WAIT_SECONDS`; None: `sqlite_writers.BUSY_TIMEOUT_SECONDS`)."""
        self._path = str(path)
        self._busy_timeout = busy_timeout  # how long a call waits for another writer's lock
        self.statistics_zone = statistics_zone  # the calendar the counters' days are on
        self._synchronous = synchronous
        self._writers = sqlite_writers.writer_lock(self._path) if writer_lock else None
        self._local = threading.local()
        with sqlite_writers.one_writer(self._writers):
            self.schema_version = migrate(self._connection())
        self.operations = 0  # store round trips, for bench/

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = sqlite_writers.open_connection(self._path, self._synchronous,
                                                                 self._busy_timeout)
        return db

    @contextmanager
    def _transaction(self, synced: bool = True) -> Iterator[sqlite3.Connection]:
        """A write transaction. `synced=False` (the outbox's own bookkeeping) lets its commit
        wait for the next synced one (`sqlite_writers.unsynced`)."""
        db = self._connection()
        self._local.queue_columns = {}  # what this transaction read of cases' queue columns
        with sqlite_writers.one_writer(self._writers), \
                sqlite_writers.unsynced(db, not synced and self._synchronous == "full"):
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _read(self, table: str, key_column: str, key: str) -> dict | None:
        self.operations += 1
        row = self._connection().execute(
            f"SELECT doc FROM {table} WHERE {key_column} = ?", (key,)
        ).fetchone()
        return json.loads(row[0]) if row else None

    # -- cases -------------------------------------------------------------------------------

    def register(self, case: Case, identity: ReporterIdentity, outbox: list[OutboxMessage],
                 mail_keys: Sequence[str] = (), counters: Sequence[CounterSlot] = ()):
        with self._transaction() as db:
            self._claim_mail_keys(db, mail_keys, MailRecord(case_number=case.number))
            self._count(db, counters)
            self._insert_case(db, case, identity)
            self._insert_outbox(db, outbox)
        case.new_events.clear()

    def get_case(self, number: str) -> Case | None:
        record = self._read("cases", "number", number)
        return records.case_from_record(record) if record else None

    def get_identity(self, number: str) -> ReporterIdentity | None:
        record = self._read("reporter_identities", "number", number)
        return records.identity_from_record(record) if record else None

    def update_case(self, number, change: Callable[[Case], list[OutboxMessage] | None],
                    mail_keys: Sequence[str] = ()) -> Case:
        with self._transaction() as db:
            case = self._case_in(db, number)
            if case is None:
                raise CaseNotFound(number)
            indexed = sqlite_queues.indexed(case)
            self._claim_mail_keys(db, mail_keys, MailRecord(case_number=number))
            new_outbox = change(case) or []
            self._write_case(db, case, indexed)
            self._insert_outbox(db, new_outbox)
        case.new_events.clear()
        return case

    def case_events(self, number: str, *, public_only: bool, after_seq: int = 0,
                    limit: int = 50) -> list[TimelineEvent]:
        self.operations += 1
        return sqlite_queues.case_events(self._connection(), number, public_only, after_seq, limit)

    # -- queues ------------------------------------------------------------------------------

    def find_cases(self, query: CaseQuery, limit: int = 50, after: str | None = None) -> CasePage:
        self.operations += 1
        return sqlite_queues.find_cases(self._connection(), query, limit, after)

    def count_cases(self, query: CaseQuery) -> int:
        self.operations += 1
        return sqlite_queues.count_cases(self._connection(), query)

    def due_cases(self, now: datetime, limit: int) -> list[Case]:
        self.operations += 1
        return sqlite_queues.due_cases(self._connection(), now, limit)

    # -- outbox ------------------------------------------------------------------------------

    def get_outbox(self, message_id: str) -> OutboxMessage | None:
        record = self._read("outbox", "id", message_id)
        return records.outbox_from_record(record) if record else None

    def update_outbox(self, message_id, change: Callable[[OutboxMessage, Case], bool],
                      mail_keys: Sequence[str] = (), synced: bool = True):
        with self._transaction(synced) as db:
            self.operations += 1
            row = db.execute("SELECT doc FROM outbox WHERE id = ?", (message_id,)).fetchone()
            if row is None:
                return None
            message = records.outbox_from_record(json.loads(row[0]))
            if not message.case_number:  # mail of no case (a period's bulletin): the entry only
                if not change(message, None):
                    return None
                self._upsert_outbox(db, message)
                return message
            stored = self._case_record_in(db, message.case_number)
            if stored is None:
                return None
            case = records.case_from_record(stored)
            indexed = sqlite_queues.indexed(case)
            if not change(message, case):
                return None
            if records.case_changed(case, stored):  # a claim leaves it as it was (issue 12)
                self._write_case(db, case, indexed)
            self._upsert_outbox(db, message)
            for key in mail_keys:
                self.operations += 1
                sqlite_inbound_mail.mark_sent(db, key, case.number)
        case.new_events.clear()
        return message

    def due_outbox(self, now: datetime, limit: int) -> list[OutboxMessage]:
        self.operations += 1
        rows = self._connection().execute(
            "SELECT doc FROM outbox WHERE awaiting = 1 AND due_at <= ? ORDER BY due_at LIMIT ?",
            (records.time_text(now), limit),
        ).fetchall()
        return [records.outbox_from_record(json.loads(r[0])) for r in rows]

    # -- inbound mail and rate limits (their statements in their own modules) ----------------

    def find_mail(self, key: str) -> MailRecord | None:
        self.operations += 1
        return sqlite_inbound_mail.find(self._connection(), key)

    def hold_mail(self, held: HeldMail, mail_keys: Sequence[str]) -> None:
        with self._transaction() as db:
            self._claim_mail_keys(db, mail_keys, MailRecord(held_id=held.id))
            self.operations += 1
            sqlite_inbound_mail.hold(db, held)

    def held_mail(self, limit: int) -> list[HeldMail]:
        self.operations += 1
        return sqlite_inbound_mail.held(self._connection(), limit)

    def count_hit(self, slot: CounterSlot) -> int:
        with self._transaction() as db:
            self._count(db, [slot])
            return sqlite_rate_limits.count(db, slot)

    def read_counters(self, slots: Sequence[CounterSlot]) -> list[int]:
        self.operations += 1
        return sqlite_rate_limits.read(self._connection(), slots)

    def statistics_counts(self, start: date, end: date) -> dict[date, dict[str, int]]:
        self.operations += 1
        return sqlite_statistics.read(self._connection(), start, end)

    def replace_statistics_counts(self, days: dict[date, dict[str, int]]) -> None:
        with self._transaction() as db:
            self.operations += 2
            sqlite_statistics.replace_all(db, days)

    def _claim_mail_keys(self, db, keys: Sequence[str], target: MailRecord) -> None:
        for key in keys:
            self.operations += 1  # counted before the check: a known key cost a read too
            sqlite_inbound_mail.claim(db, key, target)

    def _count(self, db: sqlite3.Connection, slots: Sequence[CounterSlot]) -> None:
        """Count one more in each slot; LimitReached when a limited one is at its limit (the
        caller's transaction then rolls back, so nothing is counted)."""
        for slot in slots:
            self.operations += 1
            sqlite_rate_limits.count_one_more(db, slot)
        if slots:
            sqlite_rate_limits.sweep(db, slots[0].expires_at)

    # -- writes inside the transactions ----------------------------------------------------

    def _case_in(self, db: sqlite3.Connection, number: str) -> Case | None:
        record = self._case_record_in(db, number)
        return records.case_from_record(record) if record else None

    def _case_record_in(self, db: sqlite3.Connection, number: str) -> dict | None:
        """The case's document, read in the current transaction (its queue columns too, kept
        for its write: `_changed_columns`)."""
        self.operations += 1
        row = db.execute(f"SELECT doc, {', '.join(_UPDATED_COLUMNS)} FROM cases WHERE number = ?",
                         (number,)).fetchone()
        if row is None:
            return None
        self._local.__dict__.setdefault("queue_columns", {})[number] = row[1:]
        return json.loads(row[0])

    def _insert_case(self, db: sqlite3.Connection, case: Case, identity: ReporterIdentity) -> None:
        """The new case's row, its first events and its private record."""
        self.operations += 1
        try:
            db.execute(
                f"INSERT INTO cases (number, doc, {', '.join(CASE_COLUMNS + DERIVED_COLUMNS)}) "
                f"VALUES (?, ?{', ?' * len(CASE_COLUMNS + DERIVED_COLUMNS)})",
                (case.number, dump(records.case_to_record(case)), *case_columns(case, identity.email),
                 *derived_columns(case)),
            )
        except sqlite3.IntegrityError as exc:
            raise CaseNumberTaken(case.number) from exc
        self.operations += sqlite_queues.write_terms(db, case, None)
        self._count_statistics(db, case, None)
        self._insert_events(db, case)
        self.operations += 1
        db.execute("INSERT INTO reporter_identities (number, doc) VALUES (?, ?)",
                   (case.number, dump(records.identity_to_record(identity))))

    def _write_case(self, db: sqlite3.Connection, case: Case, indexed: tuple[str, str],
                    unless_changed_from: str | None = None) -> bool:
        """Rewrite the case row (its search terms too when what they are cut from changed since
        `indexed` was taken: `sqlite_queues.indexed`) and append its new events. With
        `unless_changed_from` (the document as read), only if the row still holds it: returns
        whether it was written."""
        changed = self._changed_columns(case)
        self.operations += 1
        unchanged = "" if unless_changed_from is None else " AND doc = ?"
        written = db.execute(
            f"UPDATE cases SET {', '.join(c + ' = ?' for c in ['doc', *changed])} "
            f"WHERE number = ?{unchanged}",
            (dump(records.case_to_record(case)), *changed.values(), case.number,
             *([] if unless_changed_from is None else [unless_changed_from])),
        ).rowcount == 1
        if written:
            self.operations += sqlite_queues.write_terms(db, case, indexed)
            self._count_statistics(db, case, case.counted_as or Facts.of(case))
            self._insert_events(db, case)
            if case.purge is not None:  # the private record's purge (retention), in this write
                self.operations += sqlite_identity_purge.purge(db, case)
        return written

    def _changed_columns(self, case: Case) -> dict[str, object]:
        """The queue columns to set: those whose values differ from what this transaction read
        of the row; all of them for a case it did not read (one written as read). SQLite
        rewrites the entries of every index on a column an UPDATE sets, changed or not: setting
        all of them cost a case write some 0.1 ms for its 22 indexes (issue 12)."""
        values = dict(zip(_UPDATED_COLUMNS, (*case_columns(case, "")[:-1], *derived_columns(case)),
                          strict=True))
        stored = self._local.__dict__.get("queue_columns", {}).pop(case.number, None)
        if stored is None:
            return values
        return {c: v for (c, v), old in zip(values.items(), stored, strict=True) if v != old}

    def _count_statistics(self, db: sqlite3.Connection, case: Case, before: Facts | None) -> None:
        """The statistics counters its new events move, in the same transaction (R19)."""
        self.operations += sqlite_statistics.count(db, case, before, self.statistics_zone)
        case.counted_as = Facts.of(case)

    def _insert_events(self, db: sqlite3.Connection, case: Case) -> None:
        """Append the case's new events (append-only: a sequence number taken twice fails)."""
        self.operations += len(case.new_events)
        db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [event_row(case.number, e) for e in case.new_events])

    def _insert_outbox(self, db: sqlite3.Connection, outbox: list[OutboxMessage]) -> None:
        for message in outbox:
            self.operations += 1
            record = records.outbox_to_record(message)
            db.execute(
                "INSERT INTO outbox (id, case_number, awaiting, due_at, failed_key, doc) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (message.id, message.case_number, record["awaiting"], record["due_at"],
                 record.get("failed_key"), dump(record)),
            )

    def _upsert_outbox(self, db: sqlite3.Connection, message: OutboxMessage) -> None:
        self.operations += 1
        record = records.outbox_to_record(message)
        db.execute(
            "UPDATE outbox SET awaiting = ?, due_at = ?, failed_key = ?, doc = ? WHERE id = ?",
            (record["awaiting"], record["due_at"], record.get("failed_key"), dump(record),
             message.id),
        )

