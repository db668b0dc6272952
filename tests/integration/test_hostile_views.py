"""XSS (issue 12): payloads typed into every field of the form and written into every part of an
email come back inert in every view that shows them — the form shown again on an error, the
receipt, the status page (after adding information too), both parts of the acknowledgment, the
console's queue, case page, raw-mail list, held-mail pages and print form. "Inert" is checked
on the page as served: no tag or handler of a payload survives, so nothing runs in a browser."""
from __future__ import annotations

import io
import re

import pytest

from shared import bootstrap
from shared.domain.staff import Role
from tests.support import staff_api as api_fixtures
from tests.support.console import Console
from tests.support.mailbox import read_mailbox

sqlite_staff_api = api_fixtures.sqlite_staff_api

PAYLOADS = [
    '<script>alert("xss-1")</script>',
    '"><img src=x onerror=alert("xss-2")>',
    "'><svg onload=alert('xss-3')>",
    "</textarea><script>alert('xss-4')</script>",
    "</title><iframe srcdoc='<script>alert(5)</script>'>",
    "javascript:alert('xss-6')",
    "{{ 7*7 }}{% if 1 %}xss-7{% endif %}",
]
# What a payload would leave in a page that did not escape it.
LIVE = re.compile(r"<script>alert|<img src=x|<svg onload|<iframe srcdoc|href=\"javascript:|"
                  r"src=\"javascript:", re.IGNORECASE)
ALL = " ".join(PAYLOADS)


def assert_inert(page: str, where: str, shown: bool = True) -> None:
    """No payload is live in `page`; `shown`: some payload is in it (escaped), so the check is
    not passed by a page that shows nothing."""
    assert not shown or "xss-" in page, f"{where} shows no payload"
    found = LIVE.search(page)
    assert found is None, f"{where}: {page[max(0, found.start() - 120):found.end() + 120]}"
    # Text is never a template: the tag stays written out wherever the marker is.
    assert page.count("xss-7") == page.count("{% if 1 %}xss-7"), where


def form_of(kind="complaint", **fields):
    data = {"kind": kind, "category": "other", "subject": PAYLOADS[0] + PAYLOADS[6],
            "description": ALL, "desired_outcome": PAYLOADS[1] + PAYLOADS[3],
            "name": PAYLOADS[2][:90], "email": "lilei@example.com", "phone": "13800138000",
            "good_faith": "yes"}
    data.update(fields)
    return data


@pytest.fixture
def desk(function_client, sqlite_staff_api):
    """The form, the status page and the console over one SQLite store."""
    console = Console(sqlite_staff_api)
    console.sign_in_as(Role.SUPERVISOR, Role.LEADER, Role.AUDITOR)
    return function_client("submit_form"), function_client("case_status"), console


@pytest.mark.parametrize("field", ["subject", "description", "desired_outcome", "name", "email",
                                   "phone"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_form_shown_again_on_an_error_shows_every_payload_inert(desk, field, payload):
    form, _, _ = desk
    data = form_of(**{field: payload}, category="")  # no category: the form comes back
    page = form.post("/", data=data)
    assert page.status_code == 422
    assert_inert(page.get_data(as_text=True), f"form error page ({field})")


def test_a_form_case_shows_its_payloads_inert_on_the_receipt_status_page_mail_and_console(
        desk, mailbox):
    form, status, console = desk
    name = '"><img src=x onerror=alert("xss-2")>.png'
    answer = form.post("/", data=dict(form_of(), files=[(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
                                                          name)]),
                       content_type="multipart/form-data", follow_redirects=True)
    assert answer.status_code == 200
    receipt = answer.get_data(as_text=True)
    assert_inert(receipt, "receipt", shown=False)  # number and code only
    number = re.search(r'id="case-number">([^<]+)<', receipt).group(1)
    code = re.search(r'id="access-code">([^<]+)<', receipt).group(1)
    added = status.post("/", data={"action": "add", "number": number, "code": code,
                                   "text": ALL, "files": [(io.BytesIO(b"plain text"),
                                                           PAYLOADS[2] + ".txt")]},
                        content_type="multipart/form-data")
    assert added.status_code == 200, added.get_data(as_text=True)[:300]
    assert_inert(added.get_data(as_text=True), "status page after adding information")
    looked_up = status.post("/", data={"number": number, "code": code})
    assert looked_up.status_code == 200
    assert_inert(looked_up.get_data(as_text=True), "status page")
    _views_of_the_case(console, number)
    bootstrap.services().delivery.deliver_due()
    _mail_is_inert(mailbox[1])


def test_an_email_case_shows_its_payloads_inert_on_the_status_page_mail_and_console(
        desk, mailbox):
    _, status, console = desk
    app = bootstrap.services()
    raw = ("From: " + '"' + PAYLOADS[1].replace('"', "'") + '" <ann@example.org>\r\n'
           "To: report@example.com\r\nSubject: 举报 " + PAYLOADS[0] + PAYLOADS[4] + "\r\n"
           "Message-ID: <xss-1@example.org>\r\nMIME-Version: 1.0\r\n"
           "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\n" + ALL + "\r\n--b\r\n"
           "Content-Type: text/plain\r\nContent-Disposition: attachment; filename=\""
           + PAYLOADS[2].replace('"', "'") + ".txt\"\r\n\r\nnotes\r\n--b--\r\n").encode()
    received = app.mail_intake.receive(raw, (), None, sender_verified=True)
    number = received.case_number
    assert number
    held = app.mail_intake.receive(raw.replace(b"<xss-1@", b"<xss-2@").replace(
        b"MIME-Version", b"Auto-Submitted: auto-replied\r\nMIME-Version"), (), None, True)
    assert held.outcome.value == "held"
    from shared.domain.reply_tokens import derived_access_code

    code = derived_access_code(app.settings.reply_key, number)
    looked_up = status.post("/", data={"number": number, "code": code})
    assert looked_up.status_code == 200
    assert_inert(looked_up.get_data(as_text=True), "status page of an email case")
    _views_of_the_case(console, number)
    queue = console.get("/console/held-mail")
    assert queue.status_code == 200
    assert_inert(queue.get_data(as_text=True), "held-mail queue")
    for held_id in set(re.findall(r'/console/held-mail/([0-9a-f]{32})', queue.get_data(as_text=True))):
        page = console.get(f"/console/held-mail/{held_id}")
        assert page.status_code == 200
        assert_inert(page.get_data(as_text=True), "held message")
    app.delivery.deliver_due()
    _mail_is_inert(mailbox[1])


def _views_of_the_case(console: Console, number: str) -> None:
    for path in ("/console/cases", f"/console/cases/{number}", f"/console/cases/{number}/print",
                 f"/console/cases/{number}/raw-mail"):
        page = console.get(path)
        assert page.status_code == 200, (path, page.status_code)
        assert_inert(page.get_data(as_text=True), path, shown="raw-mail" not in path)


def _mail_is_inert(folder) -> None:
    sent = read_mailbox(folder)
    assert sent
    for message in sent:
        html = message.get_body(("html",)).get_content()
        assert_inert(html, f"HTML part of {message['Subject']}")
        assert "\n" not in str(message["Subject"])


OUR_HEADERS = {"from", "to", "reply-to", "subject", "date", "message-id", "in-reply-to",
               "references", "auto-submitted", "x-auto-response-suppress", "content-type",
               "content-transfer-encoding", "mime-version", "content-language"}
BREAKS = ["\r\nBcc: victim@example.com", "\nX-Evil: 1", "\r\n\r\n<html>", "=?utf-8?Q?=0D=0ABcc:_v@e.com?=",
          "\u2028Bcc: v@e.com", "\x85Bcc: v@e.com"]


@pytest.mark.parametrize("smuggled", BREAKS)
def test_line_breaks_typed_into_the_form_never_reach_an_outgoing_mail_header(desk, mailbox,
                                                                             smuggled):
    form, _, _ = desk
    data = form_of(subject="订单问题" + smuggled, name="李雷" + smuggled)
    assert form.post("/", data=data).status_code == 303
    refused = form.post("/", data=form_of(email="lilei@example.com" + smuggled))
    assert refused.status_code == 422  # an address with a line break is no address
    assert [r.outcome.value for r in bootstrap.services().delivery.deliver_due()] == ["sent"]
    [message] = read_mailbox(mailbox[1])
    assert {name.lower() for name in message.keys()} <= OUR_HEADERS
    assert [str(v) for v in message.get_all("To")] == ["lilei@example.com"]
    assert not re.search(r"[\r\n\u2028\x85]", str(message["Subject"]))
