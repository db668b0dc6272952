"""The form's edge as a person (or a bot) meets it through the real `submit_form` (issue 12): the
trap field nobody sees, the proof of work asked of a busy source — without JavaScript the form
works below the threshold; past it, a post without a solution gets the form back with what was
typed, a clear message and the widget — and the page's strict Content-Security-Policy with the
files it allows served by us."""
from __future__ import annotations

import html as markup
import json
import re

import altcha
import pytest

from shared import bootstrap
from shared.domain.queues import CaseQuery
from tests.integration.test_web_form import complaint_form

BUSY = {"X-Forwarded-For": "198.51.100.80"}


@pytest.fixture
def form(function_client, monkeypatch):
    monkeypatch.setenv("CD_CHALLENGE_AFTER_SUBMISSIONS", "1")
    bootstrap.services.cache_clear()
    return function_client("submit_form")


def cases():
    return bootstrap.services().store.find_cases(CaseQuery(), 50).cases


def token_of(page: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


def challenge_of(page: str) -> str:
    return markup.unescape(re.search(r'<altcha-widget challenge="([^"]+)"', page).group(1))


def solve(page: str) -> str:
    challenge = altcha.Challenge.from_dict(json.loads(challenge_of(page)))
    return altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()


def post(client, lang="en", **fields):
    return client.post(f"/?lang={lang}", data=complaint_form(**fields), headers=BUSY,
                       content_type="multipart/form-data")


def test_the_trap_is_hidden_from_people_and_a_post_filling_it_registers_nothing(form):
    page = form.get("/?lang=en").get_data(as_text=True)
    trap = re.search(r'<div class="trap" aria-hidden="true">.*?</div>', page, re.S).group(0)
    assert 'name="homepage"' in trap and 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    assert "style=" not in page and "<altcha-widget" not in page  # no check below the threshold
    refused = post(form, description="耳机左声道没有声音，已经联系客服两次。", homepage="https://spam.example")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "could not be accepted as it was sent" in html
    assert "耳机左声道没有声音，已经联系客服两次。" in html and "spam.example" not in html
    assert "homepage" not in html.split('class="summary"')[1].split("</div>")[0]  # not named
    assert cases() == []
    assert "<altcha-widget" in html  # the source now owes a proof of work


def test_below_the_threshold_the_form_works_without_javascript_and_past_it_asks_for_the_check(
        form):
    page = form.get("/?lang=zh-CN", headers=BUSY).get_data(as_text=True)
    assert "<altcha-widget" not in page and "<script" not in page
    assert post(form, lang="zh-CN", form_token=token_of(page)).status_code == 303
    again = form.get("/?lang=zh-CN", headers=BUSY).get_data(as_text=True)
    assert "<altcha-widget" in again and 'language="zh-cn"' in again
    assert "浏览器会先完成一项简短的自动验证" in again
    # no JavaScript: no solution is posted
    refused = post(form, lang="zh-CN", subject="第二张订单", form_token=token_of(again))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "需要浏览器先完成一项简短的自动验证" in html
    assert 'value="第二张订单"' in html and token_of(html) == token_of(again)
    assert "<altcha-widget" in html and len(cases()) == 1
    # the widget's solution, found by altcha's own solver
    assert post(form, lang="zh-CN", subject="第二张订单", form_token=token_of(html),
                altcha=solve(html)).status_code == 303
    assert len(cases()) == 2


def test_a_solution_is_good_for_one_form_and_a_forged_one_for_none(form):
    post(form)  # past the threshold
    page = form.get("/?lang=en", headers=BUSY).get_data(as_text=True)
    answer = solve(page)
    assert post(form, form_token=token_of(page), altcha=answer).status_code == 303
    assert post(form, form_token=token_of(page), altcha=answer).status_code == 303  # same form
    replayed = post(form, subject="Another order", altcha=answer)
    assert replayed.status_code == 403
    assert "The browser check did not succeed" in replayed.get_data(as_text=True)
    assert post(form, subject="Another order", altcha="e30=").status_code == 403
    assert len(cases()) == 2


def test_the_form_page_has_a_strict_policy_and_serves_the_files_it_allows(form):
    post(form)
    response = form.get("/?lang=en", headers=BUSY)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self';" in policy
    assert "worker-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    page = response.get_data(as_text=True)
    assert "style=" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)
    links = re.findall(r'(?:src|href)="(\?asset=[^"]+)"', page)
    assert len(links) == 4  # form.css, altcha.css, altcha.js, form-challenge.js
    for link in links:
        served = form.get("/" + markup.unescape(link))
        assert served.status_code == 200
        assert served.headers["Content-Type"].startswith(("text/css", "text/javascript"))
    assert form.get("/?asset=altcha-pbkdf2.js").status_code == 200  # the worker
    for name in ("../settings.py", "altcha/LICENSE.txt", "form_static"):
        assert form.get(f"/?asset={name}").status_code == 404
