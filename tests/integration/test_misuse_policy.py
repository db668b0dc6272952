"""The misuse policy (R21, DSA Art. 23) on both stores, through the real services: a reporter whose
reports are repeatedly marked unfounded or malicious is warned once (a notice in the case's
language, how to contest it), then held: their new reports are registered and acknowledged but
not worked on until the hold ends or a supervisor releases them; a supervisor can lift the
standing early; the counts feed the statistics. Anonymous reports are never linked (R20)."""
from __future__ import annotations

import dataclasses
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest

from shared import bootstrap
from shared.domain.cases import Channel, EventType, Kind
from shared.domain.errors import CommandRefused
from shared.domain.permissions import Forbidden
from shared.domain.staff import Role
from shared.services.registration import Acknowledgment, NewCase
from tests.support.staff_desk import StaffDesk

EMAIL = "Wang.XM@QQ.com"


class Outgoing:
    """The mail transport: keeps what was sent."""

    def __init__(self):
        self.sent = []

    def send(self, message) -> list[str]:
        self.sent.append(message)
        return [message["Message-ID"]]


class Desk:
    """The services on one store and clock (3 marks warn, 5 hold for 30 days, in 180 days)."""

    def __init__(self, settings, store, clock):
        self.outgoing = Outgoing()
        self.clock = clock
        self.store = store
        self.app = bootstrap.build_services(settings, store=store, clock=clock,
                                            transport=self.outgoing)
        desk = StaffDesk(store, clock)
        self.boss = desk.member(Role.SUPERVISOR)
        self.handler = desk.member(Role.HANDLER)
        self.cases = self.app.staff_cases

    def report(self, email: str = EMAIL, phone: str = "", anonymous: bool = False,
               language: str = "zh-CN"):
        return self.app.registration.register(NewCase(
            kind=Kind.REPORT, channel=Channel.WEB_FORM, category="fraud",
            subject="有人冒充客服骗钱", description="对方自称客服，要求转账。", language=language,
            name="" if anonymous else "王小明", email=email, phone=phone, anonymous=anonymous))

    def marked(self, count: int, **contact) -> list[str]:
        numbers = []
        for _ in range(count):
            number = self.report(**contact).number
            self.cases.mark_report(self.boss, number, "unfounded", "查无此事，内容捏造")
            numbers.append(number)
        return numbers

    def events(self, number: str, type_) -> list:
        found, after = [], 0
        while page := self.store.case_events(number, public_only=False, after_seq=after):
            found += [e for e in page if e.type == type_]
            after = page[-1].seq
        return found

    def misuse_mail(self) -> list:
        self.app.delivery.deliver_due()
        return [m for m in self.outgoing.sent if "滥用" in _text(m) or "unfounded" in _text(m)
                or "暂缓" in _text(m)]


def _text(message) -> str:
    parsed = BytesParser(policy=policy.default).parsebytes(bytes(message))
    return "\n".join(part.get_content() for part in parsed.walk()
                     if part.get_content_type() == "text/plain") + str(parsed["Subject"])


@pytest.fixture
def desk(settings, store, clock):
    return Desk(settings, store, clock)


def test_the_third_mark_warns_the_reporter_once_in_the_cases_language(desk):
    first, second = desk.marked(2)
    assert desk.misuse_mail() == []  # two marks: nothing yet
    third = desk.report(language="en").number
    desk.cases.mark_report(desk.boss, third, "malicious", "恶意举报")

    [warned] = desk.events(third, EventType.MISUSE_WARNED)
    assert warned.actor == desk.boss.actor and warned.data["marks"] == 3
    assert warned.data["matched_on"] == ["email"] and not warned.public
    [mail] = desk.misuse_mail()
    text = _text(mail)
    assert mail["To"] == EMAIL and third in text
    assert "a warning" in text and "3 of your reports" in text  # the case's language: English
    assert "If you think this is wrong" in text and "恶意举报" not in text  # no staff reason

    # Marking again, a retry, withdrawing and marking again: still one warning.
    desk.cases.mark_report(desk.boss, third, "malicious", "again")
    desk.cases.mark_report(desk.boss, first, "none", "误标")
    desk.cases.mark_report(desk.boss, first, "malicious", "复核后确认")
    assert [len(desk.events(n, EventType.MISUSE_WARNED)) for n in (first, second, third)] == \
        [0, 0, 1]
    assert desk.misuse_mail() == [mail]


def test_after_the_warning_the_fifth_mark_holds_new_reports_which_are_still_registered(desk):
    marked = desk.marked(5, phone="+86 138 1234 5678")
    [started] = desk.events(marked[-1], EventType.MISUSE_HOLD_STARTED)
    until = desk.clock.now() + timedelta(days=30)
    assert started.data["until"] == until.isoformat() and started.actor == desk.boss.actor
    mails = desk.misuse_mail()
    assert len(mails) == 2 and "暂缓处理" in _text(mails[1])  # the warning, then the hold

    # The same person writes again, from the same phone written otherwise: registered, a number,
    # an acknowledgment — and held.
    new = desk.report(email="another@example.com", phone="138-1234-5678")
    assert new.acknowledgment == Acknowledgment.QUEUED and new.access_code
    case = desk.store.get_case(new.number)
    assert case.misuse_hold["matched_on"] == ["phone"]
    assert case.misuse_hold["until"] == until.isoformat()
    assert case.review_due_at > until  # reviewed once the hold ends
    [held] = desk.events(new.number, EventType.REPORT_HELD)
    assert not held.public  # the reporter's page shows a registered case, nothing more
    assert desk.cases.view(desk.boss, new.number).allowed_actions[:3] == [
        "accept", "reject", "classify"]

    with pytest.raises(CommandRefused) as refused:
        desk.cases.accept(desk.boss, new.number)
    assert refused.value.code == "held_for_misuse"
    with pytest.raises(Forbidden):
        desk.cases.release_held_report(desk.handler, new.number, reason="看过了")

    desk.clock.advance(timedelta(hours=1))
    desk.cases.release_held_report(desk.boss, new.number, reason="内容具体，证据充分")
    desk.cases.release_held_report(desk.boss, new.number, reason="again")  # a retry
    [released] = desk.events(new.number, EventType.HELD_REPORT_RELEASED)
    assert released.actor == desk.boss.actor
    case = desk.store.get_case(new.number)
    assert case.review_due_at < until  # its review starts now
    assert "release_held_report" not in desk.cases.view(desk.boss, new.number).allowed_actions
    desk.cases.accept(desk.boss, new.number)

    # An anonymous report from the same phone is linked to nobody (R20): never held.
    anonymous = desk.report(email="another@example.com", phone="13812345678", anonymous=True)
    assert desk.store.get_case(anonymous.number).misuse_hold == {}
    # Someone else: not held.
    assert desk.store.get_case(desk.report(email="li.lei@example.com").number).misuse_hold == {}


def test_a_hold_ends_by_itself_at_the_time_set(desk):
    desk.marked(5)
    new = desk.report().number
    desk.clock.advance(timedelta(days=30, seconds=1))
    with pytest.raises(CommandRefused) as refused:
        desk.cases.release_held_report(desk.boss, new, reason="r")
    assert refused.value.code == "not_held"  # nothing left to release
    desk.cases.accept(desk.boss, new)
    assert desk.store.get_case(desk.report().number).misuse_hold == {}


def test_a_supervisor_lifts_the_standing_early_and_earlier_marks_stop_counting(desk):
    marked = desk.marked(5)
    held = desk.report().number
    history = desk.cases.reporter_history(desk.boss, held)["standing"]
    assert (history["marks"], history["warned"], history["liftable"]) == (5, True, True)
    assert history["held_until"]

    with pytest.raises(Forbidden):
        desk.cases.lift_misuse_standing(desk.handler, held, reason="r")
    desk.cases.lift_misuse_standing(desk.boss, held, reason="申诉成立，此前标记过严")
    desk.cases.lift_misuse_standing(desk.boss, held, reason="again")  # nothing left: nothing
    [lifted] = desk.events(held, EventType.MISUSE_STANDING_LIFTED)
    assert lifted.actor == desk.boss.actor and lifted.data["matched_on"] == ["email"]
    standing = desk.cases.reporter_history(desk.boss, held)["standing"]
    assert (standing["marks"], standing["warned"], standing["held_until"]) == (0, False, None)
    assert desk.store.get_case(desk.report().number).misuse_hold == {}  # not held any more
    assert desk.store.get_case(held).misuse_hold["until"]  # held already: until released

    # Earlier marks no longer count: changing one of them warns nobody.
    desk.clock.advance(timedelta(minutes=1))
    desk.cases.mark_report(desk.boss, marked[0], "malicious", "复核")
    assert desk.events(marked[0], EventType.MISUSE_WARNED) == []


def test_marks_outside_the_window_do_not_count(desk):
    desk.marked(2)
    desk.clock.advance(timedelta(days=181))
    [third] = desk.marked(1)
    assert desk.events(third, EventType.MISUSE_WARNED) == []


def test_an_anonymous_report_is_never_warned_nor_held(desk):
    numbers = desk.marked(6, anonymous=True)
    assert all(desk.events(n, EventType.MISUSE_WARNED) == [] for n in numbers)
    assert desk.store.get_case(desk.report(anonymous=True).number).misuse_hold == {}
    assert desk.misuse_mail() == []


def test_the_policy_switched_off_warns_and_holds_nobody(settings, store, clock):
    off = Desk(dataclasses.replace(settings, misuse_warn_after=0), store, clock)
    numbers = off.marked(6)
    assert all(off.events(n, EventType.MISUSE_WARNED) == [] for n in numbers)
    assert off.store.get_case(off.report().number).misuse_hold == {}


def test_the_counts_feed_the_statistics_once_each(desk):
    desk.marked(5)
    held = desk.report().number
    desk.report()
    desk.cases.release_held_report(desk.boss, held, reason="r")
    desk.cases.release_held_report(desk.boss, held, reason="r")
    desk.cases.lift_misuse_standing(desk.boss, held, reason="r")
    statistics = desk.app.statistics
    bulletin = statistics.bulletin(statistics.period(month="2026-11"))
    assert bulletin.misuse == {"warned": 1, "hold_started": 1, "held": 2, "released": 1,
                               "lifted": 1}
    # The public transparency page: totals only (DSA Art. 24(1)(b), R22).
    report = desk.app.transparency.report("2026-11")
    assert (report.figures["misuse_warned"], report.figures["misuse_holds"]) == (1, 1)
    page = desk.app.public_pages.transparency("en", report)
    assert "Reporters whose new reports were held for review" in page
    assert 'id="misuse-holds">1<' in page


def test_held_reports_are_queued_until_released_or_their_hold_ends(desk):
    desk.marked(5)
    first = desk.report().number
    desk.clock.advance(timedelta(days=1))
    desk.cases.lift_misuse_standing(desk.boss, first, reason="申诉成立")  # the first hold ends
    desk.marked(5, email="li.lei@example.com")
    second = desk.report(email="li.lei@example.com").number
    third = desk.report(email="li.lei@example.com").number
    queues = desk.app.staff_queues

    def held() -> list[str]:
        return [item["number"] for item in queues.cases(desk.boss, queue="held")["items"]]

    assert held() == [first, *sorted((second, third))]  # the hold ending soonest first
    desk.cases.release_held_report(desk.boss, second, reason="r")
    assert held() == [first, third]
    page = queues.cases(desk.boss, queue="held", limit=1)
    assert [i["number"] for i in page["items"]] == [first]
    assert [i["number"] for i in queues.cases(desk.boss, queue="held", after=page["next_cursor"])[
        "items"]] == [third]
    assert queues.cases(desk.boss, queue="held", number=third)["items"][0]["number"] == third
    desk.clock.advance(timedelta(days=29, seconds=1))  # the first hold has ended by itself
    assert held() == [third]
    assert queues.cases(desk.boss, queue="held", number=first)["items"] == []


def test_a_held_report_is_not_escalated_for_the_time_it_waited_out(desk):
    desk.marked(5)
    held = desk.report().number
    desk.clock.advance(timedelta(days=31))  # the hold has ended; the review falls due
    desk.app.deadline_sweep.run(60)
    desk.app.deadline_sweep.run(60)
    case = desk.store.get_case(held)
    assert case.severity.value == "general"  # not major for a month on hold (R8: our delay)
    assert desk.events(held, EventType.SEVERITY_SET) == []
    desk.clock.advance(timedelta(days=7))  # a week unresolved after the hold: hot, as any case
    desk.app.deadline_sweep.run(60)
    assert desk.store.get_case(held).severity.value == "hot"


def test_a_complaint_from_a_held_contact_is_handled_as_anybodys(desk):
    desk.marked(5)
    complaint = desk.app.registration.register(NewCase(
        kind=Kind.COMPLAINT, channel=Channel.WEB_FORM, category="service", subject="退款未到账",
        description="申请退款十天了还没有到账。", name="王小明", email=EMAIL))
    assert desk.store.get_case(complaint.number).misuse_hold == {}
    desk.cases.accept(desk.boss, complaint.number)
