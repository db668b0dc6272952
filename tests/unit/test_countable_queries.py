"""Every query a store counts in one aggregation (`queues.countable`) is one Firestore serves
wholly from an index the queue itself already declares (infra/firestore_indexes.tf, held to
`firestore_queue.issued_shapes` by the infra tests): a count never needs an index of its own."""
from __future__ import annotations

from itertools import combinations

from shared.adapters import firestore_queue
from shared.domain.queues import FILTER_FIELDS, CaseQuery, QueueOrder, countable


def test_what_is_counted_is_served_whole_by_a_declared_index():
    issued = firestore_queue.issued_shapes()
    counted = 0
    for size in range(3):
        for names in combinations(FILTER_FIELDS, size):
            for order in QueueOrder:
                query = CaseQuery(**{name: "x" for name in names}, order=order)
                if not countable(query):
                    continue
                served, residual = firestore_queue.plan(query)
                key, direction = firestore_queue.ORDERS[order][:2]
                assert residual == () and (served, key, direction) in issued, (names, order)
                counted += 1
    assert counted > len(FILTER_FIELDS)  # the console's shapes are among them


def test_words_and_receipt_years_are_never_counted():
    assert not countable(CaseQuery(words=("退款",)))
    assert not countable(CaseQuery(status="received", department="a", assignee="b"))
