"""Held mail for staff (issue 8): the queue, the decoded message and the raw one, opening a case
from a held message and dismissing one, under the role table — on both stores, with real
messages through the real mail intake. Attaching, and actions interrupted halfway, are in
test_held_mail_filing."""
from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest

from shared.domain.cases import Channel, EventType, Kind
from shared.domain.errors import InvalidCommand
from shared.domain.held_mail import HeldMailNotFound, HeldMailSettled
from shared.domain.permissions import Forbidden
from shared.domain.queues import CaseQuery
from shared.domain.staff import Role
from shared.services.mail_intake import MailOutcome
from tests.support.held_mail import (
    CLERK,
    COMPLAINT,
    held_complaint,
    only_open,
    requester,
    services_on,
)
from tests.support.inbound_mail import corpus, deliver, receive_verified, reply
from tests.support.mailbox import read_mailbox
from tests.support.timeline import events_of


@pytest.fixture
def desk_app(settings, mailbox, clock, store):
    return services_on(settings, mailbox, clock, store)


def test_the_queue_lists_open_held_mail_newest_first_and_pages(desk_app, clock):
    ids = []
    for i in range(3):
        raw = reply("report@example.com", f"robot{i}@example.org", f"自动回复 {i}", "我在休假",
                    Auto_Submitted="auto-replied", message_id=f"<ooo-{i}@example.org>")
        receive_verified(desk_app, raw)
        ids.append(desk_app.held_mail_desk.queue(CLERK, limit=1)["items"][0]["id"])
        clock.advance(timedelta(minutes=1))
    first = desk_app.held_mail_desk.queue(CLERK, limit=2)
    assert [i["id"] for i in first["items"]] == ids[::-1][:2]
    second = desk_app.held_mail_desk.queue(CLERK, after=first["next"], limit=2)
    assert [i["id"] for i in second["items"]] == ids[:1] and second["next"] is None
    item = first["items"][0]
    assert item == {"id": ids[2], "received_at": "2026-11-28T12:32:00Z",
                    "sender": "robot2@example.org", "subject": "自动回复 2",
                    "reason": "Auto-Submitted: auto-replied", "open": True,
                    "resolution": None}


def test_staff_read_the_decoded_message_and_download_the_raw_one(desk_app):
    raw = corpus("out_of_office.eml")
    receive_verified(desk_app, raw)
    held_id = only_open(desk_app)
    shown = desk_app.held_mail_desk.read(CLERK, held_id)
    message = shown["message"]
    assert message["from"] == "Zhou Jie <zhoujie@corp.example.cn>"
    assert message["from_address"] == "zhoujie@corp.example.cn"
    assert message["to"] == "report@example.com"
    assert message["date"] == "Sat, 28 Nov 2026 12:40:00 +0800"
    assert message["subject"] == "自动回复: 您的举报已收到"
    assert "我正在休假，12 月 5 日回来" in message["text"]
    assert message["attachments"] == [] and shown["open"] is True
    assert desk_app.held_mail_desk.raw(CLERK, held_id) == raw


def test_a_case_opened_from_held_mail_is_an_email_case_acknowledged_with_its_code(
        desk_app, mailbox):
    held_id = held_complaint(desk_app)
    opened = desk_app.held_mail_desk.open_case(CLERK, held_id, reason="读者本人的投诉，自动转发")
    number = opened["case_number"]
    case = desk_app.store.get_case(number)
    assert (case.channel, case.kind, case.category) == (Channel.EMAIL, Kind.COMPLAINT, "other")
    assert COMPLAINT in case.description and case.subject == "投诉：退款三周未处理"
    assert desk_app.store.get_identity(number).email == "wangfang@qq.com"
    [registered] = [e for e in events_of(desk_app.store, number)
                    if e.type == EventType.CASE_REGISTERED]
    assert registered.actor == CLERK.actor
    assert registered.data["held_id"] == held_id and registered.data["from"] == CLERK.client
    assert registered.data["raw"].startswith("mail/")  # the raw message, kept as for email cases
    # Settled: out of the queue, with who, what, when and from where.
    assert desk_app.held_mail_desk.queue(CLERK)["items"] == []
    resolution = desk_app.held_mail_desk.read(CLERK, held_id)["resolution"]
    assert resolution == {"action": "opened_case", "case_number": number,
                          "reason": "读者本人的投诉，自动转发", "by": CLERK.member.id,
                          "at": "2026-11-28T12:30:00Z", "from": CLERK.client}
    # The reporter gets the acknowledgment in their thread, with the code staff were given.
    assert opened["acknowledgment"] == "queued"
    deliver(desk_app)
    [ack] = read_mailbox(mailbox[1])
    assert ack["To"] == "wangfang@qq.com" and ack["In-Reply-To"] == "<fwd-778@qq.com>"
    assert opened["access_code"] in ack.get_body(("plain",)).get_content()


def test_opening_a_case_twice_opens_one_case(desk_app):
    held_id = held_complaint(desk_app)
    number = desk_app.held_mail_desk.open_case(CLERK, held_id)["case_number"]
    with pytest.raises(HeldMailSettled) as refused:
        desk_app.held_mail_desk.open_case(requester(Role.SUPERVISOR), held_id, kind="report")
    assert refused.value.entry.resolution.case_number == number
    assert [c.number for c in desk_app.store.find_cases(CaseQuery(channel="email")).cases] == [number]


def test_kind_and_category_may_be_given_and_are_checked(desk_app):
    held_id = held_complaint(desk_app)
    for bad in (dict(kind="spam"), dict(kind=["report"]), dict(kind="report", category="billing"),
                dict(category="no_such_category"), dict(category=7)):
        with pytest.raises(InvalidCommand):
            desk_app.held_mail_desk.open_case(CLERK, held_id, **bad)
    assert desk_app.store.find_cases(CaseQuery(channel="email")).cases == []
    assert desk_app.held_mail_desk.read(CLERK, held_id)["open"]
    number = desk_app.held_mail_desk.open_case(CLERK, held_id, kind="report",
                                               category="fraud")["case_number"]
    case = desk_app.store.get_case(number)
    assert (case.kind, case.category) == (Kind.REPORT, "fraud") and number.startswith("JB-")


def test_a_message_without_a_sender_opens_a_case_nobody_is_mailed_about(desk_app, mailbox):
    raw = b"From: =?utf-8?B?546L5ZaG?=@qq.com\r\nTo: report@example.com\r\n" \
          b"Subject: =?utf-8?B?5Li+5oql?=\r\nMessage-ID: <nosender@qq.com>\r\n\r\nfraud ad\r\n"
    assert receive_verified(desk_app, raw).outcome == MailOutcome.HELD
    opened = desk_app.held_mail_desk.open_case(CLERK, only_open(desk_app))
    assert opened["acknowledgment"] == "no_address" and opened["access_code"]
    deliver(desk_app)
    assert read_mailbox(mailbox[1]) == []


def test_dismissing_needs_a_reason_and_happens_once(desk_app):
    held_id = held_complaint(desk_app)
    for reason in ("", "  \u200b\u202e ", None, 12, "理" * 2001):
        with pytest.raises(InvalidCommand):
            desk_app.held_mail_desk.dismiss(CLERK, held_id, reason)
    assert desk_app.held_mail_desk.read(CLERK, held_id)["open"]
    done = desk_app.held_mail_desk.dismiss(CLERK, held_id, " 自动回复，无需处理 ")
    assert done["open"] is False
    assert done["resolution"]["action"] == "dismissed"
    assert done["resolution"]["reason"] == "自动回复，无需处理"
    assert done["resolution"]["case_number"] is None
    with pytest.raises(HeldMailSettled):
        desk_app.held_mail_desk.dismiss(requester(Role.SUPERVISOR), held_id, "again")
    assert desk_app.held_mail_desk.read(CLERK, held_id)["resolution"] == done["resolution"]


def test_hostile_attachment_names_are_listed_safely(desk_app):
    message = EmailMessage()
    message["From"], message["To"] = "robot@example.org", "report@example.com"
    message["Subject"], message["Auto-Submitted"] = "evidence", "auto-generated"
    message.set_content("see attachments")
    for name in ("invoice\u202efdp.exe", "../../../etc/passwd", "a\x07\x1b[31mb.txt",
                 "..\\..\\boot.ini"):
        message.add_attachment(b"%PDF-1.4 data", maintype="application", subtype="pdf",
                               filename=name)
    receive_verified(desk_app, message.as_bytes())
    listed = desk_app.held_mail_desk.read(CLERK, only_open(desk_app))["message"]["attachments"]
    names = [a["name"] for a in listed]
    # Shown escaped, so that staff see the trick (R20 protects people, not file names).
    assert names == ["invoice\\u202efdp.exe", "passwd", "a\\u0007\\u001b[31mb.txt", "boot.ini"]
    assert all(a["size"] == 13 and a["content_type"] == "application/pdf" for a in listed)


def test_only_the_roles_the_table_names_may_read_or_act(desk_app):
    held_id = held_complaint(desk_app)
    desk = desk_app.held_mail_desk
    acts = [lambda who: desk.open_case(who, held_id),
            lambda who: desk.attach(who, held_id, "TS-20261128-ABCDEF-0"),
            lambda who: desk.dismiss(who, held_id, "spam")]
    reads = [lambda who: desk.queue(who), lambda who: desk.read(who, held_id),
             lambda who: desk.raw(who, held_id)]
    for who in (requester(Role.HANDLER), requester(Role.LEADER), requester(Role.ADMIN),
                requester(Role.CLERK, active=False)):
        for attempt in reads + acts:
            with pytest.raises(Forbidden):
                attempt(who)
    auditor = requester(Role.AUDITOR)
    assert desk.read(auditor, held_id)["open"] and desk.raw(auditor, held_id)
    for attempt in acts:
        with pytest.raises(Forbidden):
            attempt(auditor)
    assert desk.read(CLERK, held_id)["open"]
    assert desk_app.store.find_cases(CaseQuery(channel="email")).cases == []


def test_nonsense_ids_cursors_and_sizes_get_clear_errors(desk_app):
    held_complaint(desk_app)
    desk = desk_app.held_mail_desk
    for held_id in ("0" * 32, "../mail/x", "", None, 7, "a" * 5000):
        for attempt in (desk.read, desk.raw):
            with pytest.raises(HeldMailNotFound):
                attempt(CLERK, held_id)
        with pytest.raises(HeldMailNotFound):
            desk.dismiss(CLERK, held_id, "spam")
    for bad in (dict(limit=0), dict(limit=51), dict(limit="10"), dict(limit=True),
                dict(after="garbage"), dict(after=5), dict(after="x" * 100_000)):
        with pytest.raises(InvalidCommand):
            desk.queue(CLERK, **bad)
