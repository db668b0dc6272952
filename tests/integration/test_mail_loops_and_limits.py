"""Email intake never answers a machine (auto-replies, lists, our own mail, a null sender),
records delivery reports on the message they are about or holds them, registers a message once
however often it arrives, and keeps to the acknowledgments per sender an hour."""
from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial

from shared.bootstrap import build_services
from shared.domain.cases import EventType
from shared.domain.reply_tokens import derived_access_code, reply_address
from shared.services.mail_intake import MailOutcome
from tests.support.inbound_mail import corpus, deliver, events, first_case, receive_verified, reply
from tests.support.mailbox import read_mailbox


def test_machines_are_never_answered_but_always_recorded(app, mailbox):
    _, folder = mailbox
    for name in ("out_of_office.eml", "mailing_list.eml"):
        assert receive_verified(app, corpus(name)).outcome == MailOutcome.HELD
    assert deliver(app) == [] and read_mailbox(folder) == []
    held = app.store.held_mail(10)
    assert {h.sender for h in held} == {"zhoujie@corp.example.cn", "digest@lists.example.org"}
    assert all(h.raw_key.startswith("mail/") for h in held)


def test_an_out_of_office_reply_on_a_case_is_recorded_there_and_not_answered(app, mailbox,
                                                                             settings):
    _, folder = mailbox
    number = first_case(app)
    token_address = reply_address("report@example.com", settings.reply_key, number)
    auto = reply(token_address, "87654321@qq.com", "自动回复", "我在休假", Auto_Submitted="auto-replied")
    received = receive_verified(app, auto)
    assert (received.outcome, received.case_number) == (MailOutcome.JOINED, number)
    assert len(events(app, number, EventType.AUTOMATED_MAIL_RECEIVED)) == 1
    assert deliver(app) == [] and len(read_mailbox(folder)) == 1  # only the first acknowledgment


def test_our_own_mail_coming_back_is_never_answered(app, mailbox):
    own = reply("report@example.com", "report@example.com", "loop?", "我们自己的邮件")
    assert receive_verified(app, own).outcome == MailOutcome.HELD
    assert deliver(app) == []


def test_a_null_sender_is_never_answered(app):
    received = receive_verified(app, reply("report@example.com", "someone@example.org",
                                           "Out of office", "away"), envelope_sender="<>")
    assert received.outcome == MailOutcome.HELD and app.delivery.deliver_due() == []


# -- delivery reports ------------------------------------------------------------------------------

def test_a_bounce_marks_our_message_failed_and_the_reporter_unreachable(app, mailbox, settings):
    _, folder = mailbox
    number = first_case(app)
    [ack] = read_mailbox(folder)
    received = receive_verified(app, corpus("dsn_bounce.eml", our_message_id=ack["Message-ID"]))
    assert (received.outcome, received.case_number) == (MailOutcome.BOUNCE_RECORDED, number)
    case = app.store.get_case(number)
    assert case.reporter_unreachable
    assert events(app, number, EventType.MAIL_BOUNCED)[0].text.startswith("5.1.1")
    outbox_id = ack["Message-ID"].strip("<>").split("@")[0]
    assert app.store.get_outbox(outbox_id).status.value == "failed"
    code = derived_access_code(settings.reply_key, number)
    public = [e.type for e in app.status.look_up(number, code, "c").timeline]
    assert EventType.MAIL_BOUNCED in public


def test_a_bounce_for_no_message_of_ours_is_held_and_opens_no_case(app):
    received = receive_verified(app, corpus("dsn_bounce.eml", our_message_id="<x@elsewhere>"))
    assert received.outcome == MailOutcome.HELD
    assert app.store.held_mail(1)[0].reason.startswith("delivery report")


def test_a_forged_dsn_quoting_the_reporters_own_message_id_changes_nothing(app, mailbox):
    number = first_case(app)
    forged = corpus("dsn_bounce.eml", our_message_id="<tencent_2B1C0A4D5E6F7A8B9C0D1E2F@qq.com>")
    assert receive_verified(app, forged).outcome == MailOutcome.HELD
    assert not app.store.get_case(number).reporter_unreachable


def test_a_report_without_a_failed_action_is_no_bounce(app, mailbox):
    _, folder = mailbox
    first_case(app)
    [ack] = read_mailbox(folder)
    delayed = corpus("dsn_bounce.eml", our_message_id=ack["Message-ID"]).replace(
        b"Action: failed", b"Action: delayed")
    assert receive_verified(app, delayed).outcome == MailOutcome.HELD


# -- duplicates and the per-sender limit -----------------------------------------------------------

def test_the_same_message_twice_registers_once(app, mailbox):
    raw = corpus("163_complaint.eml")
    first = receive_verified(app, raw)
    assert receive_verified(app, raw).outcome == MailOutcome.DUPLICATE
    without_id = b"\r\n".join(line for line in raw.split(b"\r\n")
                                if not line.startswith(b"Message-ID"))
    assert receive_verified(app, without_id).outcome == MailOutcome.REGISTERED
    assert receive_verified(app, without_id).outcome == MailOutcome.DUPLICATE
    assert len(deliver(app)) == 2 and first.outcome == MailOutcome.REGISTERED


def test_acknowledgments_per_sender_are_limited(settings, mailbox, clock, sqlite_store):
    port, folder = mailbox
    app = build_services(dataclasses.replace(settings, smtp_port=port,
                                             acknowledgments_per_sender_per_hour=2),
                         store=sqlite_store, clock=clock)
    outcomes = [receive_verified(app, reply("report@example.com", "flood@example.net",
                                            f"report {i}", f"内容 {i}")) for i in range(4)]
    assert {o.outcome for o in outcomes} == {MailOutcome.REGISTERED}
    deliver(app)
    assert len(read_mailbox(folder)) == 2
    skipped = events(app, outcomes[-1].case_number, EventType.ACKNOWLEDGMENT_SKIPPED)
    assert len(skipped) == 1
    clock.advance(timedelta(hours=1))
    receive_verified(app, reply("report@example.com", "flood@example.net", "later", "新的"))
    deliver(app)
    assert len(read_mailbox(folder)) == 3


class CopiesInFlight:
    """The real store, with every registration held back until `copies` of them have arrived:
    the interleaving in which all redelivered copies pass the duplicate check before one is
    written (SNS retrying while SMTP delivers, or two workers on one notification)."""

    def __init__(self, store, copies: int):
        self._store = store
        self.barrier: threading.Barrier | None = threading.Barrier(copies)

    def register(self, *args, **kwargs):
        if self.barrier is not None:
            self.barrier.wait(timeout=60)  # a safety net for a broken test, not a timing
        return self._store.register(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._store, name)


def test_redelivered_copies_do_not_use_up_the_senders_acknowledgments(settings, mailbox, clock,
                                                                        store):
    port, folder = mailbox
    in_flight = CopiesInFlight(store, copies=6)
    app = build_services(dataclasses.replace(settings, smtp_port=port), store=in_flight,
                         clock=clock)
    copy = reply("report@example.com", "busy@example.net", "举报 1", "第一封", message_id="<one@x>")
    with ThreadPoolExecutor(6) as pool:
        outcomes = sorted(r.outcome for r in pool.map(partial(receive_verified, app), [copy] * 6))
    assert outcomes == [MailOutcome.DUPLICATE] * 5 + [MailOutcome.REGISTERED]
    in_flight.barrier = None
    others = [receive_verified(app, reply("report@example.com", "busy@example.net",
                                          f"举报 {i}", f"第 {i} 封")) for i in range(2, 6)]
    assert {o.outcome for o in others} == {MailOutcome.REGISTERED}
    deliver(app)
    assert len(read_mailbox(folder)) == 5  # one per distinct message, the hourly limit
