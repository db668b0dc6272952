"""R19: the deadline sweep mails the statistics bulletin to the leaders once each period has
ended, on both stores: once per period with the sweep run twice or two sweeps racing, nothing
half-queued by a failure (the next run queues it whole), delivered to each active leader's
address with the headline figures and the console link, and never a reporter or a case's words."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.clock import FixedClock
from shared.adapters.mail_composition import MailComposer
from shared.bootstrap import build_services
from shared.domain.bulletin_mail import SCHEDULES, Cadence
from shared.domain.outbox import OutboxStatus, Template
from shared.domain.staff import Role
from shared.services import statistics_mail
from shared.services.deadline_sweep import DeadlineSweep
from shared.services.mail_delivery import MailDelivery, Outcome
from shared.services.statistics_mail import StatisticsMail
from tests.support.staff_desk import StaffDesk

# 2026-12-01 00:30 in Beijing: November has ended (a Tuesday: week 48 ended on Sunday).
AFTER_NOVEMBER = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
FIGURES = [("received", "count", 120), ("decision_on_time", "rate", 0.875),
           ("median_hours", "hours", 30.25), ("satisfaction", "score", None)]


class Transport:
    """Records what is sent."""

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)
        return [message["Message-ID"]]


@pytest.fixture
def desk(store):
    return StaffDesk(store, FixedClock(AFTER_NOVEMBER))


@pytest.fixture
def leaders(desk):
    leader = desk.member(Role.LEADER, display_name="赵总", email="zhao@example.com")
    both = desk.member(Role.LEADER, Role.SUPERVISOR, display_name="钱经理")
    desk.member(Role.LEADER, active=False)  # inactive: not told
    desk.member(Role.SUPERVISOR)  # not a leader
    desk.member(Role.HANDLER)
    return sorted([leader.member.id, both.member.id])


def mail_service(store, moment=AFTER_NOVEMBER, schedule="monthly", figures=None, calls=None):
    def computed(period):
        if calls is not None:
            calls.append(period.key)
        return figures(period) if figures else FIGURES

    return StatisticsMail(store, FixedClock(moment), SCHEDULES[schedule], computed,
                          lambda period: f"https://console.example.com/statistics?month={period.key}")


def sweep(store, moment=AFTER_NOVEMBER, **kwargs):
    return DeadlineSweep(store, FixedClock(moment),
                         statistics_mail=mail_service(store, moment, **kwargs)).run(60)


def composer(app) -> MailComposer:
    s = app.settings
    return MailComposer(app.renderer, s.mail_from, s.mail_domain, s.public_status_url, app.clock,
                        b"k" * 32, s.inbound_address)


def bulletins(store) -> list:
    """The statistics bulletins in the outbox, by leader."""
    due = store.due_outbox(AFTER_NOVEMBER + timedelta(days=400), 500)
    return sorted((m for m in due if m.template == Template.STAFF_STATISTICS_BULLETIN),
                  key=lambda m: (m.details["period"], m.details["staff"]))


def test_the_sweep_queues_the_month_bulletin_to_each_active_leader_once(desk, leaders):
    calls = []
    first = sweep(desk.store, calls=calls)
    again = sweep(desk.store, calls=calls)
    later = sweep(desk.store, AFTER_NOVEMBER + timedelta(days=3), calls=calls)
    assert first.actions.get("statistics_bulletin") == 1
    assert "statistics_bulletin" not in again.actions and "statistics_bulletin" not in later.actions
    assert calls == ["2026-11"]  # computed once: later runs read the claim only
    queued = bulletins(desk.store)
    assert [m.details["staff"] for m in queued] == leaders
    for message in queued:
        assert message.case_number == "" and message.details["period"] == "2026-11"
        assert message.details["first"] == "2026-11-01" and message.details["last"] == "2026-11-30"
        assert message.details["figures"][0] == ["received", "count", 120]


def test_two_sweeps_racing_queue_the_bulletin_once(desk, leaders):
    """The other sweep runs while this one computes the figures: this one finds the claim taken
    when it commits, and writes nothing."""
    store = desk.store
    other = []

    def figures(period):
        if not other:
            other.append(sweep(store))
        return FIGURES

    mine = sweep(store, figures=figures)
    assert other[0].actions.get("statistics_bulletin") == 1
    assert "statistics_bulletin" not in mine.actions
    assert len(bulletins(store)) == len(leaders)


def test_a_run_that_fails_midway_leaves_nothing_and_the_next_run_queues_the_period_whole(
        desk, leaders, monkeypatch):
    """The second entry cannot be written (its id is the first's): the claim and the first entry
    are rolled back with it, and the next run queues every leader's."""
    real = statistics_mail.bulletin_notices

    def broken(*args, **kwargs):
        notices = real(*args, **kwargs)
        notices[1].id = notices[0].id
        return notices

    monkeypatch.setattr(statistics_mail, "bulletin_notices", broken)
    failed = sweep(desk.store)
    assert failed.actions.get("failed") == 1 and bulletins(desk.store) == []
    monkeypatch.setattr(statistics_mail, "bulletin_notices", real)
    assert sweep(desk.store).actions.get("statistics_bulletin") == 1
    assert [m.details["staff"] for m in bulletins(desk.store)] == leaders


def test_weekly_and_both_name_their_periods_and_off_sends_nothing(desk, leaders):
    assert "statistics_bulletin" not in sweep(desk.store, schedule="off").actions
    assert bulletins(desk.store) == []
    assert sweep(desk.store, schedule="both").actions["statistics_bulletin"] == 2
    periods = sorted({(m.details["cadence"], m.details["period"], m.details["first"],
                       m.details["last"]) for m in bulletins(desk.store)})
    assert periods == [("monthly", "2026-11", "2026-11-01", "2026-11-30"),
                       ("weekly", "2026-W48", "2026-11-23", "2026-11-29")]
    assert "statistics_bulletin" not in sweep(desk.store, schedule="weekly").actions


def test_before_the_month_ends_the_previous_month_is_the_one_sent(desk, leaders):
    """Late November in Beijing (UTC still the 30th, 23:30 local): October's bulletin."""
    sweep(desk.store, datetime(2026, 11, 30, 15, 30, tzinfo=UTC))
    assert {m.details["period"] for m in bulletins(desk.store)} == {"2026-10"}


def test_each_leader_receives_the_figures_and_the_link_at_their_address_once(
        desk, leaders, settings):
    store = desk.store
    sweep(store)
    app = build_services(settings, store=store, clock=FixedClock(AFTER_NOVEMBER))
    transport = Transport()
    delivery = MailDelivery(store, transport, composer(app), FixedClock(AFTER_NOVEMBER))
    results = delivery.deliver_due() + delivery.deliver_due()
    assert sorted(r.outcome for r in results) == [Outcome.SENT] * len(leaders)
    assert all(store.get_outbox(r.outbox_id).status == OutboxStatus.SENT for r in results)
    mail = next(m for m in transport.sent if m["To"] == "zhao@example.com")
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert mail["Subject"] == "示例平台 2026-11 月度投诉举报统计简报"
    assert "赵总，您好" in text and "2026-11-01 至 2026-11-30" in text
    for line in ("收到: 120", "处理决定按时率: 87.5%", "处理时长中位数（小时）: 30.2",
                 "满意度（平均分，5分制）: -"):
        assert line in text, line
    assert "https://console.example.com/statistics?month=2026-11" in text
    assert "<strong>87.5%</strong>" in html
    assert mail["Reply-To"] is None and mail["Auto-Submitted"] == "auto-generated"


def test_mail_of_no_case_given_up_is_listed_and_sent_again(desk, leaders, settings):
    store = desk.store
    sweep(store)

    class Refusing:
        def send(self, message):
            from shared.domain.errors import DeliveryFailed
            raise DeliveryFailed("550 mailbox unavailable", permanent=True)

    app = build_services(settings, store=store, clock=FixedClock(AFTER_NOVEMBER))
    delivery = MailDelivery(store, Refusing(), composer(app), FixedClock(AFTER_NOVEMBER))
    assert {r.outcome for r in delivery.deliver_due()} == {Outcome.FAILED}
    admin = desk.member(Role.ADMIN)
    listed = app.failed_mail.page(admin)["items"]
    assert sorted(i["staff"] for i in listed) == leaders
    assert {i["case_number"] for i in listed} == {""}
    again = app.failed_mail.retry(admin, listed[0]["id"], "邮件服务器已修复")
    assert again["status"] == "pending"
    entry = store.get_outbox(listed[0]["id"])
    assert entry.details["requeued"][0]["reason"] == "邮件服务器已修复"


def test_the_schedules_are_the_settings_choices():
    from shared.settings_rules import CHOICES

    assert set(CHOICES["statistics_bulletin"]) == set(SCHEDULES)
    assert SCHEDULES["both"] == (Cadence.MONTHLY, Cadence.WEEKLY)


def test_the_sweep_mails_the_figures_the_counters_hold(store, settings):
    """Through the services as deployed: cases received in November, counted by the store, and
    the sweep of 1 December queues their number in each leader's mail."""
    november = StaffDesk(store, FixedClock(datetime(2026, 11, 10, 2, 0, tzinfo=UTC)))
    for _ in range(3):
        november.case()
    leader = november.member(Role.LEADER)
    app = build_services(settings, store=store, clock=FixedClock(AFTER_NOVEMBER))
    report = app.deadline_sweep.run(60)
    assert report.actions.get("statistics_bulletin") == 1
    [message] = bulletins(store)
    assert message.details["staff"] == leader.member.id
    figures = {key: value for key, _, value in message.details["figures"]}
    assert figures["received"] == 3
    assert message.details["link"] == \
        "http://127.0.0.1:8080/staff_api/console/statistics?month=2026-11"
    assert "statistics_bulletin" not in app.deadline_sweep.run(60).actions
