"""The decision deadline stays watched by the sweep on both stores, on China's real calendar: after
a pause for the reporter that had no working time in it, and for a case accepted late."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from shared.adapters.clock import FixedClock
from shared.bootstrap import build_services
from shared.domain import sweep_rules
from shared.domain.case_numbers import new_case_number
from shared.domain.cases import Kind, Status
from shared.domain.staff import Requester, Role
from tests.support.builders import a_case, an_identity
from tests.support.staff_builders import staff_member
from tests.support.timeline import events_of

BEIJING = ZoneInfo("Asia/Shanghai")
CLIENT = "198.51.100.7"


def beijing(*parts) -> datetime:
    return datetime(*parts, tzinfo=BEIJING)


def app_at(settings, store, moment: datetime):
    return build_services(replace(settings), store=store, clock=FixedClock(moment.astimezone(UTC)))


def member(store, *roles: Role) -> Requester:
    staff = staff_member(roles, department="运营部")
    store.put_staff(staff)
    return Requester(staff, CLIENT)


def sent(store, number, template: str) -> list[str]:
    """The staff each notice of `template` on the case went to, in order."""
    return [store.get_outbox(e.data["outbox_id"]).details.get("staff", "")
            for e in events_of(store, number)
            if e.type.value == "notice_queued" and e.data.get("template") == template]


def sweep_until(settings, store, number, until: datetime) -> list[datetime]:
    """Sweep (twice each time) at every moment the case asks to be looked at, up to `until`."""
    looked = []
    while (due := store.get_case(number).next_due_at) is not None and due <= until:
        for _ in range(2):
            app_at(settings, store, due).deadline_sweep.run(60)
        looked.append(due)
    return looked


def test_a_question_answered_before_any_working_time_passed_keeps_the_decision_watched(
        settings, store):
    handler = member(store, Role.HANDLER, Role.SUPERVISOR)  # writes to the reporter unapproved
    received, due = beijing(2025, 11, 13, 12, 0), beijing(2025, 11, 24, 18, 0)  # Thu; a Monday
    number = new_case_number(Kind.COMPLAINT, received.date())
    store.register(a_case(number, received, status=Status.IN_PROGRESS, assignee=handler.member.id,
                          department="运营部", decision_due_at=due, next_due_at=received),
                   an_identity(number), [])
    sweep_until(settings, store, number, beijing(2025, 11, 21, 18, 0))

    asked = beijing(2025, 11, 21, 18, 30)  # Friday after closing: no working time until Monday
    app_at(settings, store, asked).staff_cases.message_reporter(
        handler, number, "请补充订单截图", request_information=True)
    sweep_until(settings, store, number, beijing(2025, 11, 23, 23, 0))  # the reminder's moment
    assert sent(store, number, "staff_reminder") == []  # paused: nobody is reminded

    answered = beijing(2025, 11, 24, 8, 30)  # Monday before opening: nothing waited
    app_at(settings, store, answered).staff_cases.record_reporter_answer(
        handler, number, "截图已通过电话说明")
    assert store.get_case(number).decision_due_at == due
    sweep_until(settings, store, number, due)
    assert sent(store, number, "staff_reminder") == [handler.member.id]  # on the answer's day
    assert sent(store, number, "staff_overdue")[:1] == [handler.member.id]  # at the deadline
    assert sweep_rules.is_overdue(store.get_case(number))


def test_a_case_accepted_after_its_first_week_is_reminded_before_its_decision_is_due(
        settings, store):
    clerk, handler = member(store, Role.CLERK, Role.SUPERVISOR), member(store, Role.HANDLER)
    received = beijing(2026, 3, 2, 10, 0)  # a Monday
    number = new_case_number(Kind.COMPLAINT, received.date())
    store.register(a_case(number, received, review_due_at=received + timedelta(hours=24),
                          next_due_at=received + timedelta(hours=24)), an_identity(number), [])
    sweep_until(settings, store, number, received + timedelta(days=8))  # late review, hot

    accepted = received + timedelta(days=8)
    app = app_at(settings, store, accepted)
    app.staff_cases.accept(clerk, number)
    app.staff_cases.assign(clerk, number, assignee=handler.member.id, department="运营部")
    due = store.get_case(number).decision_due_at
    assert due == beijing(2026, 3, 31, 18, 0)  # 15 working days from Tuesday 10 March
    looked = sweep_until(settings, store, number, due)
    assert sent(store, number, "staff_reminder") == [handler.member.id]
    [reminded] = [at for at in looked if at < due and at > accepted]  # 20 % of the time left
    assert due - reminded < (due - received) * 0.2 + timedelta(minutes=1)


def test_a_question_answered_within_minutes_moves_nothing_and_tells_nobody(settings, store):
    handler = member(store, Role.HANDLER, Role.SUPERVISOR)
    received, due = beijing(2025, 11, 13, 12, 0), beijing(2025, 11, 24, 18, 0)
    number = new_case_number(Kind.COMPLAINT, received.date())
    store.register(a_case(number, received, status=Status.IN_PROGRESS, assignee=handler.member.id,
                          department="运营部", decision_due_at=due, next_due_at=received),
                   an_identity(number), [])
    sweep_until(settings, store, number, beijing(2025, 11, 24, 10, 0))  # reminded on Saturday
    assert sent(store, number, "staff_reminder") == [handler.member.id]

    app = app_at(settings, store, beijing(2025, 11, 24, 10, 0))
    app.staff_cases.message_reporter(handler, number, "订单号是多少？", request_information=True)
    app_at(settings, store, beijing(2025, 11, 24, 10, 55)).staff_cases.record_reporter_answer(
        handler, number, "订单号 20251101-77")
    assert store.get_case(number).decision_due_at == due  # 55 working minutes: no whole hour
    assert sweep_until(settings, store, number, beijing(2025, 11, 24, 10, 59)) == [
        beijing(2025, 11, 24, 10, 55)]  # the answer has the sweep look again: nothing to do
    assert sent(store, number, "decision_deadline_changed") == []  # the reporter: no mail
    assert sent(store, number, "staff_reminder") == [handler.member.id]  # not reminded again

    app_at(settings, store, beijing(2025, 11, 24, 11, 0)).staff_cases.message_reporter(
        handler, number, "请提供付款截图", request_information=True)
    app_at(settings, store, beijing(2025, 11, 24, 13, 30)).staff_cases.record_reporter_answer(
        handler, number, "已发送")
    # Two and a half working hours waited: two counted, the deadline moves two hours on.
    assert store.get_case(number).decision_due_at == beijing(2025, 11, 25, 11, 0)
    assert len(sent(store, number, "decision_deadline_changed")) == 1
