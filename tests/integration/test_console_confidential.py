"""A confidential case in the console: listed with its subject hidden to those who may not read
it, its page refused to them (403, nothing shown), and every read by those who may recorded."""
from __future__ import annotations

from shared.domain.cases import EventType
from shared.domain.staff import Role
from tests.support import console as console_fixtures
from tests.support import staff_api as api_fixtures
from tests.support.console import text_of
from tests.support.staff_desk import StaffDesk

staff_api, sqlite_staff_api = api_fixtures.staff_api, api_fixtures.sqlite_staff_api
console, sqlite_console = console_fixtures.console, console_fixtures.sqlite_console


def test_a_confidential_case_is_hidden_from_those_who_may_not_read_it(console):
    cases = StaffDesk(console.store, console.api.app.clock)
    number = cases.case(subject="某主管收受回扣", confidential=True)
    console.sign_in_as(Role.CLERK)
    listed = text_of(console.get("/console/cases?queue=all"))
    assert number in listed and "（保密案件）" in listed and "收受回扣" not in listed
    refused = console.get(f"/console/cases/{number}")
    assert refused.status_code == 403 and "收受回扣" not in text_of(refused)
    assert cases.events(number, EventType.CONFIDENTIAL_CASE_READ) == []
    supervisor = console.sign_in_as(Role.SUPERVISOR)
    assert "收受回扣" in text_of(console.get(f"/console/cases/{number}"))
    reads = cases.events(number, EventType.CONFIDENTIAL_CASE_READ)
    assert reads and all(e.actor == f"staff:{supervisor.id}" for e in reads)
