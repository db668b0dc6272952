"""The overdue queue (issue 10: "past a deadline the case shows overdue in queues"): filled by the
deadline sweep, emptied by a command that gives the case a new deadline, through the staff API on
both stores; and a SQLite file from before the queue lists its overdue cases."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared.adapters.clock import FixedClock
from shared.domain.cases import Status
from shared.domain.staff import Role
from shared.services.deadline_sweep import DeadlineSweep
from tests.support import staff_api as fixtures
from tests.support.staff_api import json_of
from tests.support.staff_desk import StaffDesk

staff_api = fixtures.staff_api


@pytest.fixture
def desk(staff_api):
    return staff_api, StaffDesk(staff_api.store, staff_api.app.clock)


def queue(api, token, query="") -> dict:
    answer = api.get(f"/cases?queue=overdue{query}", token)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return json_of(answer)


def numbers(page: dict) -> list[str]:
    return [item["number"] for item in page["items"]]


def test_the_sweep_fills_the_overdue_queue_and_a_new_deadline_empties_it(desk):
    api, cases = desk
    now = api.app.clock.now()
    first = cases.case(Status.RECEIVED, department="billing")  # review due in 24 hours
    cases.clock = FixedClock(now + timedelta(minutes=1))
    second = cases.case(Status.RECEIVED, department="support", review_due_at=now + timedelta(hours=25))
    on_time = cases.case(Status.RECEIVED, review_due_at=now + timedelta(hours=40))
    _, boss = api.member(Role.SUPERVISOR)
    _, clerk = api.member(Role.CLERK)
    _, billing = api.member(Role.HANDLER, department="billing")
    assert queue(api, boss)["items"] == []  # nobody found them late yet

    report = DeadlineSweep(api.store, FixedClock(now + timedelta(hours=30))).run(60)
    assert report.actions["overdue"] == 2
    page = queue(api, boss, "&limit=1")
    assert numbers(page) == [first] and page["next_cursor"]
    item = page["items"][0]
    assert (item["overdue"], item["overdue_deadline"]) == (True, "review")
    assert item["overdue_since"] == api.store.get_case(first).review_due_at.isoformat(
        timespec="milliseconds").replace("+00:00", "Z")
    rest = queue(api, boss, f"&limit=1&after={page['next_cursor']}")
    assert numbers(rest) == [second] and rest["next_cursor"] is None
    assert numbers(queue(api, billing)) == [first]  # a handler: their department's only
    assert on_time not in numbers(queue(api, clerk))
    assert json_of(api.get(f"/cases/{first}", boss))["overdue"] is True
    everything = json_of(api.get("/cases?queue=all", boss))["items"]
    assert {i["number"]: i["overdue"] for i in everything} == {
        first: True, second: True, on_time: False}

    accepted = api.post(f"/cases/{first}/accept", clerk, json={})  # a decision deadline now
    assert accepted.status_code == 200 and json_of(accepted)["overdue"] is False
    assert numbers(queue(api, boss)) == [second]
    assert queue(api, billing)["items"] == []


def test_the_overdue_queue_is_read_in_its_own_order_only(desk):
    api, _ = desk
    _, clerk = api.member(Role.CLERK)
    for name, value in (("order", "newest_first"), ("words", "退款"), ("year", "2026")):
        answer = api.get(f"/cases?queue=overdue&{name}={value}", clerk)
        assert answer.status_code == 422
        assert {n: f["code"] for n, f in json_of(answer)["fields"].items()} == {
            name: "not_in_queue"}
    assert api.get("/cases?queue=overdue&order=overdue_longest_first", clerk).status_code == 200


def test_a_file_from_before_the_overdue_queue_lists_its_overdue_cases(tmp_path):
    """The migration adding `overdue_since` fills it from the case documents of an older file."""
    import sqlite3

    from shared.adapters import records
    from shared.adapters.sqlite_schema import CASE_COLUMNS, MIGRATIONS, case_columns, dump
    from shared.adapters.sqlite_store import SqliteCaseStore
    from shared.domain.queues import CaseQuery, QueueOrder
    from tests.conftest import START
    from tests.support.builders import a_case, unique_number

    path = tmp_path / "cases.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    before = MIGRATIONS.index(next(m for m in MIGRATIONS if m.__name__ == "_overdue"))
    for version, migration in enumerate(MIGRATIONS[:before], 1):
        db.execute("BEGIN IMMEDIATE")
        migration(db)
        db.execute(f"PRAGMA user_version = {version}")
        db.execute("COMMIT")
    found = [unique_number() for _ in range(3)]
    claims = ([f"overdue:review:{(START + timedelta(hours=24)).isoformat()}"],
              [f"overdue:review:{START.isoformat()}"],  # an earlier deadline, since moved
              ["escalation:hot"])
    for number, claimed in zip(found, claims, strict=True):
        case = a_case(number, START, sweep_claims=claimed)
        db.execute(f"INSERT INTO cases (number, doc, {', '.join(CASE_COLUMNS)}) "
                   f"VALUES (?, ?{', ?' * len(CASE_COLUMNS)})",
                   (number, dump(records.case_to_record(case)), *case_columns(case, "")))
    db.close()
    store = SqliteCaseStore(path)
    overdue = store.find_cases(CaseQuery(order=QueueOrder.OVERDUE_LONGEST_FIRST))
    assert [c.number for c in overdue.cases] == found[:1]
