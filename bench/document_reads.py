"""Documents read, counted at the client, for benches that must not trust the store's own count:
on SQLite the rows each statement returned (`SqliteReads`, a counting stand-in for the store's
connection), on Firestore the documents each RPC returned (`FirestoreReads`, a counting stand-in
for the client's API: document gets, transactional gets and query streams all come back through
`batch_get_documents` and `run_query`), and the documents written (`commit`). Both count by
collection (`cases`, `staff`, ...) and count the queries; a Firestore query that returns nothing
is billed one read, which `billed` adds.
"""
from __future__ import annotations

import re
from collections import Counter

_FROM = re.compile(r"\bFROM\s+(\w+)", re.IGNORECASE)
_WRITTEN = re.compile(r"^\s*(?:UPDATE|INSERT\s+(?:OR\s+\w+\s+)?INTO|DELETE\s+FROM)\s+(\w+)",
                      re.IGNORECASE)


class Reads:
    """What was read and written since the last `reset`."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.read: Counter[str] = Counter()  # documents (rows) returned, by collection (table)
        self.written: Counter[str] = Counter()  # documents (rows) written, by collection
        self.queries = 0  # queries run (Firestore: run_query; SQLite: SELECTs of many rows)
        self.empty_queries = 0  # of which returned nothing

    @property
    def billed(self) -> int:
        """Documents read as Firestore bills them: one a document, one for an empty query."""
        return sum(self.read.values()) + self.empty_queries


class SqliteReads(Reads):
    """Installs itself as the store's connection (this thread's): every statement passes
    through, and the rows it returns are counted by the table it reads."""

    def __init__(self, store):
        super().__init__()
        self._db = store._connection()
        store._local.db = self

    def execute(self, sql: str, parameters=()):
        return _CountedCursor(self, sql, self._db.execute(sql, parameters))

    def executemany(self, sql: str, rows):
        cursor = self._db.executemany(sql, rows)
        self._count_written(sql, cursor)
        return cursor

    def __getattr__(self, name: str):
        return getattr(self._db, name)

    def _count_written(self, sql: str, cursor) -> None:
        written = _WRITTEN.match(sql)
        if written and cursor.rowcount > 0:
            self.written[written.group(1)] += cursor.rowcount


class _CountedCursor:
    def __init__(self, reads: SqliteReads, sql: str, cursor):
        self._reads, self._cursor = reads, cursor
        source = _FROM.search(sql)
        self._table = source.group(1) if sql.lstrip().upper().startswith("SELECT") and source else ""
        reads._count_written(sql, cursor)

    def _seen(self, rows: int, query: bool) -> None:
        if self._table:
            self._reads.read[self._table] += rows
            if query:
                self._reads.queries += 1
                self._reads.empty_queries += rows == 0

    def fetchone(self):
        row = self._cursor.fetchone()
        self._seen(row is not None, query=False)
        return row

    def fetchall(self):
        rows = self._cursor.fetchall()
        self._seen(len(rows), query=True)
        return rows

    def __iter__(self):
        return iter(self.fetchall())

    def __getattr__(self, name: str):
        return getattr(self._cursor, name)


class FirestoreReads(Reads):
    """Installs itself as the client's Firestore API: every response passes through and the
    documents in it are counted by their collection."""

    def __init__(self, client):
        super().__init__()
        self._api = client._firestore_api
        client._firestore_api_internal = self

    def batch_get_documents(self, *args, **kwargs):
        for response in self._api.batch_get_documents(*args, **kwargs):
            # A missing document is billed as a read too.
            name = response.found.name if response._pb.HasField("found") else response.missing
            self.read[_collection(name)] += 1
            yield response

    def run_query(self, *args, **kwargs):
        self.queries += 1
        returned = 0
        for response in self._api.run_query(*args, **kwargs):
            if response._pb.HasField("document"):
                returned += 1
                self.read[_collection(response.document.name)] += 1
            yield response
        self.empty_queries += returned == 0

    def commit(self, *args, **kwargs):
        request = kwargs.get("request") or args[0]
        for write in request["writes"] if isinstance(request, dict) else request.writes:
            self.written[_collection(_written(getattr(write, "_pb", write)))] += 1
        return self._api.commit(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._api, name)


def _written(write) -> str:
    """The name of the document a Write protobuf writes."""
    kind = write.WhichOneof("operation")
    return {"update": lambda: write.update.name, "delete": lambda: write.delete}.get(
        kind, lambda: write.transform.document)()


def _collection(name: str) -> str:
    """`cases` of projects/p/databases/d/documents/cases/N (and of cases/N/events/1: `events`)."""
    path = name.split("/documents/", 1)[-1].split("/")
    return path[-2] if len(path) >= 2 else name
