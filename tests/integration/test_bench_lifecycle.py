"""bench.lifecycle keeps measuring the whole lifecycle as the code changes: on SQLite, a complaint
goes from the form to its closure notice, is rated, appealed and decided finally, every notice
reaches the mailbox, and the steps people take stay within the issue's budget of store calls."""
from __future__ import annotations

from bench.lifecycle import BUDGET, Lifecycle, services_on
from shared.adapters.sqlite_store import SqliteCaseStore
from shared.domain.cases import Status
from tests.support.mailbox import read_mailbox


def test_the_whole_lifecycle_stays_within_its_store_budget(tmp_path, mailbox):
    port, folder = mailbox
    services = services_on(SqliteCaseStore(tmp_path / "bench.sqlite3"), tmp_path, port)
    lifecycle = Lifecycle(services)
    steps = lifecycle.run()
    case = services.store.get_case(lifecycle.number)
    assert case.status == Status.CLOSED and case.appeal_round == 1
    assert case.follow_up["rating"] == 5
    subjects = [m["Subject"] for m in read_mailbox(folder)]
    assert len(subjects) == 6 and sum(lifecycle.number in s for s in subjects) == 6
    people = [s for s in steps if not s.name.startswith("deliver")]
    assert len(people) == 12
    assert BUDGET == 40 and sum(sum(s.calls.values()) for s in people) <= 40  # the issue's
    deliveries = [s for s in steps if s.name.startswith("deliver")]
    assert len(deliveries) == 6 and all(sum(s.calls.values()) <= 3 for s in deliveries)
