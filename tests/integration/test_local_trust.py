"""Whom a self-hosted stack trusts: X-Forwarded-For only from the configured number of proxies,
and a sender only by the `Authentication-Results` of the operator's MTA (its authserv-id)."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from shared import bootstrap
from shared.local.inbound_smtp import start_inbound_smtp
from shared.services.mail_parsing import message_key
from shared.web.http_requests import client_address
from tests.support.mailbox import free_port, read_mailbox

ATTACKER, VICTIM, PROXY = "198.51.100.66", "203.0.113.5", "10.0.0.1"
TRUSTED = "mx.example.org"
REPORTER = "87654321@qq.com"


def form(n: int) -> dict:
    return {"kind": "complaint", "category": "service", "subject": f"订单 20261128-{n}",
            "description": "客服三天没有回复我的退款申请。", "name": "李雷",
            "email": f"lilei{n}@example.com"}


def post_form(client, remote: str, forwarded: str | None = None, n: int = 0) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return client.post("/", data=form(n), headers=headers,
                       environ_base={"REMOTE_ADDR": remote}).status_code


def look_up(client, remote: str, forwarded: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return client.post("/", data={"action": "look_up", "number": "TS-20261128-000000-0",
                                  "code": "AAAA-BBBB-CCCC-DDDD"},
                       headers=headers, environ_base={"REMOTE_ADDR": remote}).status_code


@pytest.fixture
def proxies(function_client, monkeypatch):
    """Test clients of the real functions with a given number of trusted proxies in front."""
    def clients(count: int):
        monkeypatch.setenv("CD_TRUSTED_PROXIES", str(count))
        monkeypatch.setenv("CD_SUBMISSIONS_PER_CLIENT_PER_HOUR", "3")
        monkeypatch.setenv("CD_CHALLENGE_AFTER_SUBMISSIONS", "1000")  # the limit, not the check
        bootstrap.services.cache_clear()
        return function_client("submit_form"), function_client("case_status")

    return clients


def test_locally_a_forged_forwarding_header_does_not_bypass_the_form_limit(proxies):
    form_client, _ = proxies(0)
    answers = [post_form(form_client, ATTACKER, f"192.0.2.{i}", n=i) for i in range(4)]
    assert 429 not in answers[:3] and answers[3] == 429


def test_locally_a_forged_forwarding_header_locks_nobody_else_out(proxies):
    form_client, status_client = proxies(0)
    assert [post_form(form_client, ATTACKER, VICTIM, n=i) for i in range(4)][-1] == 429
    assert post_form(form_client, VICTIM, n=9) != 429
    assert {look_up(status_client, ATTACKER, VICTIM) for _ in range(31)} == {404, 429}
    assert look_up(status_client, ATTACKER, VICTIM) == 429
    assert look_up(status_client, VICTIM) == 404  # a normal answer, not "too many attempts"


def test_behind_one_proxy_only_the_address_it_appended_counts(proxies):
    form_client, status_client = proxies(1)
    # The attacker writes whatever it likes; the proxy appends the address it saw.
    answers = [post_form(form_client, PROXY, f"192.0.2.{i}, {ATTACKER}", n=i) for i in range(4)]
    assert 429 not in answers[:3] and answers[3] == 429
    assert post_form(form_client, PROXY, f"{VICTIM}, {ATTACKER}", n=5) == 429
    assert post_form(form_client, PROXY, VICTIM, n=6) != 429
    for _ in range(31):
        look_up(status_client, PROXY, f"{VICTIM}, {ATTACKER}")
    assert look_up(status_client, PROXY, VICTIM) == 404


@pytest.mark.parametrize("forwarded, proxies, client", [
    (None, 0, "192.0.2.99"), ("203.0.113.5", 0, "192.0.2.99"),
    ("203.0.113.5, 198.51.100.66", 1, "198.51.100.66"),
    ("forged, 203.0.113.5, 10.0.0.2", 2, "203.0.113.5"),
    ("10.0.0.2", 2, "192.0.2.99"),  # fewer hops than proxies: the header is not to be believed
    (None, 1, "192.0.2.99"),
])
def test_the_client_is_the_address_the_outermost_trusted_proxy_saw(forwarded, proxies, client):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    request = Request(EnvironBuilder(headers=headers,
                                     environ_base={"REMOTE_ADDR": "192.0.2.99"}).get_environ())
    assert client_address(request, proxies) == client


# -- Authentication-Results over local SMTP ---------------------------------------------------


@pytest.fixture
def inbound(app):
    """The report address as a real SMTP server on loopback, trusting mx.example.org."""
    port = free_port()
    controller = start_inbound_smtp(app.mail_intake, "report@example.com", "127.0.0.1", port,
                                    app.settings.max_message_bytes, TRUSTED)
    yield port
    controller.stop()


def send(port: int, subject: str, *verdicts: str) -> str:
    """Send mail `From` the reporter, as the MTA hands it on (verdicts on top); its Message-ID."""
    mail = EmailMessage()
    for verdict in verdicts:
        mail["Authentication-Results"] = verdict
    mail["From"] = f"小王 <{REPORTER}>"
    mail["To"] = "report@example.com"
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain="qq.com")
    mail.set_content("有人冒充贵平台客服，要求转账 3000 元。")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.sendmail(REPORTER, ["report@example.com"], mail.as_bytes())
    return mail["Message-ID"]


def case_of(app, message_id: str) -> str:
    return app.store.find_mail(message_key(message_id)).case_number


def acknowledgments(app, mailbox) -> list:
    app.delivery.deliver_due()
    return [m for m in read_mailbox(mailbox[1]) if REPORTER in m["To"]]


def test_a_forged_sender_quoting_the_case_number_does_not_join_it(app, mailbox, inbound):
    first = send(inbound, "举报：有人冒充客服诈骗",
                 f"{TRUSTED}; spf=pass smtp.mailfrom=qq.com; dkim=pass header.d=qq.com; "
                 f"dmarc=pass (p=QUARANTINE) header.from=qq.com")
    number = case_of(app, first)
    assert number and len(acknowledgments(app, mailbox)) == 1
    forgeries = [
        (),  # no verdict at all
        ("evil.example; spf=pass smtp.mailfrom=qq.com; dkim=pass; dmarc=pass",),  # not trusted
        (f"{TRUSTED}; spf=pass smtp.mailfrom=qq.com; dmarc=fail header.from=qq.com",),
        (f"{TRUSTED}; spf=fail; dkim=none", "evil.example; dkim=pass; dmarc=pass"),
        (f"{TRUSTED}; none",),
        # passes for the forger's own domain, from an MTA that runs no DMARC: nothing of From
        (f"{TRUSTED}; spf=pass smtp.mailfrom=forger@evil.example",),
        (f"{TRUSTED}; spf=pass smtp.mailfrom=evil.example; dkim=pass header.d=evil.example",),
        (f"{TRUSTED}; spf=pass; dkim=pass",),  # for domains the MTA does not name
    ]
    for verdicts in forgeries:
        joined = case_of(app, send(inbound, f"补充 {number}", *verdicts))
        assert joined and joined != number, verdicts  # a new case of its own
    assert len(acknowledgments(app, mailbox)) == 1  # and nothing sent to the forged From

    genuine = send(inbound, f"回复：补充 {number}",
                   f"{TRUSTED.upper()} 1; dkim=pass (2048-bit key; unprotected) header.d=qq.com "
                   f"header.s=s201512; dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) "
                   f"header.from=qq.com")
    assert case_of(app, genuine) == number


def test_the_verdicts_of_one_mta_are_read_together_from_each_of_its_headers(app, inbound):
    first = send(inbound, "举报：赌博广告", f"{TRUSTED}; spf=pass smtp.mailfrom=bounce@qq.com")
    number = case_of(app, first)
    split = send(inbound, f"补充 {number}", f"{TRUSTED}; dmarc=pass header.from=qq.com",
                 f"{TRUSTED}; dkim=pass header.d=qq.com")
    assert case_of(app, split) == number


def test_without_a_trusted_authserv_id_no_sender_is_verified(app, mailbox):
    port = free_port()
    controller = start_inbound_smtp(app.mail_intake, "report@example.com", "127.0.0.1", port,
                                    app.settings.max_message_bytes)
    try:
        first = send(port, "举报：有人冒充客服诈骗", "mx.example.org; spf=pass; dmarc=pass")
        number = case_of(app, first)
        assert acknowledgments(app, mailbox) == []
        assert case_of(app, send(port, f"补充 {number}", "; dmarc=pass spf=pass")) != number
    finally:
        controller.stop()
