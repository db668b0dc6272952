"""Reading the SQLite store a page at a time: a case's events and the case queues (keyset paging
on indexed columns, `sqlite_schema`)."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from shared.domain.cases import Case, TimelineEvent
from shared.domain.queues import CasePage, CaseQuery, QueueOrder, checked_page_size

from . import records

# Order: (column, direction, the comparison that means "after the cursor", the cursor's key).
_ORDERS = {QueueOrder.NEWEST_FIRST: ("received_at", "DESC", "<", "received_key"),
           QueueOrder.MOST_URGENT_FIRST: ("next_due_at", "ASC", ">", "due_key")}


_LAST_SEQ = 2**63 - 1  # SQLite's largest integer; a larger parameter raises OverflowError


def case_events(db: sqlite3.Connection, number: str, public_only: bool, after_seq: int,
                limit: int) -> list[TimelineEvent]:
    after_seq = min(max(after_seq, 0), _LAST_SEQ)  # below 0: from the start; above: nothing
    rows = db.execute(
        "SELECT doc FROM events WHERE case_number = ? AND seq > ? "
        f"{'AND public = 1 ' if public_only else ''}ORDER BY seq LIMIT ?",
        (number, after_seq, checked_page_size(limit))).fetchall()
    return [records.event_from_record(json.loads(r[0])) for r in rows]


def find_cases(db: sqlite3.Connection, query: CaseQuery, limit: int, after: str | None) -> CasePage:
    column, direction, beyond, key = _ORDERS[query.order]
    filters = query.filters()
    where = [f"{name} = ?" for name in filters]
    params: list = list(filters.values())
    if query.order is QueueOrder.MOST_URGENT_FIRST:
        where.append("next_due_at IS NOT NULL")
    if after is not None:
        where.append(f"({column}, number) {beyond} (?, ?)")
        params.extend(records.cursor_position(after))
    # One more than the page: whether a next page exists, without an empty last page.
    rows = db.execute(
        f"SELECT doc FROM cases WHERE {' AND '.join(where) or 'TRUE'} "
        f"ORDER BY {column} {direction}, number {direction} LIMIT ?",
        (*params, checked_page_size(limit) + 1)).fetchall()
    cases = [records.case_from_record(json.loads(r[0])) for r in rows[:limit]]
    return CasePage(cases, records.queue_keys(cases[-1])[key] if len(rows) > limit else None)


def due_cases(db: sqlite3.Connection, now: datetime, limit: int) -> list[Case]:
    rows = db.execute(
        "SELECT doc FROM cases WHERE next_due_at IS NOT NULL AND next_due_at <= ? "
        "ORDER BY next_due_at, number LIMIT ?",
        (records.time_text(now), checked_page_size(limit))).fetchall()
    return [records.case_from_record(json.loads(r[0])) for r in rows]
