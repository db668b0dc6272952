"""Files staff open, through the staff API on both stores: a case's attachments are served by what
their bytes are — a real image shown, a page, an SVG with script, a polyglot, a program or a
misleading name saved as bytes, every answer with the safe headers; only members who may read the
case get one, and a confidential case records each; a raw email kept as an attachment is opened
under the raw-email rules."""
from __future__ import annotations

import hashlib

import pytest

from shared.domain.cases import Attachment, EventType
from shared.domain.staff import Role
from shared.services.attachments import attachment_name
from tests.support import staff_api as fixtures
from tests.support.files import GIF_POLYGLOT, HTML_PAGE, PE_EXECUTABLE, SVG_WITH_SCRIPT, a_png
from tests.support.staff_api import json_of
from tests.support.staff_desk import StaffDesk, unknown_number

staff_api = fixtures.staff_api  # the fixture

RLO_NAME = "invoice\u202egnp.exe"  # reads as "invoiceexe.png"
FILES = [  # (name as sent, bytes, the type registration stored: it sniffed the start)
    ("photo.png", a_png(), "image/png"),
    ("invoice.html", HTML_PAGE, "text/plain"),
    ("logo.svg", SVG_WITH_SCRIPT, "text/plain"),
    ("photo.gif", GIF_POLYGLOT, "image/gif"),
    ("invoice.pdf.exe", PE_EXECUTABLE, "application/octet-stream"),
    (RLO_NAME, PE_EXECUTABLE, "application/octet-stream"),
]
SAFE = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'none'; sandbox"}


@pytest.fixture
def desk(staff_api):
    return staff_api, StaffDesk(staff_api.store, staff_api.app.clock)


def case_with_files(api, cases: StaffDesk, files=FILES, **fields) -> str:
    """A case holding `files`, stored as registration stores them (names cleaned the same way)."""
    attachments = []
    for i, (name, data, declared) in enumerate(files):
        key = f"attachments/{i}{hashlib.sha256(data).hexdigest()[:8]}/f"
        api.app.attachments.put(key, data, declared)
        attachments.append(Attachment(key, attachment_name(name), declared, len(data)))
    return cases.case(attachments=attachments, department="运营部", **fields)


def test_only_a_real_image_is_shown_everything_else_is_saved_as_bytes(desk):
    api, cases = desk
    number = case_with_files(api, cases)
    _, clerk = api.member(Role.CLERK)
    shown = api.get(f"/cases/{number}/attachments/1", clerk)
    assert shown.status_code == 200 and shown.data == FILES[0][1]
    assert shown.headers["Content-Type"] == "image/png"
    assert shown.headers["Content-Disposition"].startswith("inline; filename=\"photo.png\"")
    assert {k: shown.headers[k] for k in SAFE} == SAFE
    for index, (name, data, _) in enumerate(FILES[1:], start=2):
        saved = api.get(f"/cases/{number}/attachments/{index}", clerk)
        assert saved.status_code == 200 and saved.data == data, name
        assert saved.headers["Content-Type"] == "application/octet-stream", name
        disposition = saved.headers["Content-Disposition"]
        assert disposition.startswith("attachment; filename=\""), name
        assert disposition.isascii() and "\u202e" not in disposition, name
        assert {k: saved.headers[k] for k in SAFE} == SAFE, name
    saved = api.get(f"/cases/{number}/attachments/5", clerk).headers["Content-Disposition"]
    assert saved.endswith("filename*=UTF-8''invoice.pdf.exe")  # the double extension, in full
    listed = json_of(api.get(f"/cases/{number}", clerk))["attachments"]
    assert not any(a["raw_mail"] for a in listed)
    assert [a["index"] for a in listed] == [1, 2, 3, 4, 5, 6]
    assert listed[4]["filename"] == "invoice.pdf.exe"
    assert listed[5]["filename"] == "invoice\\u202egnp.exe"  # the trick shown, not performed


def test_members_who_may_not_read_the_case_get_nothing_of_its_files(desk):
    api, cases = desk
    number = case_with_files(api, cases)
    secret = case_with_files(api, cases, confidential=True)
    handler, about_them = api.member(Role.HANDLER)[1], api.member(Role.CLERK)
    own = case_with_files(api, cases, about_staff=about_them[0].id)
    _, clerk = api.member(Role.CLERK)
    _, admin = api.member(Role.ADMIN)
    refused = [(number, handler, "read_case"),  # not theirs, another department
               (secret, clerk, "read_confidential_case"),
               (own, about_them[1], "read_case"),  # a case about their own conduct (R23)
               (number, admin, "read_case")]
    for case, token, action in refused:
        answer = api.get(f"/cases/{case}/attachments/1", token)
        assert answer.status_code == 403 and json_of(answer)["action"] == action
        assert b"PNG" not in answer.data and b"photo" not in answer.data
    assert api.get(f"/cases/{number}/attachments/1").status_code == 401
    assert json_of(api.get(f"/cases/{unknown_number()}/attachments/1", clerk))["error"] == \
        "case_not_found"
    for index in ("0", "7", "x", "-1", "1" * 40):
        assert api.get(f"/cases/{number}/attachments/{index}", clerk).status_code == 404
    assert api.get(f"/cases/{number}/attachments/1?x=1", clerk).status_code == 422
    assert not cases.events(secret, EventType.CONFIDENTIAL_CASE_READ)


def test_opening_a_confidential_case_s_file_is_a_recorded_read(desk):
    api, cases = desk
    secret = case_with_files(api, cases, confidential=True)
    plain = case_with_files(api, cases)
    supervisor, token = api.member(Role.SUPERVISOR)
    assert api.get(f"/cases/{secret}/attachments/2", token).status_code == 200
    assert api.get(f"/cases/{plain}/attachments/2", token).status_code == 200
    (read,) = cases.events(secret, EventType.CONFIDENTIAL_CASE_READ)
    assert read.data["read"] == "attachment" and read.data["index"] == 2
    assert read.actor == f"staff:{supervisor.id}"
    assert not cases.events(plain, EventType.CONFIDENTIAL_CASE_READ)


def test_a_raw_email_kept_as_an_attachment_is_opened_under_the_raw_email_rules(desk):
    api, cases = desk
    raw = b"From: <wangxm@qq.com>\r\nSubject: x\r\n\r\n<html><script>alert(1)</script>\r\n"
    key = f"mail/{hashlib.sha256(raw).hexdigest()}.eml"
    api.app.attachments.put(key, raw, "message/rfc822")
    number = cases.case(attachments=[Attachment(key, "message.eml", "message/rfc822", len(raw))],
                        respondent="张三")
    _, clerk = api.member(Role.CLERK)
    assert json_of(api.get(f"/cases/{number}", clerk))["attachments"][0]["raw_mail"] is True
    answer = api.get(f"/cases/{number}/attachments/1", clerk)
    assert answer.status_code == 403 and json_of(answer)["action"] == "export_case"
    _, conflicted = api.member(Role.SUPERVISOR)  # declared a conflict with 张三
    assert api.get(f"/cases/{number}/attachments/1", conflicted).status_code == 409
    _, supervisor = api.member(Role.SUPERVISOR, conflicts=())
    got = api.get(f"/cases/{number}/attachments/1", supervisor)
    assert got.status_code == 200 and got.data == raw
    assert got.headers["Content-Type"] == "message/rfc822"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert {k: got.headers[k] for k in SAFE} == SAFE
    (exported,) = cases.events(number, EventType.CASE_EXPORTED)
    assert exported.data["exported"] == "raw_mail" and exported.data["raw"] == key
