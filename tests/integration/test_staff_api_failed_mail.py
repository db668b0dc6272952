"""Failed mail flagged to staff (issue 10), through the staff API on both stores: mail a real SMTP
server refused is given up by a real scheduled run, listed to supervisors and admins (never to a
handler, never with the reporter's address), and sent again once to the real mailbox."""
from __future__ import annotations

from shared.adapters.smtp_transport import SmtpTransport
from shared.bootstrap import build_services
from shared.domain.cases import EventType
from shared.domain.staff import Role
from shared.services.scheduled_sweep import run_scheduled_sweep
from tests.support import staff_api as fixtures
from tests.support.mailbox import RefusingHandler, read_mailbox, smtp_server
from tests.support.staff_api import json_of
from tests.support.staff_desk import StaffDesk

staff_api = fixtures.staff_api
REPORTER = "wangxm@qq.com"  # the StaffDesk's reporter


def given_up(api, cases, count: int) -> list[str]:
    """`count` cases whose acknowledgment a refusing SMTP server made the scheduled run give up
    (550: permanent); their numbers, oldest first."""
    numbers = []
    for _ in range(count):
        number = cases.case()
        api.store.update_case(number, lambda case: [queue_acknowledgment(case, api)])
        numbers.append(number)
    with smtp_server(RefusingHandler()) as port:
        refusing = build_services(api.app.settings, store=api.store, clock=api.app.clock,
                                  transport=SmtpTransport("127.0.0.1", port))
        run = run_scheduled_sweep(refusing.deadline_sweep, refusing.delivery, 60)
    assert (run.mail_given_up, run.as_json()["mail_failed_open"]) == (count, count)
    return numbers


def queue_acknowledgment(case, api):
    from shared.domain.outbox import Template, queue_notice

    return queue_notice(case, Template.ACKNOWLEDGMENT, api.app.clock.now())


def test_refused_mail_is_listed_to_supervisors_and_sent_again_once(staff_api, mailbox):
    api, cases = staff_api, StaffDesk(staff_api.store, staff_api.app.clock)
    _, folder = mailbox
    first, second = given_up(api, cases, 2)
    boss, boss_token = api.member(Role.SUPERVISOR)
    _, admin = api.member(Role.ADMIN)
    listing = api.get("/mail/failed?limit=1", boss_token)
    page = json_of(listing)
    assert [item["case_number"] for item in page["items"]] == [second]  # newest failure first
    item = page["items"][0]
    assert (item["template"], item["addressee"], item["status"], item["attempts"],
            item["error_class"]) == ("acknowledgment", "reporter", "failed", 1,
                                     "recipient_refused")
    assert "w***@qq.com" in item["error"] and REPORTER not in listing.get_data(as_text=True)
    rest = json_of(api.get(f"/mail/failed?limit=1&after={page['next_cursor']}", admin))
    assert [i["case_number"] for i in rest["items"]] == [first] and rest["next_cursor"] is None
    assert read_mailbox(folder) == []

    retried = api.post(f"/mail/{item['id']}/retry", boss_token,
                       json={"reason": "对方邮箱已恢复"})
    assert retried.status_code == 200 and json_of(retried)["status"] == "pending"
    assert [i["case_number"] for i in json_of(api.get("/mail/failed", boss_token))["items"]] \
        == [first]
    [requeued] = cases.events(second, EventType.NOTICE_REQUEUED)
    assert (requeued.actor, requeued.text, requeued.public) == (
        f"staff:{boss.id}", "对方邮箱已恢复", False)
    again = api.post(f"/mail/{item['id']}/retry", boss_token, json={"reason": "再试一次"})
    assert (again.status_code, json_of(again)["error"]) == (409, "mail_not_failed")

    [sent] = api.app.delivery.deliver_due()  # the next delivery pass, to the real mailbox
    assert sent.outbox_id == item["id"] and sent.outcome.value == "sent"
    [mail] = read_mailbox(folder)
    assert mail["To"] == REPORTER and second in mail["Subject"]
    assert api.app.delivery.deliver_due() == []
    assert api.post(f"/mail/{item['id']}/retry", boss_token,
                    json={"reason": "再试一次"}).status_code == 409  # sent: nothing to retry


def test_who_may_list_and_retry_and_bad_requests_change_nothing(staff_api):
    api, cases = staff_api, StaffDesk(staff_api.store, staff_api.app.clock)
    [number] = given_up(api, cases, 1)
    _, handler = api.member(Role.HANDLER)
    _, clerk = api.member(Role.CLERK)
    _, boss = api.member(Role.SUPERVISOR)
    for token in (handler, clerk):
        refused = api.get("/mail/failed", token)
        assert (refused.status_code, json_of(refused)["action"]) == (403, "read_failed_mail")
    [item] = json_of(api.get("/mail/failed", boss))["items"]
    before = cases.snapshot(number)
    answers = {
        "handler": api.post(f"/mail/{item['id']}/retry", handler, json={"reason": "x"}),
        "no reason": api.post(f"/mail/{item['id']}/retry", boss, json={"reason": "  "}),
        "unknown": api.post("/mail/0123456789abcdef/retry", boss, json={"reason": "x"}),
        "not an id": api.post("/mail/abc.def/retry", boss, json={"reason": "x"}),
        "bad cursor": api.get("/mail/failed?after=yesterday", boss),
        "bad limit": api.get("/mail/failed?limit=500", boss),
    }
    assert {name: (a.status_code, json_of(a)["error"]) for name, a in answers.items()} == {
        "handler": (403, "forbidden"), "no reason": (422, "invalid_command"),
        "unknown": (404, "mail_not_found"), "not an id": (404, "mail_not_found"),
        "bad cursor": (422, "invalid_command"), "bad limit": (422, "invalid_command")}
    assert "message" in json_of(answers["unknown"])
    assert cases.snapshot(number) == before
    assert json_of(api.get("/mail/failed", boss))["items"] == [item]


def test_mail_of_a_case_about_a_supervisor_is_not_theirs_to_see(staff_api):
    api, cases = staff_api, StaffDesk(staff_api.store, staff_api.app.clock)
    subject, token = api.member(Role.SUPERVISOR)
    _, other = api.member(Role.SUPERVISOR)
    number = cases.case(about_staff=subject.id)
    api.store.update_case(number, lambda case: [queue_acknowledgment(case, api)])
    with smtp_server(RefusingHandler()) as port:
        build_services(api.app.settings, store=api.store, clock=api.app.clock,
                       transport=SmtpTransport("127.0.0.1", port)).delivery.deliver_due()
    assert json_of(api.get("/mail/failed", token))["items"] == []
    [item] = json_of(api.get("/mail/failed", other))["items"]
    answer = api.post(f"/mail/{item['id']}/retry", token, json={"reason": "x"})
    assert (answer.status_code, json_of(answer)["error"]) == (404, "mail_not_found")
