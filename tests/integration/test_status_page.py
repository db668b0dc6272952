"""The status page (`case_status`): number + access code, the same answer for wrong and unknown,
rate limits, and adding information."""
from __future__ import annotations

import base64
import hashlib
import io
import re

import pytest

from shared import bootstrap
from shared.domain.cases import Status
from tests.integration.test_web_form import complaint_form, receipt, submit
from tests.support.timeline import events_of


@pytest.fixture(autouse=True)
def behind_one_proxy(monkeypatch):
    """As in the cloud: one proxy in front appends the client's address to X-Forwarded-For."""
    monkeypatch.setenv("CD_TRUSTED_PROXIES", "1")


def file_case(function_client) -> tuple[str, str]:
    response = submit(function_client("submit_form"), complaint_form())
    return receipt(response.get_data(as_text=True))


def look_up(client, number, code, lang="zh-CN", ip="203.0.113.7"):
    return client.post(f"/?lang={lang}", data={"action": "look_up", "number": number,
                                               "code": code},
                       headers={"X-Forwarded-For": ip})


def test_the_reporter_sees_status_and_public_timeline(function_client):
    number, code = file_case(function_client)
    response = look_up(function_client("case_status"), number.lower(), code.replace("-", ""))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"案件 {number}" in html
    assert "已收到，待初步审核" in html and "案件已登记" in html
    assert "李雷" not in html and "lilei@example.com" not in html  # no identity on the page
    assert "acknowledgment_queued" not in html  # staff-only events stay hidden


def test_a_wrong_code_and_an_unknown_number_look_exactly_alike(function_client):
    number, _ = file_case(function_client)
    client = function_client("case_status")
    wrong = look_up(client, number, "AAAA-BBBB-CCCC-DDDD")
    unknown = look_up(client, number[:-8] + "000000-0", "AAAA-BBBB-CCCC-DDDD")
    garbage = look_up(client, "hello", "AAAA-BBBB-CCCC-DDDD")
    assert wrong.status_code == unknown.status_code == garbage.status_code == 404

    def body(r):
        return r.get_data(as_text=True).replace(number, "N").replace(number[:-8] + "000000-0", "N") \
            .replace('value="hello"', 'value="N"')

    assert body(wrong) == body(unknown) == body(garbage)


def test_guessing_is_limited_per_client_and_per_case(function_client):
    number, code = file_case(function_client)
    client = function_client("case_status")
    # One client guessing: 30 failures, then refused whatever it sends.
    guesses = [look_up(client, number, f"AAAA-BBBB-CCCC-{i:04d}", ip="198.51.100.9").status_code
               for i in range(31)]
    assert guesses[:21] == [404] * 20 + [429]  # the case's own limit: 20 wrong codes
    assert guesses[-1] == 429
    assert look_up(client, number, code, ip="198.51.100.9").status_code == 429
    assert "尝试次数过多" in look_up(client, number, code, ip="198.51.100.9").get_data(as_text=True)
    # Guessing from many addresses: wrong codes meet a wall, the reporter still gets in.
    assert look_up(client, number, "AAAA", ip="203.0.113.77").status_code == 429
    assert look_up(client, number, code, ip="203.0.113.8").status_code == 200


def test_correct_lookups_do_not_count_against_the_reporter(function_client):
    number, code = file_case(function_client)
    client = function_client("case_status")
    assert {look_up(client, number, code).status_code for _ in range(40)} == {200}


def test_an_invalid_addition_at_the_rate_limit_boundary_is_a_422_not_a_crash(function_client):
    number, code = file_case(function_client)
    client = function_client("case_status")
    for _ in range(29):
        look_up(client, number, "WRONG", ip="192.0.2.1")
    empty = client.post("/", data={"action": "add", "number": number, "code": code, "text": ""},
                        headers={"X-Forwarded-For": "192.0.2.1"})
    assert empty.status_code == 422


def test_the_reporter_adds_information_and_a_file(function_client):
    number, code = file_case(function_client)
    client = function_client("case_status")
    response = client.post("/?lang=en", data={
        "action": "add", "number": number, "code": code, "text": "补充：订单截图见附件",
        "files": [(io.BytesIO("聊天记录".encode()), "chat.txt")]},
        content_type="multipart/form-data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Your additional material has been received." in html
    assert "补充：订单截图见附件" in html and "chat.txt" in html
    case = bootstrap.services().store.get_case(number)
    assert case.attachments[-1].filename == "chat.txt"
    assert events_of(bootstrap.services().store, number)[-1].text == "补充：订单截图见附件"


def test_adding_needs_the_right_code_and_some_content(function_client):
    number, code = file_case(function_client)
    client = function_client("case_status")
    stranger = client.post("/", data={"action": "add", "number": number, "code": "AAAA",
                                      "text": "I am not the reporter"})
    assert stranger.status_code == 404
    empty = client.post("/", data={"action": "add", "number": number, "code": code, "text": ""})
    assert empty.status_code == 422
    timeline = events_of(bootstrap.services().store, number)
    assert all(e.type.value != "information_added" for e in timeline)


def test_a_number_and_code_typed_in_full_width_are_accepted(function_client):
    number, code = file_case(function_client)
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in number)  # ＴＳ－２０２６…
    response = look_up(function_client("case_status"), full_width,
                       "".join(chr(ord(ch) + 0xFEE0) for ch in code))
    assert response.status_code == 200 and f"案件 {number}" in response.get_data(as_text=True)


def test_a_refused_addition_keeps_what_was_typed(function_client):
    number, code = file_case(function_client)
    typed = "对方又发来了威胁短信，" * 1001  # over the limit
    response = function_client("case_status").post("/?lang=en", data={
        "action": "add", "number": number, "code": code, "text": typed})
    assert response.status_code == 422
    assert f'name="text" maxlength="10000">{typed}</textarea>' in response.get_data(as_text=True)


def test_an_addition_of_only_invisible_characters_is_refused(function_client):
    number, code = file_case(function_client)
    response = function_client("case_status").post("/", data={
        "action": "add", "number": number, "code": code, "text": "\u200b\u202e \u3000\x00"})
    assert response.status_code == 422


def test_a_long_chinese_file_name_is_added_and_shown(function_client, tmp_path):
    number, code = file_case(function_client)
    name = "聊天记录" * 21 + ".txt"  # 84 Chinese characters
    response = function_client("case_status").post("/", data={
        "action": "add", "number": number, "code": code, "text": "",
        "files": [(io.BytesIO("聊天记录".encode()), name)]}, content_type="multipart/form-data")
    assert response.status_code == 200 and name in response.get_data(as_text=True)
    [attachment] = bootstrap.services().store.get_case(number).attachments
    assert attachment.filename == name
    assert (tmp_path / "files" / attachment.key).read_bytes() == "聊天记录".encode()


def test_an_addition_the_store_cannot_write_leaves_no_file_behind(function_client, tmp_path,
                                                                  monkeypatch):
    number, code = file_case(function_client)
    store = bootstrap.services().store

    def broken_update(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store, "update_case", broken_update)
    client = function_client("case_status")
    response = client.post("/", data={"action": "add", "number": number, "code": code,
                                      "text": "图", "files": [(io.BytesIO("证据".encode()), "a.txt")]},
                           content_type="multipart/form-data")
    assert response.status_code == 500  # an outage, not the person's input
    folder = tmp_path / "files"
    assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


def test_a_refused_lookup_says_when_to_try_again(function_client):
    number, _ = file_case(function_client)
    client = function_client("case_status")
    for i in range(30):
        look_up(client, number, f"AAAA-BBBB-CCCC-{i:04d}", ip="198.51.100.20")
    english = look_up(client, number, "AAAA", lang="en", ip="198.51.100.20")
    assert english.status_code == 429
    assert re.search(r"Try again in \d+ minutes\.", english.get_data(as_text=True))
    chinese = look_up(client, number, "AAAA", ip="198.51.100.20").get_data(as_text=True)
    assert re.search(r"请在 \d+ 分钟后再试", chinese)


def test_an_archived_case_is_read_only_on_the_status_page(function_client):
    number, code = file_case(function_client)
    store = bootstrap.services().store

    def archive(case):
        case.status = Status.ARCHIVED

    store.update_case(number, archive)
    page = look_up(function_client("case_status"), number, code, lang="en")
    html = page.get_data(as_text=True)
    assert "This case is archived" in html and 'value="add"' not in html
    before = store.get_case(number).event_count
    added = function_client("case_status").post("/", data={
        "action": "add", "number": number, "code": code, "text": "还有一件事"})
    assert added.status_code == 422 and "本案件已归档" in added.get_data(as_text=True)
    assert store.get_case(number).event_count == before


def test_every_status_page_forbids_inline_script_and_allows_only_its_own_styles(function_client):
    number, code = file_case(function_client)
    client = function_client("case_status")
    answers = [client.get("/"), look_up(client, number, code), look_up(client, number, "X" * 16),
               client.post("/", data={"action": "add", "number": number, "code": code})]
    for answer in answers:
        policy = answer.headers.get("Content-Security-Policy", "")
        assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy, answer.status
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    # Each style attribute the decision shows (its macro serves mail too) is allowed by hash.
    macros = (bootstrap.services().settings.templates_dir / "decision_macros.html").read_text()
    for value in set(re.findall(r'style="([^"]*)"', macros)):
        digest = base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy.split("style-src-attr")[1]
