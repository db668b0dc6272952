"""The stores' claim of a period's mail, on both stores: the claim and its outbox entries are
written together or not at all, once, even by two writers at the same moment."""
from __future__ import annotations

import threading
from datetime import UTC, datetime

from shared.domain.bulletin_mail import Cadence, bulletin_notices, claim_key, last_ended
from shared.domain.outbox import Template

NOW = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
PERIOD = last_ended(Cadence.MONTHLY, datetime(2026, 12, 1).date())


def entries(store):
    return [m for m in store.due_outbox(NOW, 100)
            if m.template == Template.STAFF_STATISTICS_BULLETIN]


def notices(*leaders):
    return bulletin_notices(PERIOD, list(leaders), [("received", "count", 3)], "https://x/", "zh-CN",
                            NOW)


def test_a_claim_is_taken_once_with_its_entries(store):
    claim = claim_key(PERIOD)
    assert not store.period_mail_claimed(claim)
    assert store.queue_period_mail(claim, notices("a", "b"), NOW)
    assert store.period_mail_claimed(claim)
    assert not store.queue_period_mail(claim, notices("c"), NOW)
    assert sorted(m.details["staff"] for m in entries(store)) == ["a", "b"]
    assert not store.period_mail_claimed("statistics_bulletin:weekly:2026-W48")


def test_two_writers_at_the_same_moment_queue_once(store):
    claim, results, start = claim_key(PERIOD), [], threading.Barrier(2)

    def write(leader):
        start.wait()
        results.append(store.queue_period_mail(claim, notices(leader), NOW))

    threads = [threading.Thread(target=write, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert len(entries(store)) == 1


def test_an_entry_that_cannot_be_written_takes_the_claim_back(store):
    claim, broken = claim_key(PERIOD), notices("a", "b")
    broken[1].id = broken[0].id
    try:
        store.queue_period_mail(claim, broken, NOW)
    except Exception:  # noqa: BLE001 (each store says it in its own words)
        pass
    assert not store.period_mail_claimed(claim) and entries(store) == []
    assert store.queue_period_mail(claim, notices("a", "b"), NOW)
