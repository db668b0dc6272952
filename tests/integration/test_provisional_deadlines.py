"""Provisional deadlines on both stores: a deadline counted on a year chinese-calendar has no data
for (2027 in the installed release) says so on the status page, the staff view and every receipt;
once the operator adds the year to the override file and deploys, one sweep counts it again from
its start, clears the mark, records it for staff and tells the reporter a moved decision date —
once, whether the sweep runs twice or two sweeps race."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.adapters import chinese_working_days
from shared.adapters.clock import FixedClock
from shared.bootstrap import build_services
from shared.domain.cases import SYSTEM, EventType
from shared.domain.outbox import Template
from shared.domain.staff import Requester, Role
from shared.services.deadline_sweep import DeadlineSweep
from shared.services.submissions import SubmitCase
from tests.support.mailbox import read_mailbox
from tests.support.staff_builders import staff_member
from tests.support.timeline import events_of

BEIJING = ZoneInfo("Asia/Shanghai")
CODE = "AAAA-BBBB-CCCC-DDDD"  # the access code of `a_case`
CLIENT = "198.51.100.23"
WORDS_EN = "assumes Monday to Friday are working days"
PHONE_CALL = dict(channel="phone", kind="complaint", category="service", subject="电话投诉：退款未到账",
                  description="来电称三天前申请退款，至今未到账。", name="王小明", phone="13800138000",
                  email="xiaoming@example.com")


def beijing(*parts) -> datetime:
    return datetime(*parts, tzinfo=BEIJING)


@pytest.fixture
def published(tmp_path, monkeypatch):
    """Deploys with 2027 in the override file, as the operator writes it the day the State Council
    publishes it (here: 1 January and, for the test, Monday 4 January off); the services built
    after calling it count on it."""

    def publish():
        path = tmp_path / "holiday_overrides.json"
        path.write_text(json.dumps({"version": 1, "years": {"2027": {
            "holidays": ["2027-01-01", "2027-01-04"], "working_days": [],
            "source": "国办发明电〔2026〕N号"}}}), encoding="utf-8")
        known = chinese_working_days.load_overrides(path)
        monkeypatch.setattr(chinese_working_days, "load_overrides", lambda path=None: known)

    return publish


def app_at(settings, store, moment: datetime, **changes):
    return build_services(replace(settings, **changes), store=store,
                          clock=FixedClock(moment.astimezone(UTC)))


def clerk_of(store) -> Requester:
    member = staff_member((Role.CLERK, Role.SUPERVISOR), department="客服中心")
    store.put_staff(member)
    return Requester(member, CLIENT)


def recounted(store, number) -> list:
    return [e for e in events_of(store, number) if e.type == EventType.DEADLINE_RECOUNTED]


def reporter_notices(store, number, template: Template) -> int:
    return sum(1 for e in events_of(store, number) if e.type == EventType.NOTICE_QUEUED
               and e.data.get("template") == template.value)


def mail_about(folder, words: str):
    [mail] = [m for m in read_mailbox(folder) if words in m["Subject"]]
    return mail


def body(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def test_a_review_due_in_a_year_without_data_says_provisional_on_every_receipt_and_page(
        settings, store):
    app = app_at(settings, store, beijing(2027, 1, 2, 10, 0))  # a Saturday; 2027 unknown
    token = "f" * 43
    form = SubmitCase(kind="complaint", category="billing", subject="订单 1",
                      description="重复扣费两次。", email="li.lei@example.com", form_token=token)
    first = app.intake.submit(form)
    again = app.intake.submit(form)  # the same form sent again: the first receipt, repeated
    assert (again.number, again.review_due_at) == (first.number, beijing(2027, 1, 5, 9, 0))
    assert first.review_due_provisional and again.review_due_provisional
    page = app.renderer.render("success.html", "en", registered=again, status_url="u",
                               receipt_link="r")
    assert "2027-01-05 09:00" in page and "assumes Monday to Friday" in page

    clerk = clerk_of(store)
    offline = app.offline_registration.register(clerk, **PHONE_CALL, request_id="call-0001")
    repeated = app.offline_registration.register(clerk, **PHONE_CALL, request_id="call-0001")
    assert repeated["repeated"] and repeated["number"] == offline["number"]
    assert offline["review_due_provisional"] is repeated["review_due_provisional"] is True

    view = app.status.look_up(first.number, again.access_code, CLIENT)
    assert view.review_due_provisional and not view.decision_due_provisional
    assert WORDS_EN in app.pages.case("en", view, again.access_code)
    # A complaint from someone who left an address: its first contact is counted on 2027 too.
    assert app.staff_cases.view(clerk, first.number).provisional_deadlines == [
        "first_contact", "review"]

    known = app_at(settings, store, beijing(2026, 11, 27, 23, 0))  # a known year says nothing
    told = known.offline_registration.register(clerk, **PHONE_CALL, request_id="call-0002")
    assert told["review_due_provisional"] is False
    assert known.staff_cases.view(clerk, told["number"]).provisional_deadlines == []
    known_view = known.status.look_up(told["number"], told["access_code"], CLIENT)
    assert WORDS_EN not in known.pages.case("en", known_view, told["access_code"])


def test_a_provisional_review_is_looked_at_daily_and_counted_again_once_the_year_is_published(
        settings, store, published):
    received = beijing(2027, 1, 2, 10, 0)
    app = app_at(settings, store, received)
    clerk = clerk_of(store)
    number = app.offline_registration.register(clerk, **PHONE_CALL)["number"]
    assert store.get_case(number).next_due_at == received + timedelta(days=1)  # a daily look

    still_unknown = app_at(settings, store, received + timedelta(days=1)).deadline_sweep.run(60)
    case = store.get_case(number)
    assert still_unknown.cases_read == 1 and case.deadlines_provisional
    assert case.review_due_at == beijing(2027, 1, 5, 9, 0) and recounted(store, number) == []
    assert case.next_due_at == received + timedelta(days=2)

    published()  # the operator added 2027 and deployed
    after = app_at(settings, store, received + timedelta(days=2))
    first, again = after.deadline_sweep.run(60), after.deadline_sweep.run(60)
    case = store.get_case(number)
    # Monday 4 January is a holiday after all: 24 h from Tuesday 09:00, and the first contact's
    # 4 working hours end on Tuesday 13:00.
    assert case.review_due_at == beijing(2027, 1, 6, 9, 0)
    assert case.first_contact_due_at == beijing(2027, 1, 5, 13, 0)
    assert not case.deadlines_provisional and case.deadline_counts == {}
    assert (first.actions.get("recount_review"), first.actions.get("recount_first_contact")) == (
        1, 1)
    assert again.cases_read == 0
    events = {e.data["deadline"]: e for e in recounted(store, number)}
    assert sorted(events) == ["first_contact", "review"]
    assert all((e.actor, e.public) == (SYSTEM, False) for e in events.values())
    assert events["review"].data["now"] == beijing(2027, 1, 6, 9, 0).astimezone(UTC).isoformat()
    assert "2027-01-05 09:00 → 2027-01-06 09:00" in events["review"].text
    assert "2027-01-04 13:00 → 2027-01-05 13:00" in events["first_contact"].text
    view = after.staff_cases.view(clerk, number)
    assert view.provisional_deadlines == [] and view.review_due_at == "2027-01-06T01:00:00.000Z"
    assert view.first_contact["due_at"] == "2027-01-05T05:00:00.000Z"
    assert reporter_notices(store, number, Template.DECISION_DEADLINE_CHANGED) == 0


def test_a_moved_decision_deadline_is_counted_again_and_told_to_the_reporter_once(
        settings, store, published, mailbox):
    port, folder = mailbox
    accepted = beijing(2026, 12, 21, 10, 0)
    app = app_at(settings, store, accepted, smtp_port=port)
    clerk = clerk_of(store)
    # A report: no first-contact clock (complaints only), the decision is its only deadline.
    report = dict(PHONE_CALL, kind="report", category="fraud")
    number = app.offline_registration.register(clerk, **report)["number"]
    app.staff_cases.accept(clerk, number)
    case = store.get_case(number)
    assert case.decision_due_at == beijing(2027, 1, 11, 18, 0) and case.deadlines_provisional
    assert app.staff_cases.view(clerk, number).provisional_deadlines == ["decision"]
    assert case.next_due_at == accepted  # the sweep looks at once, and then daily
    app.delivery.deliver_due()  # the acknowledgment and the acceptance, which says it may change
    accepted_mail = body(mail_about(folder, "已受理"))
    assert "2027-01-11 18:00" in accepted_mail and "暂按周一至周五工作日推算" in accepted_mail

    published()
    moment = accepted + timedelta(days=1)
    after = app_at(settings, store, moment, smtp_port=port)
    other = after.deadline_sweep

    class Racing:
        """The store as a second sweep sees it: the first runs right after each page is read."""

        def __getattr__(self, name):
            return getattr(store, name)

        def due_cases(self, now, limit):
            page = store.due_cases(now, limit)
            other.run(60)
            return page

    racing = DeadlineSweep(Racing(), FixedClock(moment.astimezone(UTC)),
                           calendar=after.deadlines.calendar).run(60)
    again = after.deadline_sweep.run(60)
    case = store.get_case(number)
    # 1 and 4 January 2027 are holidays: the fifteenth working day is Wednesday 13 January.
    assert case.decision_due_at == beijing(2027, 1, 13, 18, 0) and not case.deadlines_provisional
    assert racing.actions.get("recount_decision", 0) == 0 and again.cases_read == 0
    [event] = recounted(store, number)
    assert (event.actor, event.public, event.data["deadline"]) == (SYSTEM, False, "decision")
    assert reporter_notices(store, number, Template.DECISION_DEADLINE_CHANGED) == 1
    assert after.staff_cases.view(clerk, number).provisional_deadlines == []

    after.delivery.deliver_due()
    text = body(mail_about(folder, "处理期限已变更"))
    assert "2027-01-13 18:00" in text and "按公布的安排重新计算" in text
    assert "期限可能调整" not in text  # no longer provisional


def test_the_status_page_shows_the_decision_deadline_and_whether_it_is_provisional(
        settings, store, published):
    app = app_at(settings, store, beijing(2026, 12, 21, 10, 0))
    clerk = clerk_of(store)
    registered = app.offline_registration.register(clerk, **PHONE_CALL)
    number, code = registered["number"], registered["access_code"]
    app.staff_cases.accept(clerk, number)
    view = app.status.look_up(number, code, CLIENT)
    assert view.decision_due_provisional and not view.review_due_provisional
    page = app.pages.case("en", view, code)
    assert "Decision due" in page and "2027-01-11 18:00" in page and WORDS_EN in page

    published()
    after = app_at(settings, store, beijing(2026, 12, 22, 10, 0))
    after.deadline_sweep.run(60)
    view = after.status.look_up(number, code, CLIENT)
    page = after.pages.case("zh-CN", view, code)
    assert "2027-01-13 18:00" in page and "暂按周一至周五" not in page


def test_an_extended_provisional_decision_deadline_is_counted_again_with_its_extension(
        settings, store, published):
    accepted = beijing(2026, 12, 21, 10, 0)
    app = app_at(settings, store, accepted)
    clerk = clerk_of(store)
    number = app.offline_registration.register(
        clerk, **dict(PHONE_CALL, kind="report", category="fraud"))["number"]
    app.staff_cases.accept(clerk, number)
    leader = staff_member((Role.LEADER,), department="客服中心")
    store.put_staff(leader)
    app.staff_cases.request_extension(clerk, number, working_days=5, reason="需要调取外部证据")
    app.staff_cases.approve_extension(Requester(leader, CLIENT), number)
    assert store.get_case(number).decision_due_at == beijing(2027, 1, 18, 18, 0)  # assumed

    published()
    after = app_at(settings, store, accepted + timedelta(days=1))
    after.deadline_sweep.run(60)
    after.deadline_sweep.run(60)
    case = store.get_case(number)
    # 15 working days to 13 January (1 and 4 January off), then the 5 of the extension.
    assert case.decision_due_at == beijing(2027, 1, 20, 18, 0) and not case.deadlines_provisional
    [event] = recounted(store, number)
    assert "2027-01-18 18:00 → 2027-01-20 18:00" in event.text
    changed = [store.get_outbox(e.data["outbox_id"]) for e in events_of(store, number)
               if e.type == EventType.NOTICE_QUEUED
               and e.data.get("template") == Template.DECISION_DEADLINE_CHANGED.value]
    assert [m.details["cause"] for m in changed] == ["extension", "recount"]


def test_a_receipt_marks_the_review_only_when_the_review_itself_was_guessed(settings, store):
    # New Year's Eve 16:00: the review is due 24 h later, counted from a known working moment;
    # the first contact's 4 working hours run into 2027, which is guessed.
    app = app_at(settings, store, beijing(2026, 12, 31, 16, 0))
    receipt = app.intake.submit(SubmitCase(
        kind="complaint", category="billing", subject="订单 3", description="重复扣费两次。",
        email="li.lei@example.com", form_token="g" * 43))
    assert receipt.review_due_at == beijing(2027, 1, 1, 16, 0)
    assert not receipt.review_due_provisional
    clerk = clerk_of(store)
    assert app.staff_cases.view(clerk, receipt.number).provisional_deadlines == ["first_contact"]


def test_each_mail_marks_only_the_deadline_it_shows_as_provisional(settings, store, mailbox):
    port, folder = mailbox
    app = app_at(settings, store, beijing(2026, 12, 31, 16, 0), smtp_port=port)
    receipt = app.intake.submit(SubmitCase(  # the first contact is a guess, the review is not
        kind="complaint", category="billing", subject="订单 4", description="重复扣费两次。",
        email="li.lei@example.com", form_token="h" * 43))
    app.delivery.deliver_due()
    [acknowledgment] = [m for m in read_mailbox(folder) if receipt.number in m["Subject"]]
    assert "2027-01-01 16:00" in body(acknowledgment)
    assert "暂按周一至周五工作日推算" not in body(acknowledgment)
    assert store.get_case(receipt.number).deadlines_provisional  # the first contact's count
