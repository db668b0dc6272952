"""Firestore read a page at a time: the case queues (which filters the server applies, keyset
paging), the deadline sweep's due cases and a case's events.

Firestore serves a query with equality filters and an order on another field only from a composite
index declared in advance (infra/firestore_indexes.tf), at most 200 per database. Every
combination of CaseQuery's nine filters and two orders would need 1022, so the server applies the
largest combination in `SERVER_FILTERS` that the query holds, and the remaining filters are
checked here on what it returns (reading further while a page is not full). A single filter, and
status with department or with assignee (a department's or a handler's queue), run wholly on
the server.

A word search (`CaseQuery.words`) has the server find one term in the case's `search_terms`
array (`array_contains`, newest first: one more composite index); its other terms and the filters
are checked on the results.

Paging orders by one unique text field per order (`records.queue_keys`: the time, then the case
number), so a cursor is a plain `<`/`>` filter on it: no offsets or cursors (the test emulator
ignores those), no ties to break.
"""
from __future__ import annotations

from datetime import datetime
from itertools import combinations

from google.cloud import firestore

from shared.domain.cases import Case, TimelineEvent
from shared.domain.queues import FILTER_FIELDS, CaseQuery, QueueOrder, countable

from . import records

CASES = "cases"
EVENTS = "events"  # cases/{number}/events/{seq}
SEARCH_TERMS = "search_terms"  # the case document's array of its subject's terms
SERVER_FILTERS: tuple[tuple[str, ...], ...] = (
    *((name,) for name in FILTER_FIELDS),
    ("status", "department"),
    ("status", "assignee"),
)
# Order: (key field, direction, the comparison that means "after the cursor", the position
# before the first case). Always filtering on the key also leaves out documents without it (a
# case without a deadline has no due_key), which the emulator's ordering alone would not.
ORDERS = {
    QueueOrder.NEWEST_FIRST: ("received_key", firestore.Query.DESCENDING, "<", "\uffff"),
    QueueOrder.MOST_URGENT_FIRST: ("due_key", firestore.Query.ASCENDING, ">", ""),
    # Only cases with an open follow-up task have the key (R17): the server walks its automatic
    # single-field index, so the queue needs no composite one; filters are checked here.
    QueueOrder.FOLLOW_UP_OLDEST_FIRST: ("follow_up_key", firestore.Query.ASCENDING, ">", ""),
    # Only overdue cases have the key: the whole queue is its single-field index; a department's
    # or a handler's part of it (what a handler lists) has a composite index each.
    QueueOrder.OVERDUE_LONGEST_FIRST: ("overdue_key", firestore.Query.ASCENDING, ">", ""),
    # Only cases where an approval waits have the key (`approvals.awaits_approval`): few, so the
    # inbox walks the automatic single-field index and checks any filter here.
    QueueOrder.APPROVAL_OLDEST_FIRST: ("approval_key", firestore.Query.ASCENDING, ">", ""),
    # Only reports held under the misuse policy and not released have the key (R21): few.
    QueueOrder.HELD_SOONEST_FIRST: ("held_key", firestore.Query.ASCENDING, ">", ""),
}
# The filters the server applies in a queue of few cases (the largest that fits); the others are
# checked here.
_NARROW_SERVED = {QueueOrder.FOLLOW_UP_OLDEST_FIRST: (), QueueOrder.APPROVAL_OLDEST_FIRST: (),
                  QueueOrder.HELD_SOONEST_FIRST: (),
                  QueueOrder.OVERDUE_LONGEST_FIRST: (("department",), ("assignee",))}
_SCAN_FACTOR = 4  # with filters left to check here, read this many times the page per round


def plan(query: CaseQuery) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the filters the server applies, the filters checked on its results). A word search has
    the server look up its leading term (`SEARCH_TERMS`), likelier to be selective than a filter."""
    given = query.filters()
    if query.words:
        return (SEARCH_TERMS,), tuple(given)
    shapes = _NARROW_SERVED.get(query.order, SERVER_FILTERS)
    served = max((shape for shape in shapes if set(shape) <= set(given)), key=len, default=())
    return served, tuple(name for name in given if name not in served)


def issued_shapes() -> set[tuple[tuple[str, ...], str, str]]:
    """Every (equality fields, key field, direction) `queue_query` can send, for the infra
    checks: each needs its composite index."""
    shapes = set()
    for size in range(len(FILTER_FIELDS) + 1):
        for names in combinations(FILTER_FIELDS, size):
            for order, (key, direction, _, _) in ORDERS.items():
                for words in ((), ("x",)) if order is QueueOrder.NEWEST_FIRST else ((),):
                    query = CaseQuery(**{n: "x" for n in names}, order=order, words=words)
                    shapes.add((plan(query)[0], key, direction))
    return shapes


def queue_query(client: firestore.Client, query: CaseQuery, served: tuple[str, ...],
                position: str | None, batch: int):
    """The server's part of `query`: its served filters, starting after `position`."""
    key, direction, beyond, start = ORDERS[query.order]
    values = query.filters()
    found = client.collection(CASES)
    for name in served:
        if name == SEARCH_TERMS:
            found = found.where(filter=firestore.FieldFilter(SEARCH_TERMS, "array_contains",
                                                             query.leading_word()))
        else:
            found = found.where(filter=firestore.FieldFilter(name, "==", values[name]))
    position = start if position is None else position
    if query.received_in is not None:  # newest first: a range of the key the page is ordered by
        since, before = (f"{records.time_text(moment)}|" for moment in query.received_in)
        found = found.where(filter=firestore.FieldFilter(key, ">=", since))
        position = min(position, before)
    if query.held_after is not None:  # holds that ended by themselves are left out (R21)
        position = max(position, f"{records.time_text(query.held_after)}|~")
    found = found.where(filter=firestore.FieldFilter(key, beyond, position))
    return found.order_by(key, direction=direction).limit(batch)


def count(client: firestore.Client, query: CaseQuery) -> int:
    """One aggregation counting what `scan` would list over every page (`queues.countable`:
    the server applies every filter, on an index the queue itself uses)."""
    if not countable(query):
        raise ValueError("not a query counted in one aggregation")
    key, _, beyond, start = ORDERS[query.order]
    found = client.collection(CASES)
    for name, value in query.filters().items():
        found = found.where(filter=firestore.FieldFilter(name, "==", value))
    found = found.where(filter=firestore.FieldFilter(key, beyond, start))
    return int(found.count().get()[0][0].value)


def scan(client: firestore.Client, query: CaseQuery, limit: int,
         after: str | None) -> tuple[list[dict], bool, int]:
    """Up to `limit` matching case records after the cursor, whether more follow, and how many
    documents were read."""
    key = ORDERS[query.order][0]
    served, residual = plan(query)
    values = query.filters()
    words = set(query.words)
    batch = limit + 1 if not residual and len(words) < 2 else _SCAN_FACTOR * limit
    found: list[dict] = []
    reads, position = 0, after
    while len(found) <= limit:
        records = [s.to_dict() for s in queue_query(client, query, served, position, batch).stream()]
        reads += max(1, len(records))
        found += [r for r in records if all(r.get(n) == values[n] for n in residual)
                  and words <= set(r.get(SEARCH_TERMS, ()))]
        if len(records) < batch:
            break
        position = records[-1][key]
    return found[:limit], len(found) > limit, reads


def due(client: firestore.Client, now: datetime, limit: int) -> list[Case]:
    """Cases whose deadline is at or before `now`, the longest overdue first."""
    query = (client.collection(CASES)
             .where(filter=firestore.FieldFilter("due_key", "<=", f"{records.time_text(now)}|~"))
             .order_by("due_key").limit(limit))
    return [_as_read(snapshot) for snapshot in query.stream()]


def _as_read(snapshot) -> Case:
    """The case with the version it was read at and its document (`update_case_as_read` writes
    only over that version, keeping what only the document knows)."""
    record = snapshot.to_dict()
    case = records.case_from_record(record)
    case.stored_as = (snapshot.update_time, record)
    return case


_LAST_SEQ = 2**53


def event_page(client: firestore.Client, number: str, public_only: bool, after_seq: int,
               limit: int) -> list[TimelineEvent]:
    """Up to `limit` events of the case after `after_seq`, oldest first."""
    # Sequence numbers are counted one by one from 1, so none passes 2**53 (which also bounds the
    # test emulator's exact integers, and Firestore's own are 64-bit): nothing is after a cursor
    # beyond it, and the query would be refused.
    if after_seq >= _LAST_SEQ:
        return []
    after_seq = max(after_seq, 0)  # below 0: from the start
    events = client.collection(CASES).document(number)
    if public_only:
        query = (events.collection(EVENTS)
                 .where(filter=firestore.FieldFilter("public", "==", True))
                 .where(filter=firestore.FieldFilter("seq", ">", after_seq))
                 .order_by("seq").limit(limit))
    else:
        query = (events.collection(EVENTS)
                 .where(filter=firestore.FieldFilter("seq", ">", after_seq))
                 .order_by("seq").limit(limit))
    return [records.event_from_record(s.to_dict()) for s in query.stream()]
