"""The status page (`case_status`): number + access code, the same answer for wrong and unknown,
rate limits, and adding information."""
from __future__ import annotations

import io

import pytest

from shared import bootstrap
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
