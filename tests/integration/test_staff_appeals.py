"""Appeals made by phone or letter, registered by staff (R16), on both stores: judged by when the
person lodged them (a letter posted on the window's last day is in time, however late it is typed
in), once only, refused with the rule's code and nothing changed; over HTTP the same, with 409
and 422 answers."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.cases import EventType, Status
from shared.domain.errors import CommandRefused, InvalidCommand, TransitionNotAllowed
from shared.domain.outbox import Template
from shared.domain.staff import Role
from tests.support import staff_api as fixtures
from tests.support.closed_cases import close, decide_appeal
from tests.support.staff_api import json_of
from tests.support.staff_desk import StaffDesk

staff_api = fixtures.staff_api
SAID = "来电：不服处理结果，商家没有退款。"


@pytest.fixture
def desk(store, clock):
    return StaffDesk(store, clock)


def closed(desk, window=timedelta(days=30)) -> str:
    number = desk.case(Status.RECEIVED)
    close(desk.store, number, desk.clock.now(), desk.clock.now() + window)
    return number


def test_a_letter_posted_in_time_is_an_appeal_though_typed_in_later(desk):
    clerk = desk.member(Role.CLERK)
    number = closed(desk)
    ends = desk.store.get_case(number).appeal_until
    desk.clock.advance(timedelta(days=33))
    view = desk.cases.register_appeal(clerk, number, SAID, lodged_at=ends.isoformat())
    assert view.status == "appealed" and view.assignee == ""
    [lodged] = desk.events(number, EventType.APPEAL_LODGED)
    assert lodged.text == SAID and lodged.actor == clerk.actor and lodged.public
    [queued] = [e for e in desk.events(number, EventType.NOTICE_QUEUED)
                if e.data["template"] == Template.APPEAL_RECEIVED.value]
    assert queued


def test_one_second_late_twice_or_archived_is_refused_and_changes_nothing(desk):
    supervisor = desk.member(Role.SUPERVISOR)
    number = closed(desk)
    late = desk.store.get_case(number).appeal_until + timedelta(seconds=1)
    desk.clock.advance(timedelta(days=31))
    before = desk.snapshot(number)
    with pytest.raises(CommandRefused) as refused:
        desk.cases.register_appeal(supervisor, number, SAID, lodged_at=late.isoformat())
    assert refused.value.code == "appeal_window_closed"
    with pytest.raises(CommandRefused):  # now, by default: later still
        desk.cases.register_appeal(supervisor, number, SAID)
    assert desk.snapshot(number) == before
    # Twice: refused as final, while the appeal is reviewed and after it was decided.
    other = closed(desk, window=timedelta(days=90))
    desk.cases.register_appeal(supervisor, other, SAID)
    for step in ("reviewed", "decided"):
        before = desk.snapshot(other)
        with pytest.raises(CommandRefused) as again:
            desk.cases.register_appeal(supervisor, other, "又来电")
        assert again.value.code == "appeal_final", step
        assert desk.snapshot(other) == before
        if step == "reviewed":
            decide_appeal(desk.store, other, desk.clock.now())
    archived = desk.case(Status.ARCHIVED, appeal_until=desk.clock.now(),
                         archived_at=desk.clock.now())
    with pytest.raises(TransitionNotAllowed):
        desk.cases.register_appeal(supervisor, archived, SAID)


@pytest.mark.parametrize("text, lodged_at, errors", [
    ("", None, {"text": "required"}),
    ("x" * 10001, None, {"text": "too_long"}),
    (["not", "text"], None, {"text": "invalid"}),
    (SAID, "yesterday", {"lodged_at": "invalid_time"}),
    (SAID, 20261128, {"lodged_at": "invalid_time"}),
    (SAID, "2099-01-01T00:00:00+08:00", {"lodged_at": "in_future"}),
    (SAID, "2026-01-01T00:00:00", {"lodged_at": "before_closure"}),
    (SAID, "0001-01-01T00:00:00", {"lodged_at": "before_closure"}),  # no UTC day: never a 500
    (SAID, "0001-01-01T00:00:00+14:00", {"lodged_at": "before_closure"}),
])
def test_bad_input_is_refused_field_by_field(desk, text, lodged_at, errors):
    clerk = desk.member(Role.CLERK)
    number = closed(desk)
    before = desk.snapshot(number)
    with pytest.raises(InvalidCommand) as refused:
        desk.cases.register_appeal(clerk, number, text, lodged_at=lodged_at)
    assert refused.value.errors == errors
    assert desk.snapshot(number) == before


def test_the_route_registers_an_appeal_and_maps_refusals(staff_api):
    cases = StaffDesk(staff_api.store, staff_api.app.clock)
    _, clerk = staff_api.member(Role.CLERK)
    _, handler = staff_api.member(Role.HANDLER)
    number = closed(cases)
    path = f"/cases/{number}/appeal"
    assert staff_api.post(path, handler, json={"text": SAID}).status_code == 403
    missing = staff_api.post(path, clerk, json={"lodged_at": "2026-11-28T10:00:00+08:00"})
    assert missing.status_code == 422 and json_of(missing)["fields"]["text"]["code"] == "required"
    unknown = staff_api.post(path, clerk, json={"text": SAID, "assignee": "me"})
    assert json_of(unknown)["fields"]["assignee"]["code"] == "unknown_field"
    lodged = staff_api.post(path, clerk, json={"text": SAID})
    assert lodged.status_code == 200 and json_of(lodged)["status"] == "appealed"
    again = staff_api.post(path, clerk, json={"text": SAID})
    assert again.status_code == 409 and json_of(again)["error"] == "appeal_final"
    late = closed(cases, window=-timedelta(seconds=1))
    refused = staff_api.post(f"/cases/{late}/appeal", clerk, json={"text": SAID},
                             headers={"Accept-Language": "en"})
    assert refused.status_code == 409 and json_of(refused)["error"] == "appeal_window_closed"
