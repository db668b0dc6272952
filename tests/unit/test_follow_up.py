"""The follow-up rules (R17) without I/O: a rating once per notice, 1-5, an unsatisfied one opens
one task; a follow-up call closes it only when one is open; the rating links are signed for
their purpose, carry their case and notice, and expire by the clock."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.clock import FixedClock
from shared.adapters.signed_links import SignedFollowUpLinks
from shared.domain import lifecycle
from shared.domain.cases import REPORTER, EventType, Status, staff_actor
from shared.domain.errors import CommandRefused, TransitionNotAllowed
from shared.domain.follow_up import (
    CallOutcome,
    RateHandling,
    RecordFollowUp,
    rated,
    task_open,
    task_opened_at,
)
from shared.domain.follow_up_links import FollowUpLink, LinkExpired, LinkNotValid
from shared.web.receipts import ReceiptLinks
from tests.support.builders import a_case

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
KEY = b"a reply-token key for tests only"


def closed():
    return a_case("TS-20261128-9FC069-0", NOW - timedelta(days=3), status=Status.CLOSED)


def rate(case, rating: int, outbox_id: str = "o1", comment: str = ""):
    lifecycle.apply(case, RateHandling(REPORTER, comment, rating=rating, outbox_id=outbox_id), NOW)
    rated(case, NOW)


@pytest.mark.parametrize("rating, task", [(1, True), (2, True), (3, False), (5, False)])
def test_only_an_unsatisfied_rating_opens_a_task(rating, task):
    case = closed()
    rate(case, rating, comment="  还行  ")
    assert case.follow_up["rating"] == rating and case.follow_up["comment"] == "还行"
    assert task_open(case) is task
    assert [e.type for e in case.new_events][-1] == (
        EventType.FOLLOW_UP_NEEDED if task else EventType.HANDLING_RATED)
    assert (task_opened_at(case) == NOW) is task


def test_each_notice_rates_once_and_a_second_unsatisfied_rating_opens_no_second_task():
    case = closed()
    rate(case, 1, "closure")
    with pytest.raises(CommandRefused) as refused:
        rate(case, 1, "closure")
    assert refused.value.code == "already_rated"
    rate(case, 2, "appeal-decision")  # the appeal's own notice, another link
    needed = [e for e in case.new_events if e.type == EventType.FOLLOW_UP_NEEDED]
    assert len(needed) == 1 and case.follow_up["rated_notices"] == ["closure", "appeal-decision"]


@pytest.mark.parametrize("rating", [0, 6, -1, True, "5", 2.5])
def test_a_rating_outside_one_to_five_is_refused(rating):
    case = closed()
    events = len(case.new_events)
    with pytest.raises(CommandRefused):
        rate(case, rating)
    assert case.follow_up == {} and len(case.new_events) == events


def test_only_the_reporter_rates_and_only_a_closed_case():
    with pytest.raises(CommandRefused):
        lifecycle.apply(closed(), RateHandling(staff_actor("s1"), rating=5, outbox_id="o"), NOW)
    appealed = a_case("TS-20261128-9FC069-0", NOW, status=Status.APPEALED)
    with pytest.raises(TransitionNotAllowed):
        lifecycle.apply(appealed, RateHandling(REPORTER, rating=5, outbox_id="o"), NOW)


def test_a_call_closes_the_task_only_when_one_is_open():
    case = closed()
    call = RecordFollowUp(staff_actor("clerk1"), "已电话说明", outcome=CallOutcome.SATISFIED,
                          closes_task=True)
    with pytest.raises(CommandRefused) as refused:
        lifecycle.apply(case, call, NOW)
    assert refused.value.code == "no_follow_up_task"
    rate(case, 1)
    lifecycle.apply(case, call, NOW)
    assert not task_open(case) and task_opened_at(case) is None
    assert case.follow_up["calls"] == 1 and case.follow_up["last_call"] == {
        "outcome": "satisfied", "by": "clerk1"}
    assert case.new_events[-1].data["outcome"] == "satisfied"


def test_a_call_needs_a_note():
    with pytest.raises(CommandRefused):
        lifecycle.apply(closed(), RecordFollowUp(staff_actor("c"), " "), NOW)


def links(clock, days: int = 30, key: bytes = KEY) -> SignedFollowUpLinks:
    return SignedFollowUpLinks(key, clock, timedelta(days=days))


def test_a_link_carries_its_case_and_notice_until_it_expires():
    clock = FixedClock(NOW)
    link = FollowUpLink("TS-20261128-9FC069-0", "0123abcd", 1)
    token = links(clock).sign(link)
    clock.advance(timedelta(days=30))
    assert links(clock).read(token) == link
    clock.advance(timedelta(seconds=1))
    with pytest.raises(LinkExpired):
        links(clock).read(token)


def test_a_link_is_refused_under_another_key_or_purpose_or_when_changed():
    clock = FixedClock(NOW)
    token = links(clock).sign(FollowUpLink("TS-20261128-9FC069-0", "0123abcd"))
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), token[:20], "", "x" * 5000,
                ReceiptLinks(KEY).sign("a-receipt-id")):
        with pytest.raises(LinkNotValid):
            links(clock).read(bad)
    with pytest.raises(LinkNotValid):
        links(clock, key=b"another key").read(token)
