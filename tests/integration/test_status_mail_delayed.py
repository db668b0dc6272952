"""While a notice to the reporter waits for another try, their status page says so in plain words
(zh-CN and English), without the error; once sent, it says nothing more (issue 12)."""
from __future__ import annotations

import pytest

from shared import bootstrap
from shared.local.mailbox import MailboxHandler
from shared.services.delayed_notices import delayed_notices
from shared.services.mail_delivery import Outcome
from tests.integration.test_status_page import file_case, look_up
from tests.support.mailbox import free_port, smtp_server


@pytest.fixture(autouse=True)
def behind_one_proxy(monkeypatch):
    monkeypatch.setenv("CD_TRUSTED_PROXIES", "1")


def test_the_status_page_says_the_acknowledgment_is_delayed_until_it_is_sent(
        function_client, monkeypatch, tmp_path):
    port = free_port()
    monkeypatch.setenv("CD_SMTP_PORT", str(port))  # the relay is down
    number, code = file_case(function_client)
    client = function_client("case_status")
    assert 'id="mail-delayed"' not in look_up(client, number, code).get_data(as_text=True)
    [result] = bootstrap.services().delivery.deliver_due()
    assert result.outcome == Outcome.RETRYING
    chinese = look_up(client, number, code).get_data(as_text=True)
    assert 'id="mail-delayed"' in chinese
    assert "我们发给您的登记通知邮件暂时未能发出，系统正在自动重试" in chinese
    english = look_up(client, number, code, lang="en").get_data(as_text=True)
    assert "Our email to you (Acknowledgment) has not gone out yet" in english
    for page in (chinese, english):  # never the error: it names servers, codes, addresses
        assert "SMTP" not in page and "refused" not in page and "Errno" not in page
    with smtp_server(MailboxHandler(tmp_path / "mail-late"), port=port):
        sent = bootstrap.services().delivery.deliver(result.outbox_id, respect_schedule=False)
    assert sent.outcome == Outcome.SENT
    assert 'id="mail-delayed"' not in look_up(client, number, code).get_data(as_text=True)


def test_only_the_reporters_notices_that_failed_and_wait_are_delayed(store, clock):
    from datetime import timedelta

    from shared.domain.outbox import OutboxStatus, Template
    from tests.support.builders import a_case, an_identity, an_outbox_message, unique_number

    number = unique_number()
    now = clock.now()
    entries = [
        an_outbox_message(number, now, template=Template.CASE_ASSIGNED),  # never tried yet
        an_outbox_message(number, now, attempts=1, last_error="SMTP unavailable: x",
                          next_attempt_at=now + timedelta(minutes=1)),
        an_outbox_message(number, now, template=Template.CASE_ACCEPTED, attempts=2,
                          last_error="SMTP 421", status=OutboxStatus.SENDING,
                          lease_until=now + timedelta(minutes=5)),
        an_outbox_message(number, now, template=Template.STAFF_REMINDER, attempts=1,
                          last_error="SMTP unavailable: x", details={"staff": "s1"}),
        an_outbox_message(number, now, template=Template.CASE_CLOSED, attempts=8,
                          last_error="SMTP unavailable: x", status=OutboxStatus.FAILED),
    ]
    store.register(a_case(number, now), an_identity(number), entries)
    assert delayed_notices(store, number) == ("acknowledgment", "case_accepted")
    assert delayed_notices(store, unique_number()) == ()
