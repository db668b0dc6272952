"""Notices: composed in zh-CN and English, delivered once, retried visibly; every outcome is a
general notice event naming its template, on both stores."""
from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

import pytest

from shared.bootstrap import build_services
from shared.domain.cases import EventType
from shared.domain.outbox import OutboxStatus
from shared.services.mail_delivery import Outcome
from shared.services.submissions import SubmitCase
from tests.support.mailbox import RefusingHandler, free_port, read_mailbox, smtp_server
from tests.support.timeline import events_of, types_of


def submit(app, **overrides):
    fields = dict(kind="complaint", category="billing", subject="订单 998877",
                  description="我被重复扣费两次，共 199 元，请核实并退款。",
                  email="li.lei@example.com", phone="13800138000")
    fields.update(overrides)
    return app.intake.submit(SubmitCase(**fields))


def outbox_id(app, number):
    return next(e.data["outbox_id"] for e in events_of(app.store, number)
                if e.type == EventType.NOTICE_QUEUED)


def last_event(app, number):
    return events_of(app.store, number)[-1]


@pytest.fixture
def on_both_stores(settings, clock, store):
    """Services on each store, with an SMTP port set per test through `settings`."""
    return lambda port, **changes: build_services(
        dataclasses.replace(settings, smtp_port=port, **changes), store=store, clock=clock)


def test_the_acknowledgment_reaches_the_reporter_in_chinese(app, mailbox):
    _, folder = mailbox
    registered = submit(app)
    [result] = app.delivery.deliver_due()
    assert result.outcome == Outcome.SENT
    [mail] = read_mailbox(folder)
    assert mail["To"] == "li.lei@example.com"
    assert mail["Subject"] == f"[{registered.number}] 您的投诉已收到"
    assert mail["Auto-Submitted"] == "auto-replied"
    assert mail["Message-ID"] == f"<{result.outbox_id}@example.com>"
    text = mail.get_body(("plain",)).get_content()
    assert registered.number in text
    assert "我被重复扣费两次" in text
    assert "收费或账单" in text
    # Received on Saturday evening: due 24 hours from Monday 09:00, in Beijing time (R6).
    assert "最迟于 2026-12-01 09:00" in text
    assert f"case_status?number={registered.number}" in text
    assert registered.access_code not in mail.as_string()  # the code never travels by mail
    html = mail.get_body(("html",)).get_content()
    assert registered.number in html and "<table" in html
    last = last_event(app, registered.number)
    assert last.type == EventType.NOTICE_SENT
    assert last.data == {"outbox_id": result.outbox_id, "template": "acknowledgment"}


def test_english_acknowledgment(app, mailbox):
    _, folder = mailbox
    registered = submit(app, language="en", kind="report", category="fraud",
                        good_faith=True, anonymous=True)
    app.delivery.deliver_due()
    [mail] = read_mailbox(folder)
    assert mail["Subject"] == f"[{registered.number}] We have received your report"
    assert "Fraud" in mail.get_body(("plain",)).get_content()


def test_running_delivery_twice_sends_once(app, mailbox):
    _, folder = mailbox
    registered = submit(app)
    message_id = outbox_id(app, registered.number)
    first = app.delivery.deliver(message_id, respect_schedule=False)
    second = app.delivery.deliver(message_id, respect_schedule=False)
    assert (first.outcome, second.outcome) == (Outcome.SENT, Outcome.SKIPPED)
    assert app.delivery.deliver_due() == []
    assert len(read_mailbox(folder)) == 1


def test_concurrent_workers_send_once(app, mailbox):
    _, folder = mailbox
    sent = []
    registered = submit(app)
    message_id = outbox_id(app, registered.number)
    barrier = threading.Barrier(4)

    def worker():
        barrier.wait()
        sent.append(app.delivery.deliver(message_id).outcome)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sent.count(Outcome.SENT) == 1
    assert set(sent) - {Outcome.SENT} <= {Outcome.BUSY, Outcome.SKIPPED}  # leased, or done
    assert len(read_mailbox(folder)) == 1


def test_a_crash_after_sending_resends_with_the_same_message_id(app, mailbox, clock, monkeypatch):
    _, folder = mailbox
    registered = submit(app)
    message_id = outbox_id(app, registered.number)

    def crash(*args, **kwargs):
        raise SystemExit("worker killed after the SMTP transaction")

    monkeypatch.setattr(app.delivery, "_settle_success", crash)
    try:
        app.delivery.deliver(message_id)
    except SystemExit:
        pass
    monkeypatch.undo()
    assert app.store.get_outbox(message_id).status == OutboxStatus.SENDING
    assert app.delivery.deliver_due() == []  # the lease still holds
    clock.advance(timedelta(minutes=6))
    [result] = app.delivery.deliver_due()
    assert result.outcome == Outcome.SENT
    mails = read_mailbox(folder)
    assert len(mails) == 1  # the mailbox keeps one message per Message-ID
    assert mails[0]["Message-ID"] == f"<{message_id}@example.com>"
    assert types_of(app.store, registered.number).count(EventType.NOTICE_SENT) == 1


def test_an_unreachable_mail_server_is_retried_with_backoff_and_shown(on_both_stores, clock,
                                                                       tmp_path):
    from shared.local.mailbox import MailboxHandler

    port = free_port()  # nothing listens here yet
    app = on_both_stores(port)
    registered = submit(app)
    [first] = app.delivery.deliver_due()
    assert first.outcome == Outcome.RETRYING
    message_id = first.outbox_id
    entry = app.store.get_outbox(message_id)
    assert entry.status == OutboxStatus.PENDING and entry.attempts == 1
    assert entry.next_attempt_at == clock.now() + timedelta(minutes=1)
    assert "SMTP unavailable" in entry.last_error
    assert app.delivery.deliver_due() == []  # not due yet
    clock.advance(timedelta(minutes=1))
    [second] = app.delivery.deliver_due()
    assert second.outcome == Outcome.RETRYING
    assert app.store.get_outbox(message_id).next_attempt_at == clock.now() + timedelta(minutes=4)
    clock.advance(timedelta(minutes=4))
    with smtp_server(MailboxHandler(tmp_path / "late-mail"), port=port):
        [third] = app.delivery.deliver_due()
    assert third.outcome == Outcome.SENT
    assert len(read_mailbox(tmp_path / "late-mail")) == 1
    events = events_of(app.store, registered.number)
    retries = [e for e in events if e.type == EventType.NOTICE_RETRYING]
    assert [(e.data["template"], e.data["attempt"]) for e in retries] == \
        [("acknowledgment", 1), ("acknowledgment", 2)]
    assert "SMTP unavailable" in retries[0].text
    assert (events[-1].type, events[-1].data["template"]) == (EventType.NOTICE_SENT, "acknowledgment")


def test_after_the_last_attempt_the_failure_is_final_and_visible(on_both_stores, clock):
    app = on_both_stores(free_port(), delivery_max_attempts=3)
    registered = submit(app)
    outcomes = []
    for _ in range(5):
        outcomes += [r.outcome for r in app.delivery.deliver_due()]
        clock.advance(timedelta(hours=7))
    assert outcomes == [Outcome.RETRYING, Outcome.RETRYING, Outcome.FAILED]
    last = last_event(app, registered.number)
    assert (last.type, last.data["template"], last.data["attempt"]) == \
        (EventType.NOTICE_FAILED, "acknowledgment", 3)
    assert last.public  # the reporter sees it on the status page


def test_a_refused_recipient_fails_at_once(on_both_stores):
    with smtp_server(RefusingHandler()) as port:
        app = on_both_stores(port)
        registered = submit(app)
        [result] = app.delivery.deliver_due()
    assert result.outcome == Outcome.FAILED
    assert "550" in result.error
    entry = app.store.get_outbox(result.outbox_id)
    assert entry.status == OutboxStatus.FAILED
    last = last_event(app, registered.number)
    assert last.type == EventType.NOTICE_FAILED and "550" in last.text
    assert last.data == {"outbox_id": result.outbox_id, "template": "acknowledgment", "attempt": 1}


def test_no_email_means_no_outbox_entry_and_a_note(app):
    registered = submit(app, email="", phone="13800138000")
    assert not registered.acknowledgment_queued
    assert app.delivery.deliver_due() == []
    types = types_of(app.store, registered.number)
    assert EventType.ACKNOWLEDGMENT_NOT_POSSIBLE in types
    assert EventType.NOTICE_QUEUED not in types
