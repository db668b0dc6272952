"""The CaseStore contract for limited counter slots: checked and counted in the registration's own
transaction, so no flood of concurrent registrations passes a limit. On both stores."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from shared.domain.errors import LimitReached
from shared.domain.queues import CaseQuery
from shared.domain.rate_limits import counter_slot
from tests.conftest import START
from tests.support.builders import a_case, an_identity, an_outbox_message, unique_number

HOUR = timedelta(hours=1)


def register(store, slots):
    number = unique_number()
    store.register(a_case(number, START), an_identity(number), [an_outbox_message(number, START)],
                   counters=slots)
    return number


@pytest.mark.slow
def test_a_hundred_concurrent_registrations_from_one_client_give_exactly_the_limit(store):
    client = counter_slot(f"submit-{unique_number()}", HOUR, START, limit=20)
    unlimited = counter_slot(f"all-{unique_number()}", HOUR, START)
    outcomes: list[str] = []
    start = threading.Barrier(100)

    def post():
        start.wait()
        try:
            register(store, [client, unlimited])
            outcomes.append("registered")
        except LimitReached as refused:
            outcomes.append(refused.slot_id)
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=post) for _ in range(100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(outcomes)) == sorted({"registered", client.id})
    assert outcomes.count("registered") == 20
    assert store.read_counters([client, unlimited]) == [20, 20]  # refused ones counted nothing
    assert len(store.find_cases(CaseQuery(), limit=200).cases) == 20


def test_a_refused_registration_writes_nothing(store):
    address = counter_slot(f"ack-{unique_number()}", HOUR, START, limit=1)
    other = counter_slot(f"client-{unique_number()}", HOUR, START)
    register(store, [address])
    number = unique_number()
    message = an_outbox_message(number, START)
    with pytest.raises(LimitReached) as refused:
        store.register(a_case(number, START), an_identity(number), [message],
                       mail_keys=[f"mid:{number}"], counters=[other, address])
    assert refused.value.slot_id == address.id
    assert store.get_case(number) is None and store.get_identity(number) is None
    assert store.get_outbox(message.id) is None and store.find_mail(f"mid:{number}") is None
    assert store.read_counters([address, other]) == [1, 0]


def test_a_slot_counted_twice_in_one_registration_counts_against_its_limit_twice(store):
    slot = counter_slot(f"k-{unique_number()}", HOUR, START, limit=3)
    register(store, [slot, slot])
    with pytest.raises(LimitReached):
        register(store, [slot, slot])
    register(store, [slot])
    assert store.read_counters([slot]) == [3]


def test_each_window_has_its_own_count(store):
    key = f"k-{unique_number()}"
    register(store, [counter_slot(key, HOUR, START, limit=1)])
    with pytest.raises(LimitReached):
        register(store, [counter_slot(key, HOUR, START, limit=1)])
    register(store, [counter_slot(key, HOUR, START + HOUR, limit=1)])


@pytest.mark.parametrize("limit", [0, 1])
def test_a_slot_takes_exactly_its_limit_even_zero(store, limit):
    slot = counter_slot(f"k-{unique_number()}", HOUR, START, limit=limit)
    for _ in range(limit):
        register(store, [slot])
    with pytest.raises(LimitReached):
        register(store, [slot])
    assert store.read_counters([slot]) == [limit]
