"""The hosted form (`submit_form`): render, validate, register, receipt."""
from __future__ import annotations

import io
import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from shared import bootstrap
from shared.domain.cases import Channel, Status
from shared.domain.errors import InvalidSubmission

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def behind_one_proxy(monkeypatch):
    """As in the cloud: one proxy in front appends the client's address to X-Forwarded-For."""
    monkeypatch.setenv("CD_TRUSTED_PROXIES", "1")


def receipt(html: str) -> tuple[str, str]:
    number = re.search(r'id="case-number">([^<]+)<', html).group(1)
    code = re.search(r'id="access-code">([^<]+)<', html).group(1)
    return number, code


def submit(client, data, **options):
    """Post the form as a browser does: the answer is a 303 to the receipt, which is followed."""
    response = client.post("/", data=data, follow_redirects=True, **options)
    if response.history:
        assert response.history[0].status_code == 303
    return response


def complaint_form(**overrides):
    data = {"kind": "complaint", "category": "product_quality", "subject": "订单 20261128-77",
            "description": "收到的耳机左声道没有声音。", "desired_outcome": "换货",
            "name": "李雷", "email": "lilei@example.com", "phone": "13800138000"}
    data.update(overrides)
    return data


def test_the_form_is_in_chinese_by_default_and_english_on_request(function_client):
    client = function_client("submit_form")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "在线投诉与举报" in page
    assert client.get("/?lang=en").get_data(as_text=True).count("File a complaint") >= 1
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in english.get_data(as_text=True)


def test_the_report_form_lists_the_nine_kinds_of_harmful_information(function_client):
    page = function_client("submit_form").get("/?kind=report").get_data(as_text=True)
    assert 'value="harmful_rumours"' in page and 'value="harmful_other_illegal"' in page
    assert page.count('value="harmful_') == 9
    assert 'name="anonymous"' in page and 'name="good_faith"' in page
    complaint_page = function_client("submit_form").get("/").get_data(as_text=True)
    assert 'name="anonymous"' not in complaint_page  # complaints are not anonymous by default


def test_a_complaint_is_registered_with_its_files_and_receipt(function_client, tmp_path):
    client = function_client("submit_form")
    data = complaint_form(files=[(io.BytesIO(PNG), "../耳机 照片.png")])
    response = submit(client, data, content_type="multipart/form-data")
    assert response.status_code == 200 and response.history
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    number, code = receipt(html)
    assert number.startswith("TS-") and len(code) == 19
    assert "最迟于 " in html  # the review's deadline, as registered (tests/integration/test_deadlines.py)
    store = bootstrap.services().store
    case = store.get_case(number)
    assert case.status == Status.RECEIVED and case.channel == Channel.WEB_FORM
    assert case.subject == "订单 20261128-77" and case.desired_outcome == "换货"
    [attachment] = case.attachments
    assert attachment.filename == "耳机 照片.png" and attachment.content_type == "image/png"
    assert (tmp_path / "files" / attachment.key).read_bytes() == PNG
    identity = store.get_identity(number)
    assert (identity.name, identity.email, identity.phone) == (
        "李雷", "lilei@example.com", "+8613800138000")
    assert "李雷" not in str(case)  # identity is not part of the case record


def test_invalid_input_keeps_values_marks_fields_and_stores_nothing(function_client, tmp_path):
    client = function_client("submit_form")
    data = complaint_form(email="lilei@", phone="", description="",
                          files=[(io.BytesIO(b"MZ\x90\x00" + b"\x00" * 60), "photo.png")])
    response = client.post("/?lang=en", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="订单 20261128-77"' in html  # entered values kept
    assert 'id="email-error"' in html and "This email address is not valid." in html
    assert 'id="description-error"' in html and 'id="files-error"' in html
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    files = tmp_path / "files"
    assert not files.exists() or not any(p.is_file() for p in files.rglob("*"))
    assert bootstrap.services().store.due_outbox(datetime.now(UTC), 10) == []
    with sqlite3.connect(tmp_path / "fn.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM cases").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM reporter_identities").fetchone() == (0,)


def test_an_anonymous_report_keeps_no_name_or_phone(function_client):
    client = function_client("submit_form")
    data = {"kind": "report", "category": "harmful_rumours", "subject": "https://bbs.example.com/t/1",
            "description": "该帖子捏造某地发生疫情的谣言。", "anonymous": "yes",
            "good_faith": "yes", "name": "不想留名", "phone": "13800138000"}
    response = submit(client, data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    number, _ = receipt(html)
    assert number.startswith("JB-")
    assert "您未留下电子邮箱" in html
    identity = bootstrap.services().store.get_identity(number)
    assert (identity.name, identity.email, identity.phone) == ("", "", "")
    assert bootstrap.services().store.get_case(number).anonymous


def test_an_oversized_request_is_refused_before_reading(function_client):
    client = function_client("submit_form")
    big = b"\x00" * (5 * 10 * 1024 * 1024 + 2 * 1024 * 1024)
    response = client.post("/", data=complaint_form(files=[(io.BytesIO(big), "big.bin")]),
                           content_type="multipart/form-data")
    assert response.status_code == 413


def test_one_client_cannot_flood_the_form(function_client, monkeypatch):
    monkeypatch.setenv("CD_SUBMISSIONS_PER_CLIENT_PER_HOUR", "3")
    monkeypatch.setenv("CD_CHALLENGE_AFTER_SUBMISSIONS", "1000")  # the hard limit, not the check before it
    bootstrap.services.cache_clear()
    client = function_client("submit_form")

    def post(ip):
        return client.post("/", data=complaint_form(email=f"x{ip}@example.com"),
                           headers={"X-Forwarded-For": ip}).status_code

    assert [post("198.51.100.1") for _ in range(4)] == [303, 303, 303, 429]
    assert post("198.51.100.2") == 303


def test_a_third_party_address_gets_at_most_a_few_acknowledgments(function_client):
    client = function_client("submit_form")
    for i in range(7):
        client.post("/", data=complaint_form(email="victim@example.com"),
                    headers={"X-Forwarded-For": f"198.51.100.{i}"})
    store = bootstrap.services().store
    assert len(store.due_outbox(datetime.now(UTC) + timedelta(days=1), 100)) == 5


def test_non_ascii_mailbox_names_are_refused_but_idn_domains_are_sent_as_ascii():
    from shared.services.submissions import SubmissionRules, SubmitCase, clean

    rules = SubmissionRules(frozenset({"report"}), False, 5, 1024)
    command = SubmitCase(kind="complaint", category="service", subject="s", description="描述写清楚",
                         email="用户@例子.中国")
    with pytest.raises(InvalidSubmission):
        clean(command, rules)
    command.email = "user@例子.中国"
    assert clean(command, rules).email == "user@xn--fsqu00a.xn--fiqs8s"


LONG_NAME = "投诉证据截图" * 14 + ".png"  # 84 Chinese characters: 256 bytes in UTF-8


def test_a_long_chinese_file_name_registers_and_keeps_its_name(function_client, tmp_path):
    client = function_client("submit_form")
    response = submit(client, complaint_form(files=[(io.BytesIO(PNG), LONG_NAME)]),
                      content_type="multipart/form-data")
    assert response.status_code == 200
    number, _ = receipt(response.get_data(as_text=True))
    [attachment] = bootstrap.services().store.get_case(number).attachments
    assert attachment.filename == LONG_NAME  # the name as data, whole
    assert len(attachment.key.encode()) <= 200  # the storage key bounded in bytes
    assert (tmp_path / "files" / attachment.key).read_bytes() == PNG


def test_an_oversized_report_gets_the_report_form_back_in_its_language(function_client):
    client = function_client("submit_form")
    form = client.get("/?kind=report&lang=en").get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+)"', form).group(1).replace("&amp;", "&")
    big = b"\x00" * (5 * 10 * 1024 * 1024 + 2 * 1024 * 1024)
    response = client.post("/" + action, data={"kind": "report", "files": [(io.BytesIO(big), "a")]},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html and 'name="good_faith"' in html  # still the report form
    assert "too large" in html and 'id="error-summary"' in html


def test_the_complaint_form_does_not_offer_anonymity_in_its_errors(function_client):
    client = function_client("submit_form")
    complaint = client.post("/", data=complaint_form(email="", phone=""))
    assert complaint.status_code == 422
    assert "匿名" not in complaint.get_data(as_text=True)
    report = client.post("/", data={"kind": "report", "category": "fraud", "subject": "x",
                                    "description": "冒充客服诈骗", "good_faith": "yes"})
    assert "或选择匿名举报" in report.get_data(as_text=True)


def test_text_of_invisible_characters_is_no_text_and_names_lose_direction_controls(
        function_client):
    client = function_client("submit_form")
    invisible = "\u200b\u200d\u202e\u2066\x00 \u3000\ufeff"
    refused = client.post("/", data=complaint_form(subject=invisible, description=invisible * 3))
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="subject-error"' in html and 'id="description-error"' in html
    page = submit(client, complaint_form(name="李\u202e雷\x00", subject="订单\x0077"))
    number, _ = receipt(page.get_data(as_text=True))
    store = bootstrap.services().store
    assert store.get_identity(number).name == "李雷"
    assert store.get_case(number).subject == "订单77"


def test_typed_text_is_stored_and_shown_without_controls_or_direction_overrides(function_client):
    client = function_client("submit_form")
    page = submit(client, complaint_form(subject="发票\u202eexe.txt\x07", desired_outcome="换货\x85",
                                         description="收到的耳机\x1b[31m没有声音\u2066。\u2069"))
    number, code = receipt(page.get_data(as_text=True))
    services = bootstrap.services()
    case = services.store.get_case(number)
    assert (case.subject, case.description, case.desired_outcome) == (
        "发票exe.txt", "收到的耳机[31m没有声音。", "换货")
    assert services.status.look_up(number, code, "203.0.113.5").subject == "发票exe.txt"
