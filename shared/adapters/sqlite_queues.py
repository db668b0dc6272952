"""Reading the SQLite store a page at a time: a case's events and the case queues (keyset paging
on indexed columns, `sqlite_schema`), and the word index (`case_terms`) the store keeps in step
with every case it writes."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from shared.domain.cases import Case, TimelineEvent
from shared.domain.queues import CasePage, CaseQuery, QueueOrder, checked_page_size, countable

from . import records
from .sqlite_schema import INSERT_TERMS, term_rows

# Order: (column, direction, the comparison that means "after the cursor", the cursor's key).
_ORDERS = {QueueOrder.NEWEST_FIRST: ("received_at", "DESC", "<", "received_key"),
           QueueOrder.MOST_URGENT_FIRST: ("next_due_at", "ASC", ">", "due_key"),
           QueueOrder.FOLLOW_UP_OLDEST_FIRST: ("follow_up_at", "ASC", ">", "follow_up_key"),
           QueueOrder.OVERDUE_LONGEST_FIRST: ("overdue_since", "ASC", ">", "overdue_key"),
           QueueOrder.APPROVAL_OLDEST_FIRST: ("approval_at", "ASC", ">", "approval_key"),
           QueueOrder.HELD_SOONEST_FIRST: ("held_until", "ASC", ">", "held_key")}


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
    if query.words:
        return _find_by_words(db, query, limit, after)
    column, direction, beyond, key = _ORDERS[query.order]
    filters = query.filters()
    where = [f"{name} = ?" for name in filters]
    params: list = list(filters.values())
    if query.order is QueueOrder.MOST_URGENT_FIRST:
        where.append("next_due_at IS NOT NULL")
    if query.received_in is not None:  # a range of the ordering column: the same index
        where.append("received_at >= ? AND received_at < ?")
        params.extend(records.time_text(moment) for moment in query.received_in)
    if query.order in (QueueOrder.FOLLOW_UP_OLDEST_FIRST, QueueOrder.OVERDUE_LONGEST_FIRST,
                       QueueOrder.APPROVAL_OLDEST_FIRST, QueueOrder.HELD_SOONEST_FIRST):
        where.append(f"{column} IS NOT NULL")  # its partial index: the queue's cases only
    if query.held_after is not None:  # a range of the ordering column: the same index
        where.append("held_until > ?")
        params.append(records.time_text(query.held_after))
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


def count_cases(db: sqlite3.Connection, query: CaseQuery) -> int:
    """`SELECT COUNT` of what `find_cases` lists, on the same indexes (`queues.countable`)."""
    if not countable(query):
        raise ValueError("not a query counted in one aggregation")
    column = _ORDERS[query.order][0]
    filters = query.filters()
    where = [f"{name} = ?" for name in filters]
    if query.order is not QueueOrder.NEWEST_FIRST:  # the ordering column's cases only
        where.append(f"{column} IS NOT NULL")
    row = db.execute(f"SELECT COUNT(*) FROM cases WHERE {' AND '.join(where) or 'TRUE'}",
                     tuple(filters.values())).fetchone()
    return int(row[0])


def _find_by_words(db: sqlite3.Connection, query: CaseQuery, limit: int,
                   after: str | None) -> CasePage:
    """Newest first along the leading term's rows of `case_terms` (its key's order: no sort), each
    further term an indexed lookup of the same row key, the filters checked on the case row."""
    leading = query.leading_word()
    where, params = ["t.term = ?"], [leading]
    for term in dict.fromkeys(query.words):
        if term != leading:
            where.append("EXISTS (SELECT 1 FROM case_terms o WHERE o.term = ? "
                         "AND o.received_at = t.received_at AND o.number = t.number)")
            params.append(term)
    for name, value in query.filters().items():
        where.append(f"c.{name} = ?")
        params.append(value)
    if query.received_in is not None:  # within the leading term's rows, by their key
        where.append("t.received_at >= ? AND t.received_at < ?")
        params.extend(records.time_text(moment) for moment in query.received_in)
    if after is not None:
        where.append("(t.received_at, t.number) < (?, ?)")
        params.extend(records.cursor_position(after))
    rows = db.execute(
        "SELECT c.doc FROM case_terms t CROSS JOIN cases c ON c.number = t.number "
        f"WHERE {' AND '.join(where)} ORDER BY t.received_at DESC, t.number DESC LIMIT ?",
        (*params, checked_page_size(limit) + 1)).fetchall()
    cases = [records.case_from_record(json.loads(r[0])) for r in rows[:limit]]
    more = len(rows) > limit
    return CasePage(cases, records.queue_keys(cases[-1])["received_key"] if more else None)


def indexed(case: Case) -> tuple[str, str]:
    """What a case's rows in `case_terms` are cut from: its receipt time (as stored) and subject."""
    return records.time_text(case.received_at), case.subject


def write_terms(db: sqlite3.Connection, case: Case, before: tuple[str, str] | None) -> int:
    """Bring the case's `case_terms` rows in step with it: all of them for a new case (`before`
    None), none when what they are cut from is as `before`, else the old ones replaced. Returns
    the statements run, for the store's count."""
    now = indexed(case)
    if now == before:
        return 0
    if before is not None:
        db.executemany("DELETE FROM case_terms WHERE term = ? AND received_at = ? AND number = ?",
                       term_rows(case.number, *before))
    db.executemany(INSERT_TERMS, term_rows(case.number, *now))
    return 1 if before is None else 2


def due_cases(db: sqlite3.Connection, now: datetime, limit: int) -> list[Case]:
    rows = db.execute(
        "SELECT doc FROM cases WHERE next_due_at IS NOT NULL AND next_due_at <= ? "
        "ORDER BY next_due_at, number LIMIT ?",
        (records.time_text(now), checked_page_size(limit))).fetchall()
    return [_as_read(r[0]) for r in rows]


def _as_read(doc: str) -> Case:
    """The case with the document it was read as: `update_case_as_read` writes only over it."""
    case = records.case_from_record(json.loads(doc))
    case.stored_as = doc
    return case
