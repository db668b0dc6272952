"""The person's own appeal (R16) from the status page, on both stores: inside the window (its end
inclusive: at the last moment accepted, one second later refused) the case goes to `appealed`
with their words public on the timeline, leaves its handler and keeps its deciders, and the
acknowledgment is queued; refused (too late, archived, twice, nothing decided, bad text) nothing
changes and the outcome says why and since when. A stranger learns nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.cases import REPORTER, EventType, Status
from shared.domain.errors import CaseNotFound
from shared.domain.outbox import Template
from shared.services.appeal_refusals import AppealRefused
from tests.support.closed_cases import close, decide_appeal
from tests.support.held_mail import services_on
from tests.support.staff_desk import StaffDesk, phone_only

CODE = "AAAA-BBBB-CCCC-DDDD"  # the builders' access code
CLIENT = "203.0.113.7"
REASONS = "处理结果没有考虑我提交的第二份付款记录，请重新核实。"


@pytest.fixture
def app(settings, mailbox, clock, store):
    return services_on(settings, mailbox, clock, store)


@pytest.fixture
def desk(app, clock):
    return StaffDesk(app.store, clock)


def closed_case(desk, clock, window=timedelta(days=180), **fields) -> str:
    number = desk.case(Status.RECEIVED, **fields)
    close(desk.store, number, clock.now(), clock.now() + window)
    return number


def queued_templates(desk, number) -> list[str]:
    return [e.data["template"] for e in desk.events(number, EventType.NOTICE_QUEUED)]


def test_an_appeal_at_the_last_moment_is_lodged_and_acknowledged(app, desk, clock):
    number = closed_case(desk, clock, window=timedelta(days=30))
    clock.advance(timedelta(days=30))  # exactly the window's end
    outcome = app.reporter_appeals.lodge(number, CODE, CLIENT, f"  {REASONS}\n")
    assert outcome.lodged and outcome.view.status == "appealed"
    case = desk.store.get_case(number)
    assert case.status == Status.APPEALED and case.assignee == ""
    assert set(case.deciders) == {"s-handler", "s-super"}
    [lodged] = desk.events(number, EventType.APPEAL_LODGED)
    assert lodged.public and lodged.actor == REPORTER and lodged.text == REASONS
    assert queued_templates(desk, number)[-1] == Template.APPEAL_RECEIVED.value
    # The page the person sees next shows their words and no form.
    assert not outcome.view.appeal_open
    assert any(e.text == REASONS for e in outcome.view.timeline)


def test_one_second_after_the_window_the_appeal_is_refused_with_its_end(app, desk, clock):
    number = closed_case(desk, clock, window=timedelta(days=30))
    ends = desk.store.get_case(number).appeal_until
    clock.advance(timedelta(days=30, seconds=1))
    before = desk.snapshot(number)
    outcome = app.reporter_appeals.lodge(number, CODE, CLIENT, REASONS)
    assert not outcome.lodged
    assert outcome.refusal.code == AppealRefused.WINDOW_CLOSED
    assert outcome.refusal.closed_at == ends
    assert desk.snapshot(number) == before


def test_an_archived_case_refuses_an_appeal(app, desk, clock):
    ended = clock.now() - timedelta(days=1)
    number = desk.case(Status.ARCHIVED, appeal_until=ended, closed_at=ended - timedelta(days=180),
                       archived_at=clock.now())
    before = desk.snapshot(number)
    outcome = app.reporter_appeals.lodge(number, CODE, CLIENT, REASONS)
    assert outcome.refusal.code == AppealRefused.WINDOW_CLOSED
    assert outcome.refusal.closed_at == ended
    assert desk.snapshot(number) == before


def test_a_second_appeal_is_refused_and_changes_nothing(app, desk, clock):
    number = closed_case(desk, clock)
    assert app.reporter_appeals.lodge(number, CODE, CLIENT, REASONS).lodged
    before = desk.snapshot(number)
    again = app.reporter_appeals.lodge(number, CODE, CLIENT, "再次申请")
    assert again.refusal.code == AppealRefused.PENDING  # their appeal is being reviewed
    assert desk.snapshot(number) == before
    # Decided, the appeal is final: a third attempt on the closed case is refused as such.
    decide_appeal(desk.store, number, clock.now())
    before = desk.snapshot(number)
    final = app.reporter_appeals.lodge(number, CODE, CLIENT, "还是不服")
    assert final.refusal.code == AppealRefused.FINAL and not final.view.appeal_open
    assert desk.snapshot(number) == before
    assert len(desk.events(number, EventType.APPEAL_LODGED)) == 1


def test_nothing_decided_is_nothing_to_appeal(app, desk):
    number = desk.case(Status.IN_PROGRESS)
    before = desk.snapshot(number)
    outcome = app.reporter_appeals.lodge(number, CODE, CLIENT, REASONS)
    assert outcome.refusal.code == AppealRefused.NO_DECISION
    assert desk.snapshot(number) == before


@pytest.mark.parametrize("text, code", [("", "required"), ("\u200b \n", "required"),
                                        (None, "required"), ("不" * 10001, "too_long")])
def test_the_reasons_are_required_and_bounded(app, desk, clock, text, code):
    number = closed_case(desk, clock)
    before = desk.snapshot(number)
    outcome = app.reporter_appeals.lodge(number, CODE, CLIENT, text)
    assert outcome.errors == {"text": code} and outcome.refusal is None
    assert outcome.view.appeal_open  # the form is shown again
    assert desk.snapshot(number) == before
    assert app.reporter_appeals.lodge(number, CODE, CLIENT, "不" * 10000).lodged


def test_a_stranger_learns_nothing_and_changes_nothing(app, desk, clock):
    number = closed_case(desk, clock)
    other = closed_case(desk, clock, access_code_hash="x")  # another case, another code
    before = desk.snapshot(number), desk.snapshot(other)
    for guess in ("AAAA-BBBB-CCCC-DDDE", "", "' OR 1=1 --"):
        with pytest.raises(CaseNotFound):
            app.reporter_appeals.lodge(number, guess, CLIENT, REASONS)
    with pytest.raises(CaseNotFound):  # this case's code does not open another case
        app.reporter_appeals.lodge(other, CODE, CLIENT, REASONS)
    with pytest.raises(CaseNotFound):
        app.reporter_appeals.lodge("TS-20261128-ZZZZZZ-0", CODE, CLIENT, REASONS)
    assert (desk.snapshot(number), desk.snapshot(other)) == before


def test_a_reporter_without_an_address_appeals_and_staff_see_they_were_not_told(app, desk, clock):
    number = closed_case(desk, clock, identity=phone_only())
    assert app.reporter_appeals.lodge(number, CODE, CLIENT, REASONS).lodged
    [not_sent] = desk.events(number, EventType.NOTICE_NOT_POSSIBLE)
    assert not_sent.data["template"] == Template.APPEAL_RECEIVED.value
    assert Template.APPEAL_RECEIVED.value not in queued_templates(desk, number)
