"""Held mail for the staff tests: a requester per role, and a real complaint that intake holds."""
from __future__ import annotations

import dataclasses

from shared.bootstrap import build_services
from shared.domain.staff import Requester, Role
from shared.services.mail_intake import MailOutcome
from tests.support.inbound_mail import receive_verified, reply
from tests.support.staff_builders import staff_member

COMPLAINT = "我的退款申请三周没有处理，客服电话打不通。订单号 20261101-778。"


def services_on(settings, mailbox, clock, store):
    """Every service as in production, on the given store, the loopback mailbox and the clock."""
    return build_services(dataclasses.replace(settings, smtp_port=mailbox[0]), store=store,
                          clock=clock)


def requester(*roles, **overrides) -> Requester:
    """A fresh member holding `roles`, asking from a fixed client address."""
    return Requester(staff_member(roles, **overrides), client="198.51.100.23")


CLERK = requester(Role.CLERK)


def held_complaint(app) -> str:
    """A real complaint that intake held: the reporter's mailbox forwards automatically, so the
    message says Auto-Submitted. Returns the held id."""
    raw = reply("report@example.com", "Wang Fang <wangfang@qq.com>", "投诉：退款三周未处理",
                COMPLAINT, Auto_Submitted="auto-forwarded", message_id="<fwd-778@qq.com>")
    assert receive_verified(app, raw).outcome == MailOutcome.HELD
    return only_open(app)


def only_open(app) -> str:
    """The id of the one open held message."""
    [item] = app.held_mail_desk.queue(CLERK)["items"]
    return item["id"]
