"""Files from the console (issue 11), on both stores: the case page links each attachment, the
raw emails and the printable form — each only for members who may follow it; the files come
with the same answers as from the API (a real image shown, a page or program saved, the file's
own sandboxing policy, not the console's), raw emails only to those who may download them."""
from __future__ import annotations

import hashlib

import pytest

from shared.domain.cases import Attachment, EventType, TimelineEvent
from shared.domain.staff import Role
from shared.services.attachments import attachment_name
from tests.support import console as console_fixtures
from tests.support import staff_api as api_fixtures
from tests.support.console import text_of
from tests.support.files import HTML_PAGE, a_png
from tests.support.staff_desk import StaffDesk

staff_api = api_fixtures.staff_api
console = console_fixtures.console

RAW = b"From: <wangxm@qq.com>\r\nSubject: refund\r\n\r\n<html><script>alert(1)</script>\r\n"
FILE_CSP = "default-src 'none'; sandbox"


@pytest.fixture
def desk(console):
    return console, StaffDesk(console.store, console.api.app.clock)


def a_case_with_files(console, cases: StaffDesk, **fields) -> str:
    """A case with a PNG, an HTML page named like a PDF, and a held raw email filed in it (also
    on its timeline, as filing it records)."""
    files = console.api.app.attachments
    raw_key = f"mail/{hashlib.sha256(RAW).hexdigest()}.eml"
    stored = [("attachments/p/a.png", "photo.png", a_png(), "image/png"),
              ("attachments/h/b.pdf", "invoice\u202efdp.html", HTML_PAGE, "text/plain"),
              (raw_key, "message.eml", RAW, "message/rfc822")]
    for key, _, data, kind in stored:
        files.put(key, data, kind)
    number = cases.case(attachments=[Attachment(key, attachment_name(name), kind, len(data))
                                     for key, name, data, kind in stored], **fields)
    cases.store.update_case(number, lambda case: case.record(TimelineEvent(
        EventType.MAIL_ATTACHED, cases.clock.now(), text="refund", actor="staff:c1",
        data={"raw": raw_key, "subject": "refund"})))
    return number


def test_the_case_page_links_each_file_the_member_may_open(desk):
    console, cases = desk
    number = a_case_with_files(console, cases)
    console.sign_in_as(Role.CLERK)
    page = text_of(console.get(f"/console/cases/{number}"))
    base = f"/console/cases/{number}"
    assert f'<a href="{base}/attachments/1">photo.png</a>' in page
    assert f'<a href="{base}/attachments/2">invoice\\u202efdp.html</a>' in page  # shown escaped
    assert "\u202e" not in page
    assert f"{base}/attachments/3" not in page  # a raw email: not for a clerk
    assert f'href="{base}/raw-mail"' in page and f'href="{base}/print"' in page
    console.sign_in_as(Role.SUPERVISOR)
    assert f'href="{base}/attachments/3"' in text_of(console.get(base))


def test_files_come_as_from_the_api_with_their_own_policy(desk):
    console, cases = desk
    number = a_case_with_files(console, cases)
    console.sign_in_as(Role.CLERK)
    image = console.get(f"/console/cases/{number}/attachments/1")
    assert image.status_code == 200 and image.data == a_png()
    assert image.headers["Content-Type"] == "image/png"
    assert image.headers["Content-Disposition"].startswith("inline;")
    page = console.get(f"/console/cases/{number}/attachments/2")
    assert page.status_code == 200 and page.data == HTML_PAGE
    assert page.headers["Content-Type"] == "application/octet-stream"
    assert page.headers["Content-Disposition"] == (
        "attachment; filename=\"invoice_u202efdp.html\"; "
        "filename*=UTF-8''invoice_u202efdp.html")
    for answer in (image, page):
        assert answer.headers["Content-Security-Policy"] == FILE_CSP
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Cache-Control"] == "no-store"
    refused = console.get(f"/console/cases/{number}/attachments/3")  # raw email, a clerk
    assert refused.status_code == 403 and b"wangxm" not in refused.data
    for index in ("0", "4", "x"):
        assert console.get(f"/console/cases/{number}/attachments/{index}").status_code == 404


def test_raw_emails_are_listed_to_readers_and_downloaded_by_those_allowed(desk):
    console, cases = desk
    number = a_case_with_files(console, cases)
    console.sign_in_as(Role.CLERK)
    listed = text_of(console.get(f"/console/cases/{number}/raw-mail"))
    assert f"{number}-mail-1.eml" in listed and "refund" in listed
    assert f'href="/console/cases/{number}/raw-mail/1"' not in listed
    assert console.get(f"/console/cases/{number}/raw-mail/1").status_code == 403
    console.sign_in_as(Role.SUPERVISOR, conflicts=())
    listed = text_of(console.get(f"/console/cases/{number}/raw-mail?lang=en"))
    assert f'href="/console/cases/{number}/raw-mail/1"' in listed and "Raw emails" in listed
    got = console.get(f"/console/cases/{number}/raw-mail/1")
    assert got.status_code == 200 and got.data == RAW
    assert got.headers["Content-Type"] == "message/rfc822"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert got.headers["Content-Security-Policy"] == FILE_CSP
    (exported,) = cases.events(number, EventType.CASE_EXPORTED)
    assert exported.data["exported"] == "raw_mail"


def test_the_printable_form_opens_from_the_console_in_its_language(desk):
    console, cases = desk
    number = a_case_with_files(console, cases, subject="<script>alert(1)</script>")
    console.sign_in_as(Role.CLERK)
    form = console.get(f"/console/cases/{number}/print?lang=en")
    html = text_of(form)
    assert form.status_code == 200 and "Complaint handling form" in html and number in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert form.headers["Content-Security-Policy"].startswith(
        "default-src 'none'; style-src 'sha256-")
    assert "invoice\\u202efdp.html" in html and "\u202e" not in html
    secret = a_case_with_files(console, cases, confidential=True)
    denied = console.get(f"/console/cases/{secret}/print")
    assert denied.status_code == 403 and "<script" not in text_of(denied)
    assert not cases.events(secret, EventType.CONFIDENTIAL_CASE_READ)
