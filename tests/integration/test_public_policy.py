"""The published handling policy (R22): generated from the live settings and the policy files, as a
page and a downloadable document, in both languages, with a strict CSP."""
from __future__ import annotations

import dataclasses
import re

import pytest

from shared.bootstrap import build_services
from shared.domain.deadline_policy import Deadlines, load_deadline_policy

POLICY_COPY = """{"version": 1, "initial_review": {"hours": 24, "counted_from": "next_working_moment"},
 "first_contact": {"working_hours": 4},
 "decision": {"working_days": %d, "rules": [{"kind": "complaint", "severity": "major",
   "working_days": 7}], "pause_while_awaiting_reporter": false},
 "compensation": {"working_days": 10}, "appeal_window": {"months": 6}, "follow_up": {"days": 30}}"""


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def policy_page(app, lang="zh-CN", standalone=False) -> str:
    return app.public_pages.policy(lang, app.published_policy, standalone=standalone)


def with_policy(app, text: str):
    """The app counting from a copy of the deadline policy instead of the shipped file."""
    app.deadlines = Deadlines(app.deadlines.calendar, load_deadline_policy(text))
    return app


def test_the_policy_states_the_configured_channels_and_limits(settings):
    app = build_services(dataclasses.replace(
        settings, report_address="jubao@shop.example", public_phone="400-123-4567",
        public_office_address="北京市海淀区某路 1 号", form_url="https://shop.example/complaints",
        appeal_window_months=9, compensation_leader_threshold_yuan=800,
        policy_effective_from="2027-01-01"))
    page = text_of(policy_page(app))
    assert "jubao@shop.example" in page and "400-123-4567" in page
    assert "北京市海淀区某路 1 号" in page and "https://shop.example/complaints" in page
    assert "24 小时内完成" in page and "15 个工作日内作出" in page  # the shipped policy file
    assert "4 个工作小时内" in page and "10 个工作日内作出决定" in page
    assert "超过 800 元" in page and "6 个月内" not in page and "9 个月内" in page
    assert "10 人以上的集体投诉" in page and "30 天内 3 名以上不同投诉人" in page
    assert "至少每 7 天" in page  # R9's bulletin
    assert "12377" in page and "12315" in page and "人民法院" in page  # remedies.json
    assert "本制度自 2027-01-01 起施行" in page
    assert "举报奖励" not in page  # rewards not offered by default


def test_a_changed_setting_changes_the_policy_and_its_version(settings):
    before = build_services(settings)
    after = build_services(dataclasses.replace(settings, report_address="new@shop.example",
                                               rewards_offered=True, public_phone=""))
    old, new = text_of(policy_page(before)), text_of(policy_page(after))
    assert "report@example.com" in old and "new@shop.example" not in old
    assert "new@shop.example" in new and "report@example.com" not in new
    assert "举报奖励" in new and "投诉举报电话" not in new
    assert before.published_policy.version != after.published_policy.version
    assert f"版本 {after.published_policy.version}" in new


def test_the_decision_days_come_from_the_policy_file(settings):
    app = with_policy(build_services(settings), POLICY_COPY % 12)
    page = text_of(policy_page(app))
    assert "12 个工作日内作出" in page and "15 个工作日内作出" not in page
    assert "投诉 · 重大：7 个工作日" in page  # the file's rule by kind and severity
    assert "处理时限照常计算" in page  # the pause switched off in the copy
    english = text_of(policy_page(app, "en"))
    assert "within 12 working days of acceptance" in english
    assert "Complaint · major: 7 working days" in english


def test_the_english_policy_says_the_same(settings):
    app = build_services(dataclasses.replace(settings, anonymous_kinds=frozenset()))
    page = text_of(policy_page(app, "en").partition("<main")[2])
    assert "User complaint and report handling policy" in page
    assert "within 24 hours of receipt" in page and "within 15 working days" in page
    assert "this platform asks for a name" in page
    assert not re.search(r"[\u4e00-\u9fff]{4}", page.replace(settings.platform_name, "")), \
        "Chinese text left in the English policy"


def test_the_page_and_the_download_over_http(function_client, monkeypatch):
    monkeypatch.setenv("CD_REPORT_ADDRESS", "complaints@shop.example")
    client = function_client("public_pages")
    page = client.get("/policy?lang=en")
    assert page.status_code == 200
    assert "complaints@shop.example" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"].startswith("public")
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe-inline" not in csp
    assert "<script" not in page.get_data(as_text=True)
    download = client.get("/policy.html")
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".html" in disposition
    html = download.get_data(as_text=True)
    assert '<meta http-equiv="Content-Security-Policy"' in html  # still strict opened from disk
    assert "用户举报和投诉处理制度" in html and "complaints@shop.example" in html
    assert "@media print" in html  # prints as a document
    assert client.get("/nothing").status_code == 404
    assert client.post("/policy").status_code == 405


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'])
def test_a_published_setting_is_escaped(settings, value):
    app = build_services(dataclasses.replace(settings, public_office_address=value))
    html = policy_page(app)
    assert value not in html and "&lt;" in html


def test_the_form_and_the_status_page_link_to_the_policy_and_the_figures(function_client,
                                                                          monkeypatch):
    monkeypatch.setenv("CD_PUBLIC_PAGES_URL", "https://complaints.example.com/public-pages/")
    for name, words in (("submit_form", ("用户举报和投诉处理制度", "举报投诉处理情况公开")),
                        ("case_status", ("Complaint and report handling policy",
                                         "Complaint and report figures"))):
        lang = "zh-CN" if name == "submit_form" else "en"
        html = function_client(name).get(f"/?lang={lang}").get_data(as_text=True)
        assert f'href="https://complaints.example.com/public-pages/policy?lang={lang}"' in html
        assert (f'href="https://complaints.example.com/public-pages/transparency?lang={lang}"'
                in html)
        assert all(word in html for word in words)
