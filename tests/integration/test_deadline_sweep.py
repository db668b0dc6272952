"""The deadline sweep on both stores, in time-travel: each reminder, overdue notice, escalation and
archive happens once per deadline — however many times the sweep runs, two sweeps interleaved, or
a run stopped by its budget and finished by the next."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from shared.adapters.clock import FixedClock
from shared.bootstrap import build_services
from shared.domain.cases import SYSTEM, EventType, Severity, Status
from shared.domain.outbox import Template
from shared.domain.staff import Role
from shared.services.case_views import CaseView
from shared.services.deadline_sweep import DeadlineSweep
from shared.services.mail_delivery import Outcome
from tests.conftest import START
from tests.support.builders import a_case, an_identity, unique_number
from tests.support.closed_cases import close
from tests.support.staff_builders import staff_member
from tests.support.timeline import events_of

DAY = timedelta(days=1)


class TickingClock(FixedClock):
    """A clock that moves a second every time it is read: a sweep that takes time."""

    def now(self):
        moment = super().now()
        self.advance(timedelta(seconds=1))
        return moment


@pytest.fixture
def staff(store):
    members = {"handler": staff_member((Role.HANDLER,)),
               "boss": staff_member((Role.SUPERVISOR,)),
               "boss2": staff_member((Role.SUPERVISOR, Role.LEADER)),
               "gone": staff_member((Role.SUPERVISOR,), active=False)}
    for member in members.values():
        store.put_staff(member)
    return {name: member.id for name, member in members.items()}


def registered(store, **fields) -> str:
    number = unique_number()
    store.register(a_case(number, START, **fields), an_identity(number), [])
    return number


def staff_notices(store, number) -> list[tuple[str, str]]:
    """(template, staff id) of every notice queued on the case, in order."""
    found = []
    for event in events_of(store, number):
        if event.type == EventType.NOTICE_QUEUED:
            message = store.get_outbox(event.data["outbox_id"])
            found.append((message.template.value, message.details.get("staff", "")))
    return found


def sweep_at(store, moment, **options):
    return DeadlineSweep(store, FixedClock(moment), **options).run(60)


def test_an_overdue_review_tells_the_supervisors_once_in_notices_only_staff_see(store, staff):
    number = registered(store)
    first = sweep_at(store, START + timedelta(hours=25))
    again = sweep_at(store, START + timedelta(hours=25))
    bosses = sorted([staff["boss"], staff["boss2"]])  # not the inactive one
    assert staff_notices(store, number) == [("staff_overdue", boss) for boss in bosses]
    assert (first.cases_read, first.actions["overdue"], first.actions["staff_notices"]) == (1, 1, 2)
    assert (again.cases_read, again.actions, again.more_due) == (0, {}, False)
    queued = [e for e in events_of(store, number) if e.type == EventType.NOTICE_QUEUED]
    assert all(e.data["addressee"] == "staff" and not e.public for e in queued)
    assert [e.type for e in events_of(store, number, public_only=True)] == [
        EventType.CASE_REGISTERED]
    case = store.get_case(number)
    assert case.next_due_at == START + 7 * DAY  # not read again before its first escalation
    assert store.get_outbox(queued[0].data["outbox_id"]).details["due_at"] == (
        START + timedelta(hours=24)).isoformat()


def test_a_decision_is_reminded_then_overdue_then_escalated_each_once(store, staff):
    handler = staff["handler"]
    number = registered(store, status=Status.IN_PROGRESS, assignee=handler,
                        decision_due_at=START + 5 * DAY, next_due_at=START + 4 * DAY)
    for day in (4, 5, 7, 30):  # 20% of five days left; due; one week; one month
        for _ in range(2):
            sweep_at(store, START + day * DAY)
    bosses = sorted([staff["boss"], staff["boss2"]])
    assert staff_notices(store, number) == [("staff_reminder", handler), (
        "staff_overdue", handler)] + [("staff_overdue", boss) for boss in bosses] + [
        ("staff_hot_case", boss) for boss in bosses] + [  # R9: the service centre, at once
        ("staff_major_case", staff["boss2"])]  # R9: the leader, at once
    raised = [e for e in events_of(store, number) if e.type == EventType.SEVERITY_SET]
    assert [(e.data["severity_to"], e.data["rule"], e.actor) for e in raised] == [
        ("hot", "R8 unresolved one week after receipt", SYSTEM),
        ("major", "R8 unresolved one month after receipt", SYSTEM)]
    assert raised[0].text == "R8 unresolved one week after receipt" and not raised[0].public
    case = store.get_case(number)
    assert case.severity == Severity.MAJOR and case.major_since == START + 30 * DAY
    assert case.next_due_at == START + 37 * DAY  # its first weekly bulletin (R9)


def test_a_case_first_seen_a_month_late_is_told_overdue_and_made_major_only(store, staff):
    number = registered(store, status=Status.ASSIGNED, assignee=staff["handler"],
                        decision_due_at=START + 5 * DAY, next_due_at=START + 5 * DAY)
    report = sweep_at(store, START + 40 * DAY)
    assert [t for t, _ in staff_notices(store, number)] == [  # no reminder, no hot notice
        "staff_overdue"] * 3 + ["staff_major_case"]
    assert [e.data["severity_to"] for e in events_of(store, number)
            if e.type == EventType.SEVERITY_SET] == ["major"]
    assert report.actions["escalation_major"] == 1 and "escalation_hot" not in report.actions


def test_a_case_already_major_is_not_raised_and_a_moved_deadline_is_told_afresh(store, staff):
    number = registered(store, status=Status.IN_PROGRESS, assignee=staff["handler"],
                        severity=Severity.MAJOR, decision_due_at=START + 5 * DAY,
                        next_due_at=START + 5 * DAY)
    sweep_at(store, START + 7 * DAY)
    assert not [e for e in events_of(store, number) if e.type == EventType.SEVERITY_SET]

    def extend(case):
        case.decision_due_at = case.next_due_at = START + 10 * DAY  # an extension, say

    store.update_case(number, extend)
    sweep_at(store, START + 10 * DAY)
    sweep_at(store, START + 10 * DAY)
    overdue = [t for t, who in staff_notices(store, number) if who == staff["handler"]]
    assert overdue == ["staff_overdue", "staff_overdue"]  # once per deadline


def test_two_sweeps_interleaved_do_each_thing_once(store, staff):
    numbers = [registered(store) for _ in range(3)]
    moment = START + timedelta(hours=30)
    other = DeadlineSweep(store, FixedClock(moment))

    class Racing:
        """The store as one sweep sees it: the other sweep runs right after each page is read,
        so this one works on cases already done."""

        def __getattr__(self, name):
            return getattr(store, name)

        def due_cases(self, now, limit):
            page = store.due_cases(now, limit)
            other.run(60)
            return page

    first = DeadlineSweep(Racing(), FixedClock(moment), page_size=2).run(60)
    for number in numbers:
        assert len(staff_notices(store, number)) == 2  # the two active supervisors, once
    assert first.actions.get("overdue", 0) == 0  # the other one did everything


def test_a_run_stopped_by_its_budget_is_finished_by_the_next(store, staff):
    numbers = [registered(store) for _ in range(5)]
    clock = TickingClock(START + timedelta(hours=30))
    first = DeadlineSweep(store, clock, page_size=2).run(budget_seconds=6)
    assert first.more_due and 0 < first.cases_read < 5
    second = DeadlineSweep(store, clock, page_size=2).run(budget_seconds=600)
    assert not second.more_due and first.cases_read + second.cases_read == 5
    assert all(len(staff_notices(store, n)) == 2 for n in numbers)


def test_a_closed_case_is_archived_once_its_appeal_window_is_over(store, staff):
    number = registered(store)
    close(store, number, START + DAY, appeal_until=START + 100 * DAY)
    assert store.get_case(number).next_due_at == START + 100 * DAY
    assert sweep_at(store, START + 99 * DAY).cases_read == 0
    report = sweep_at(store, START + 100 * DAY)
    sweep_at(store, START + 100 * DAY)
    case = store.get_case(number)
    assert (case.status, case.archived_at, case.next_due_at) == (  # next: the identity's purge
        Status.ARCHIVED, START + 100 * DAY, START + 465 * DAY)
    archived = [e for e in events_of(store, number) if e.type == EventType.CASE_ARCHIVED]
    assert [(e.actor, e.public) for e in archived] == [(SYSTEM, True)]
    assert report.actions == {"archive": 1, "staff_notices": 0}


def test_an_archive_refused_for_open_corrective_actions_is_said_once_and_tried_daily(store,
                                                                                     staff):
    number = registered(store)
    close(store, number, START + DAY, appeal_until=START + 100 * DAY)

    def open_action(case):
        case.corrective_actions = [{"id": "1", "text": "t", "owner": "li.na", "due_on": "2027-01-01",
                                    "done_on": "", "done_note": "", "recorded_by": "li.na"}]

    store.update_case(number, open_action)
    for day in (100, 100, 101):
        sweep_at(store, START + day * DAY)
    case = store.get_case(number)
    assert case.status == Status.CLOSED and case.next_due_at == START + 102 * DAY
    notes = [e for e in events_of(store, number) if e.type == EventType.NOTE]
    assert [(e.data["archive_refused"], e.actor, e.public) for e in notes] == [
        ("corrective_actions_open", SYSTEM, False)]

    def done(case):
        case.corrective_actions = [{**case.corrective_actions[0], "done_on": "2027-01-01"}]

    store.update_case(number, done)
    sweep_at(store, START + 102 * DAY)
    assert store.get_case(number).status == Status.ARCHIVED


def test_the_member_a_case_is_about_is_never_told_of_it(store, staff):
    number = registered(store, about_staff=staff["boss"])
    sweep_at(store, START + 2 * DAY)
    assert staff_notices(store, number) == [("staff_overdue", staff["boss2"])]


def test_notices_go_to_the_staff_language_not_the_reporters(store, staff):
    number = registered(store, language="en")
    sweep_at(store, START + 2 * DAY, staff_language="zh-CN")
    event = next(e for e in events_of(store, number) if e.type == EventType.NOTICE_QUEUED)
    message = store.get_outbox(event.data["outbox_id"])
    assert (message.template, message.language) == (Template.STAFF_OVERDUE, "zh-CN")


class Outgoing:
    """A transport that keeps what it is given."""

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)
        return [message["Message-ID"]]


def test_a_staff_notice_goes_to_the_members_address_as_it_is_at_delivery(store, staff, settings):
    number = registered(store, subject="王小明投诉", description="我是王小明 xiaoming@example.com")
    member = store.get_staff(staff["boss"])
    store.put_staff(replace(member, email="new.boss@example.com"))
    store.put_staff(replace(store.get_staff(staff["boss2"]), active=False))
    moment = START + 2 * DAY
    sweep_at(store, moment)
    transport = Outgoing()
    app = build_services(settings, store=store, clock=FixedClock(moment), transport=transport)
    outcomes = [r.outcome for r in app.delivery.deliver_due()]
    assert outcomes == [Outcome.SENT]  # boss2 went inactive before the sweep: never told
    [mail] = transport.sent
    assert mail["To"] == "new.boss@example.com" and number in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()
    assert "王小明" not in body and "xiaoming" not in body and "王小明" not in mail["Subject"]
    sent = [e for e in events_of(store, number) if e.type == EventType.NOTICE_SENT]
    assert [(e.data["addressee"], e.public) for e in sent] == [("staff", False)]


def test_a_staff_notice_to_a_member_gone_inactive_fails_for_good_and_only_staff_see_it(
        store, staff, settings):
    number = registered(store)
    moment = START + 2 * DAY
    sweep_at(store, moment)
    store.put_staff(replace(store.get_staff(staff["boss"]), active=False))
    app = build_services(settings, store=store, clock=FixedClock(moment), transport=Outgoing())
    outcomes = sorted(r.outcome.value for r in app.delivery.deliver_due())
    assert outcomes == ["failed", "sent"]
    failed = [e for e in events_of(store, number) if e.type == EventType.NOTICE_FAILED]
    assert len(failed) == 1 and not failed[0].public
    assert [e.type for e in events_of(store, number, public_only=True)] == [
        EventType.CASE_REGISTERED]


def test_the_staff_view_shows_a_case_overdue_once_the_sweep_found_it_and_not_after_a_new_deadline(
        store, staff):
    number = registered(store, status=Status.IN_PROGRESS, assignee=staff["handler"],
                        decision_due_at=START + 5 * DAY, next_due_at=START + 5 * DAY)
    member = store.get_staff(staff["boss"])
    assert CaseView.of(store.get_case(number), None, member).overdue is False
    sweep_at(store, START + 5 * DAY)
    assert CaseView.of(store.get_case(number), None, member).as_dict()["overdue"] is True

    def extend(case):
        case.decision_due_at = case.next_due_at = START + 10 * DAY

    store.update_case(number, extend)
    assert CaseView.of(store.get_case(number), None, member).overdue is False


@pytest.mark.parametrize("budget", [0, -1, float("nan"), float("inf"), "60", None, True])
def test_a_budget_that_is_no_positive_number_is_refused_before_anything_is_read(store, budget):
    number = registered(store)
    with pytest.raises(ValueError):
        DeadlineSweep(store, FixedClock(START + 2 * DAY)).run(budget)
    assert store.get_case(number).sweep_claims == []


def test_a_case_that_fails_is_left_due_and_the_others_are_swept(store, staff):
    broken, fine = registered(store), registered(store)

    class Failing:
        def __getattr__(self, name):
            return getattr(store, name)

        def update_case_as_read(self, case, change):
            if case.number == broken:
                raise RuntimeError("the store failed")
            return store.update_case_as_read(case, change)

    report = DeadlineSweep(Failing(), FixedClock(START + 2 * DAY)).run(60)
    assert (report.cases_read, report.actions["failed"], report.actions["overdue"]) == (2, 1, 1)
    assert len(staff_notices(store, fine)) == 2 and staff_notices(store, broken) == []
    # Tried again half an hour later, not at the head of every run's page:
    assert store.get_case(broken).next_due_at == START + 2 * DAY + timedelta(minutes=30)
    assert not report.more_due


def test_a_whole_page_of_failing_cases_does_not_starve_the_others(store, staff):
    broken = {registered(store), registered(store)}  # due first: their review passed earlier
    fine = registered(store, received_at=START + timedelta(hours=1),
                      review_due_at=START + timedelta(hours=25),
                      next_due_at=START + timedelta(hours=25))

    class Failing:
        def __getattr__(self, name):
            return getattr(store, name)

        def update_case_as_read(self, case, change):
            if case.number in broken:
                raise RuntimeError("an old document the code no longer reads")
            return store.update_case_as_read(case, change)

    def sweep(at):
        return DeadlineSweep(Failing(), FixedClock(at), page_size=2).run(60)

    first = sweep(START + 2 * DAY)
    assert (first.actions["failed"], first.actions.get("overdue")) == (2, 1)
    assert len(staff_notices(store, fine)) == 2  # the supervisors were told
    assert sweep(START + 2 * DAY + timedelta(minutes=5)).cases_read == 0  # not every run
    again = sweep(START + 2 * DAY + timedelta(minutes=30))
    assert (again.cases_read, again.actions["failed"]) == (2, 2)  # tried again, still logged


def test_a_case_accepted_in_time_is_escalated_after_its_first_week_not_at_its_decision(store,
                                                                                       staff):
    from shared.domain.commands import AcceptCase
    from shared.domain.lifecycle import apply

    number = registered(store)
    def accept(case):
        apply(case, AcceptCase("staff:" + staff["boss"], decide_within=21 * DAY), START + DAY)

    store.update_case(number, accept)
    assert sweep_at(store, START + DAY).cases_read == 1  # looked at once on acceptance
    assert sweep_at(store, START + 6 * DAY).cases_read == 0
    report = sweep_at(store, START + 7 * DAY)
    assert report.actions.get("escalation_hot") == 1
    assert store.get_case(number).severity == Severity.HOT
