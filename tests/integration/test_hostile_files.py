"""Hostile attachment names and contents, through both doors (issue 12): path traversal, control
and direction characters, double extensions and device names never leave the attachment folder
or its one key segment, are shown written out (escaped) in full, and are offered for download
under a plain ASCII fallback name; SVG and a GIF that is also a page are accepted as evidence
but never served inline, whichever door they came through."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from shared import bootstrap
from shared.domain.staff import Role
from tests.support import staff_api as api_fixtures
from tests.support.console import Console

sqlite_staff_api = api_fixtures.sqlite_staff_api

SVG = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><script>alert(2)</script></svg>"
POLYGLOT = b"GIF89a<html><script>alert(3)</script></html>"
TEXT = "证据说明\n".encode()
FILES = [  # (name as sent, bytes)
    ("../../../etc/passwd", TEXT),
    ("..\\..\\windows\\win.ini", TEXT),
    ("invoice\u202egnp.exe", TEXT),
    ("invoice.pdf.exe", TEXT),
]
EVIL = [("drawing.svg", SVG), ("photo.gif", POLYGLOT)]
KEY = re.compile(r"attachments/[0-9a-f]{32}/[^/\\\x00-\x1f\x7f]+")


@pytest.fixture
def console(sqlite_staff_api):
    console = Console(sqlite_staff_api)
    console.sign_in_as(Role.SUPERVISOR, Role.LEADER)
    return console


def _through_the_form(function_client) -> str:
    form = function_client("submit_form")
    data = {"kind": "report", "category": "other", "subject": "文件",
            "description": "某账号长期发布诈骗链接，截图和说明见附件。",
            "good_faith": "yes", "anonymous": "yes", "email": "a@example.com",
            "files": [(io.BytesIO(data), name) for name, data in FILES + EVIL[:1]]}
    answer = form.post("/", data=data, content_type="multipart/form-data", follow_redirects=True)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return re.search(r'id="case-number">([^<]+)<', answer.get_data(as_text=True)).group(1)


def _through_email() -> str:
    parts = b"".join(
        b"--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: 8bit\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''"
        + "".join(f"%{b:02X}" for b in name.encode()).encode() + b"\r\n\r\n" + data + b"\r\n"
        for name, data in FILES[:4] + EVIL[1:])
    raw = (b"From: ann@example.org\r\nTo: report@example.com\r\nSubject: files\r\n"
           b"Message-ID: <files-1@example.org>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
           b"--b\r\nContent-Type: text/plain\r\n\r\nsee files\r\n" + parts + b"--b--\r\n")
    return bootstrap.services().mail_intake.receive(raw, (), None, sender_verified=True).case_number


@pytest.mark.parametrize("door", ["form", "email"])
def test_hostile_names_stay_in_their_folder_are_shown_escaped_and_saved_plain(
        function_client, console, tmp_path, door):
    number = _through_the_form(function_client) if door == "form" else _through_email()
    case = bootstrap.services().store.get_case(number)
    files = [a for a in case.attachments if a.key.startswith("attachments/")]
    assert len(files) == 5
    folder = (tmp_path / "files").resolve()
    for attachment in files:
        assert KEY.fullmatch(attachment.key), attachment.key  # one segment under its own folder
        assert folder in (folder / attachment.key).resolve().parents
        assert (folder / attachment.key).is_file()
    shown = {a.filename for a in files}
    assert {"passwd", "invoice\\u202egnp.exe", "invoice.pdf.exe"} <= shown
    # win.ini by email; the form's parser reads `\\` in a quoted name as an escape: windowswin.ini
    assert {"win.ini", "windowswin.ini"} & shown
    for name in shown:  # no path left in any, and only visible escapes
        assert "/" not in name and not re.search(r"\\(?!u[0-9a-f]{4})", name) and ".." not in name
    page = console.get(f"/console/cases/{number}").get_data(as_text=True)
    assert "invoice\\u202egnp.exe" in page and "\u202e" not in page
    assert "invoice.pdf.exe" in page  # the double extension, in full
    for index, attachment in enumerate(case.attachments, start=1):
        answer = console.get(f"/console/cases/{number}/attachments/{index}")
        if answer.status_code == 403:  # a raw message: only under the raw-email rules
            continue
        disposition = answer.headers["Content-Disposition"]
        fallback = re.search(r'filename="([^"]*)"', disposition).group(1)
        assert disposition.isascii() and not re.search(r"[/\\\x00-\x1f\x7f]|\.\.", fallback), \
            disposition
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("door", ["form", "email"])
def test_svg_and_a_gif_that_is_a_page_are_never_served_inline(function_client, console, door):
    number = _through_the_form(function_client) if door == "form" else _through_email()
    case = bootstrap.services().store.get_case(number)
    served = 0
    for index, attachment in enumerate(case.attachments, start=1):
        answer = console.get(f"/console/cases/{number}/attachments/{index}")
        if answer.get_data() not in (SVG, POLYGLOT):
            continue
        served += 1
        assert answer.headers["Content-Disposition"].startswith("attachment")
        assert answer.headers["Content-Type"] == "application/octet-stream"
        assert "sandbox" in answer.headers["Content-Security-Policy"]
    assert served == 1  # the SVG by the form, the page-GIF by email


def test_no_attachment_key_can_leave_the_folder(tmp_path):
    from shared.adapters.folder_attachments import FolderAttachmentStore

    store = FolderAttachmentStore(tmp_path / "files")
    for key in ("../outside.txt", "attachments/../../outside.txt", "/etc/passwd"):
        with pytest.raises(ValueError):
            store.put(key, b"x", "text/plain")
    assert not (tmp_path / "outside.txt").exists()
    assert Path("/etc/passwd").read_bytes() != b"x"
