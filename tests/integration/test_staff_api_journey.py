"""Issue 8's journey through the staff API, on both stores, as the README shows it with curl: the
clerk signs in and registers a phone complaint, the supervisor accepts and assigns it, the handler
asks the reporter for information, the reporter answers by replying to that email, and the
handler sees the answer on the case — every email in the mailbox."""
from __future__ import annotations

from shared.domain.staff import Role
from tests.support import staff_api as fixtures
from tests.support.inbound_mail import receive_verified, reply
from tests.support.mailbox import read_mailbox
from tests.support.staff_api import json_of

staff_api = fixtures.staff_api  # the fixture

PASSWORD = "a demo password long enough"


def _sign_in(api, role: Role, **fields) -> tuple[str, str]:
    member, _ = api.member(role, **fields)
    api.store.put_staff(member, api.app.passwords.hash(PASSWORD))
    signed_in = api.post("/sign-in", json={"email": member.email, "password": PASSWORD})
    return member.id, json_of(signed_in)["token"]


def _mail(api, folder) -> list:
    api.app.delivery.deliver_due()
    return read_mailbox(folder)


def test_a_phone_complaint_from_registration_to_the_reporters_answer(staff_api, mailbox):
    api, folder = staff_api, mailbox[1]
    _, clerk = _sign_in(api, Role.CLERK, department="客服中心")
    _, supervisor = _sign_in(api, Role.SUPERVISOR, department="客服中心")
    handler_id, handler = _sign_in(api, Role.HANDLER, department="运营部")

    registered = json_of(api.post("/cases", clerk, json={
        "channel": "phone", "kind": "complaint", "category": "service",
        "subject": "退款三周未到账", "description": "来电称退款申请三周未处理，客服电话打不通。",
        "name": "王小明", "email": "wangxm@qq.com", "phone": "13812345678"}))
    number = registered["number"]
    assert registered["access_code"]  # read out to the caller once

    assert json_of(api.post(f"/cases/{number}/accept", supervisor))["status"] == "accepted"
    assigned = json_of(api.post(f"/cases/{number}/assignment", supervisor,
                                json={"assignee": handler_id, "department": "运营部"}))
    assert assigned["status"] == "assigned"
    assert json_of(api.post(f"/cases/{number}/start", handler))["status"] == "in_progress"
    drafted = json_of(api.post(f"/cases/{number}/messages", handler, json={
        "text": "请提供退款申请的截图和订单号。", "request_information": True}))
    [waiting] = drafted["replies_waiting"]  # the service centre approves replies (R12)
    asked = json_of(api.post(f"/cases/{number}/replies/{waiting['id']}/approve", supervisor))
    assert asked["status"] == "awaiting_reporter"

    question = [m for m in _mail(api, folder) if "截图" in m.get_body().get_content()]
    assert len(question) == 1 and question[0]["To"] == "wangxm@qq.com"
    answer = reply(question[0]["Reply-To"], "王小明 <wangxm@qq.com>", "Re: " + question[0]["Subject"],
                   "订单号 20261101-778，截图随后补上。", In_Reply_To=question[0]["Message-ID"])
    assert receive_verified(api.app, answer).case_number == number

    case = json_of(api.get(f"/cases/{number}", handler))
    assert case["status"] == "in_progress"
    events = json_of(api.get(f"/cases/{number}/events", handler))["events"]
    assert any("20261101-778" in event["text"] for event in events)
    assert [e["type"] for e in events].index("information_requested") < \
        [e["type"] for e in events].index("reporter_answered")
    subjects = [m["Subject"] for m in _mail(api, folder)]
    assert len(subjects) >= 4  # acknowledgment, accepted, assigned, question, answer received
