"""A month of cases taken through the real services (registration, staff commands, ratings,
marks, appeals, the deadline sweep) on one store and one clock, whose statistics for November
2026 are worked out by hand in `test_statistics_month.py`.

Times are Beijing's (Asia/Shanghai). November 2026 has no public holiday; 2 November is a Monday.
- G: complaint (web form, g@), received Fri 30 Oct 10:00 and accepted then, assigned to H2 of
  法务部, set major (litigation); closed Tue 3 Nov 10:00 (96 h) with its closure report, not
  upheld.
- A: complaint (web form, service, a@), received Mon 2 Nov 10:00, accepted 11:00 (review due
  Tue 10:00: in time), assigned to H1 of 运营部, closed Wed 4 Nov 10:00 (48 h), upheld; rated 5.
- B: complaint (web form, product_quality, a@ again: a repeat of A), received Tue 3 Nov 09:30,
  accepted Wed 4 Nov 15:00 (review due Wed 09:30: LATE), assigned to H1 of 运营部; made hot by
  the sweep on Wed 11 Nov (open a week, R8; the sweep run twice); closed Mon 30 Nov 10:00
  (648.5 h; decision due 15 working days after 4 Nov, 25 Nov: LATE), upheld.
- C: report (web form, fraud, c@), received Thu 5 Nov 10:00, rejected 14:00 (in time); marked
  malicious Fri 6 Nov (asked twice).
- D: complaint by phone (offline registration, service, d@), received Mon 9 Nov 10:00, accepted
  10:30, assigned to H2 of 法务部, set major by a supervisor; closed Tue 10 Nov 10:00 (24 h) partly
  upheld with the closure report (approved twice: the second refused); rated 2; appealed Wed 11
  Nov (by phone, registered by the clerk), reassigned to H1 of 运营部 on Thu 12 Nov, decided
  upheld (changed).
- E: complaint (web form, service, e@), received Sun 29 Nov 23:30: still November in Beijing.
- F: complaint (web form, service, f@), received Tue 1 Dec 00:30 Beijing (30 Nov in UTC):
  December's.
"""
from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from shared import bootstrap
from shared.adapters.clock import FixedClock
from shared.domain.cases import Channel, EventType, Kind
from shared.domain.follow_up_links import FollowUpLink
from shared.domain.staff import Role
from shared.services.registration import NewCase
from tests.support.builders import a_decision_record
from tests.support.staff_desk import StaffDesk

BEIJING = ZoneInfo("Asia/Shanghai")
REPORT = {"cause": "退款审核规则缺失", "prevention": "退款超过三天自动提醒主管"}
SUMMARY = {"summary": "商品质量问题已退款，供应商整改"}


def beijing(*parts) -> datetime:
    return datetime(*parts, tzinfo=BEIJING)


class Outgoing:
    def __init__(self):
        self.sent = []

    def send(self, message) -> list[str]:
        self.sent.append(message)
        return [message["Message-ID"]]


class Month:
    """The services on the store, the clock, the staff, and the cases by letter."""

    def __init__(self, settings, store):
        self.clock = FixedClock(beijing(2026, 10, 30, 10, 0).astimezone(UTC))
        self.app = bootstrap.build_services(dataclasses.replace(settings, follow_up_link_days=60),
                                            store=store, clock=self.clock, transport=Outgoing())
        self.store = store
        desk = StaffDesk(store, self.clock)
        self.cases = self.app.staff_cases
        self.clerk = desk.member(Role.CLERK, department="客服中心")
        self.boss = desk.member(Role.SUPERVISOR, department="客服中心")
        self.boss2 = desk.member(Role.SUPERVISOR, department="客服中心")
        self.h1 = desk.member(Role.HANDLER, department="运营部")
        self.h2 = desk.member(Role.HANDLER, department="法务部")
        self.leader = desk.member(Role.LEADER, department="总经办")
        self.n: dict[str, str] = {}

    def at(self, *parts) -> Month:
        self.clock.advance(beijing(*parts).astimezone(UTC) - self.clock.now())
        return self

    def form(self, letter: str, email: str, kind=Kind.COMPLAINT, category="service") -> str:
        self.n[letter] = self.app.registration.register(NewCase(
            kind=kind, channel=Channel.WEB_FORM, category=category, subject=f"案件 {letter}",
            description="申请退款十天了还没有到账，客服不回复。", name="王小明", email=email,
            phone="")).number
        return self.n[letter]

    def take(self, letter: str, handler) -> None:
        """Accept, assign to the handler and their department, start work."""
        number = self.n[letter]
        self.cases.accept(self.boss, number)
        self.assign(letter, handler)

    def assign(self, letter: str, handler) -> None:
        number = self.n[letter]
        self.cases.assign(self.boss, number, assignee=handler.member.id,
                          department=handler.member.department, reason="由其部门办理")
        self.cases.start_work(handler, number)

    def decide(self, letter: str, handler, approver, outcome: str, **report) -> None:
        number = self.n[letter]
        record = a_decision_record(outcome=outcome)
        if report:
            record["closure_report"] = report
        self.cases.draft_decision(handler, number, **record)
        self.cases.approve_decision(approver, number)

    def rate(self, letter: str, rating: int) -> None:
        number = self.n[letter]
        [queued] = [e for e in self.events(number, EventType.NOTICE_QUEUED)
                    if e.data["template"] == "case_closed"]
        token = self.app.follow_up_links.sign(FollowUpLink(number, queued.data["outbox_id"], 0))
        page = self.app.handling_ratings.rate(number, token, str(rating), "")
        assert page.state == "rated", page

    def events(self, number: str, type_) -> list:
        found, after = [], 0
        while page := self.store.case_events(number, public_only=False, after_seq=after):
            found += [e for e in page if e.type == type_]
            after = page[-1].seq
        return found

    def sweep(self):
        return self.app.deadline_sweep.run(60)


def seed(settings, store) -> Month:
    """The cases of the module docstring, in the order things happened."""
    m = Month(settings, store)
    m.at(2026, 10, 30, 10, 0).form("G", "g@example.com")
    m.at(2026, 10, 30, 11, 0).take("G", m.h2)
    m.cases.set_severity(m.boss, m.n["G"], severity="major", reason="已起诉")
    m.at(2026, 11, 2, 10, 0).form("A", "a@example.com")
    m.at(2026, 11, 2, 11, 0).take("A", m.h1)
    m.at(2026, 11, 3, 9, 30).form("B", "a@example.com", category="product_quality")
    m.at(2026, 11, 3, 10, 0).decide("G", m.h2, m.boss, "not_upheld", **REPORT)
    m.at(2026, 11, 4, 10, 0).decide("A", m.h1, m.boss, "upheld")
    m.at(2026, 11, 4, 15, 0).take("B", m.h1)
    m.at(2026, 11, 5, 10, 0).form("C", "c@example.com", kind=Kind.REPORT, category="fraud")
    m.at(2026, 11, 5, 14, 0).cases.reject(m.boss, m.n["C"], reason="no_facts")
    m.at(2026, 11, 5, 15, 0).rate("A", 5)
    m.at(2026, 11, 6, 10, 0)
    for _ in range(2):  # the same mark again records nothing
        m.cases.mark_report(m.boss, m.n["C"], mark="malicious", reason="捏造事实，多次重复举报")
    m.at(2026, 11, 9, 10, 0)
    m.n["D"] = m.app.offline_registration.register(
        m.clerk, channel="phone", kind="complaint", category="service", subject="案件 D",
        description="来电称退款申请三周未处理，客服电话打不通。", name="李四",
        email="d@example.com", phone="13812345678")["number"]
    m.at(2026, 11, 9, 10, 30).take("D", m.h2)
    m.at(2026, 11, 9, 11, 0).cases.set_severity(m.boss, m.n["D"], severity="major",
                                                reason="媒体已报道")
    m.at(2026, 11, 10, 10, 0).decide("D", m.h2, m.boss, "partly_upheld", **REPORT)
    m.at(2026, 11, 10, 12, 0).rate("D", 2)
    m.at(2026, 11, 11, 10, 0).cases.register_appeal(m.clerk, m.n["D"], text="处理结果不合理")
    m.at(2026, 11, 11, 12, 0)
    m.sweep()
    m.sweep()  # a second run finds its claims: nothing more is counted
    m.at(2026, 11, 12, 10, 0).assign("D", m.h1)
    m.decide("D", m.h1, m.boss2, "upheld", **REPORT)
    m.clock.advance(beijing(2026, 11, 29, 23, 30).astimezone(UTC) - m.clock.now())
    m.form("E", "e@example.com")
    m.at(2026, 11, 30, 10, 0).decide("B", m.h1, m.boss, "upheld", **SUMMARY)
    m.at(2026, 12, 1, 0, 30).form("F", "f@example.com")
    return m
