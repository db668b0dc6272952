"""The embedded case store: SQLite in WAL mode. Each case is a JSON document beside the columns
its queues filter and order on; its events are rows of `events`; the schema and its migrations
are in `sqlite_schema`.

Every write runs in a `BEGIN IMMEDIATE` transaction, which takes SQLite's write lock up front, so a
read-modify-write can never lose an update to a concurrent writer.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from shared.domain.cases import Case, HeldMail, MailRecord, ReporterIdentity, TimelineEvent
from shared.domain.errors import CaseNotFound, CaseNumberTaken, LimitReached, MailAlreadyRecorded
from shared.domain.outbox import OutboxMessage
from shared.domain.queues import CasePage, CaseQuery
from shared.domain.rate_limits import CounterSlot

from . import records, sqlite_queues
from .sqlite_schema import CASE_COLUMNS, case_columns, dump, event_row, migrate

_LONGEST_WINDOW = timedelta(days=1)  # slots older than this are swept away
_UPDATED_COLUMNS = tuple(c for c in CASE_COLUMNS if c != "reporter_email_hash")  # set at register


class SqliteCaseStore:
    """CaseStore on one SQLite file (or ':memory:'-like temporary files in tests)."""

    def __init__(self, path: str | Path):
        self._path = str(path)
        self._local = threading.local()
        self.schema_version = migrate(self._connection())
        self.operations = 0  # store round trips, for bench/

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self._path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA busy_timeout=30000")
            self._local.db = db
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
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
            self.operations += 1
            try:
                db.execute(
                    f"INSERT INTO cases (number, doc, {', '.join(CASE_COLUMNS)}) "
                    f"VALUES (?, ?{', ?' * len(CASE_COLUMNS)})",
                    (case.number, dump(records.case_to_record(case)),
                     *case_columns(case, identity.email)),
                )
            except sqlite3.IntegrityError as exc:
                raise CaseNumberTaken(case.number) from exc
            self._insert_events(db, case)
            self.operations += 1
            db.execute(
                "INSERT INTO reporter_identities (number, doc) VALUES (?, ?)",
                (case.number, dump(records.identity_to_record(identity))),
            )
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
            self._claim_mail_keys(db, mail_keys, MailRecord(case_number=number))
            new_outbox = change(case) or []
            self._write_case(db, case)
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

    def due_cases(self, now: datetime, limit: int) -> list[Case]:
        self.operations += 1
        return sqlite_queues.due_cases(self._connection(), now, limit)

    # -- outbox ------------------------------------------------------------------------------

    def get_outbox(self, message_id: str) -> OutboxMessage | None:
        record = self._read("outbox", "id", message_id)
        return records.outbox_from_record(record) if record else None

    def update_outbox(self, message_id, change: Callable[[OutboxMessage, Case], bool],
                      mail_keys: Sequence[str] = ()):
        with self._transaction() as db:
            self.operations += 1
            row = db.execute("SELECT doc FROM outbox WHERE id = ?", (message_id,)).fetchone()
            if row is None:
                return None
            message = records.outbox_from_record(json.loads(row[0]))
            case = self._case_in(db, message.case_number)
            if case is None or not change(message, case):
                return None
            self._write_case(db, case)
            self._upsert_outbox(db, message)
            for key in mail_keys:
                self.operations += 1
                db.execute("INSERT OR REPLACE INTO mail_index VALUES (?, ?, '', 1)",
                           (key, case.number))
        case.new_events.clear()
        return message

    def due_outbox(self, now: datetime, limit: int) -> list[OutboxMessage]:
        self.operations += 1
        rows = self._connection().execute(
            "SELECT doc FROM outbox WHERE awaiting = 1 AND due_at <= ? ORDER BY due_at LIMIT ?",
            (records.time_text(now), limit),
        ).fetchall()
        return [records.outbox_from_record(json.loads(r[0])) for r in rows]

    # -- inbound mail ------------------------------------------------------------------------

    def find_mail(self, key: str) -> MailRecord | None:
        self.operations += 1
        row = self._connection().execute(
            "SELECT case_number, held_id, sent FROM mail_index WHERE key = ?", (key,)).fetchone()
        return MailRecord(row[0], row[1], bool(row[2])) if row else None

    def hold_mail(self, held: HeldMail, mail_keys: Sequence[str]) -> None:
        with self._transaction() as db:
            self._claim_mail_keys(db, mail_keys, MailRecord(held_id=held.id))
            self.operations += 1
            db.execute("INSERT INTO held_mail (id, received_at, doc) VALUES (?, ?, ?)",
                       (held.id, records.time_text(held.received_at),
                        dump(records.held_to_record(held))))

    def held_mail(self, limit: int) -> list[HeldMail]:
        self.operations += 1
        rows = self._connection().execute(
            "SELECT doc FROM held_mail ORDER BY received_at DESC LIMIT ?", (limit,)).fetchall()
        return [records.held_from_record(json.loads(r[0])) for r in rows]

    def _claim_mail_keys(self, db, keys: Sequence[str], target: MailRecord) -> None:
        for key in keys:
            self.operations += 1
            if db.execute("SELECT 1 FROM mail_index WHERE key = ?", (key,)).fetchone():
                raise MailAlreadyRecorded(key)
            db.execute("INSERT INTO mail_index VALUES (?, ?, ?, 0)",
                       (key, target.case_number, target.held_id))

    # -- rate limits -------------------------------------------------------------------------

    def count_hit(self, slot: CounterSlot) -> int:
        with self._transaction() as db:
            self._count(db, [slot])
            return db.execute("SELECT count FROM hit_counters WHERE key = ?",
                              (slot.id,)).fetchone()[0]

    def read_counters(self, slots: Sequence[CounterSlot]) -> list[int]:
        self.operations += 1
        db = self._connection()
        found = {}
        for slot in slots:
            row = db.execute("SELECT count FROM hit_counters WHERE key = ?", (slot.id,)).fetchone()
            found[slot.id] = row[0] if row else 0
        return [found[slot.id] for slot in slots]

    def _count(self, db: sqlite3.Connection, slots: Sequence[CounterSlot]) -> None:
        """Count one more in each slot; LimitReached when a limited one is at its limit (the
        caller's transaction then rolls back, so nothing is counted)."""
        for slot in slots:
            self.operations += 1
            if slot.limit is not None:
                row = db.execute("SELECT count FROM hit_counters WHERE key = ?",
                                 (slot.id,)).fetchone()
                if row and row[0] >= slot.limit:
                    raise LimitReached(slot.id)
            db.execute(
                "INSERT INTO hit_counters (key, count, expires_at) VALUES (?, 1, ?) "
                "ON CONFLICT(key) DO UPDATE SET count = count + 1",
                (slot.id, records.time_text(slot.expires_at)))
        if slots:
            db.execute("DELETE FROM hit_counters WHERE expires_at < ?",
                       (records.time_text(slots[0].expires_at - _LONGEST_WINDOW),))

    # -- helpers -----------------------------------------------------------------------------

    def _case_in(self, db: sqlite3.Connection, number: str) -> Case | None:
        self.operations += 1
        row = db.execute("SELECT doc FROM cases WHERE number = ?", (number,)).fetchone()
        return records.case_from_record(json.loads(row[0])) if row else None

    def _write_case(self, db: sqlite3.Connection, case: Case) -> None:
        self.operations += 1
        db.execute(
            f"UPDATE cases SET doc = ?, {', '.join(c + ' = ?' for c in _UPDATED_COLUMNS)} "
            "WHERE number = ?",
            (dump(records.case_to_record(case)), *case_columns(case, "")[:-1], case.number),
        )
        self._insert_events(db, case)

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
                "INSERT INTO outbox (id, case_number, awaiting, due_at, doc) VALUES (?, ?, ?, ?, ?)",
                (message.id, message.case_number, record["awaiting"], record["due_at"], dump(record)),
            )

    def _upsert_outbox(self, db: sqlite3.Connection, message: OutboxMessage) -> None:
        self.operations += 1
        record = records.outbox_to_record(message)
        db.execute(
            "UPDATE outbox SET awaiting = ?, due_at = ?, doc = ? WHERE id = ?",
            (record["awaiting"], record["due_at"], dump(record), message.id),
        )

