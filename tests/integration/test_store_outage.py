"""The case store unavailable, then back (issue 12, "Faults that must lose nothing"), on both
stores (`tests/support/store_outage.py`: SQLite's write lock held by another connection; a
Firestore emulator of the test's own frozen). Whatever arrives meanwhile is refused in a way
that makes its sender try again — the form 503 with the person's text kept, the status page 503,
the SNS webhook 503, the report address's SMTP 451 — and the retry after the store is back
registers it once, with nothing half written before."""
from __future__ import annotations

import json

import pytest

from shared import bootstrap
from tests.integration.test_form_resubmission import form_token
from tests.integration.test_web_form import complaint_form, receipt
from tests.support.firestore_emulator import firestore_emulator_process
from tests.support.inbound_mail import corpus, report_address_server, smtp_answer
from tests.support.sns_webhook import signed_now, wired_webhook
from tests.support.store_outage import all_cases, firestore_outage, sqlite_outage

TYPED = {"subject": "门店拒绝退款 <b>订单 77</b>", "description": "我在门店买的耳机坏了，店员拒绝退款。"}


@pytest.fixture(scope="module")
def own_emulator():
    """A Firestore emulator of this module's own: freezing it leaves the session's alone."""
    with firestore_emulator_process() as (address, process):
        yield address, process


@pytest.fixture(params=["sqlite", pytest.param("firestore", marks=pytest.mark.firestore)])
def outage(request, tmp_path, monkeypatch, function_client):
    """The functions configured through the environment (`function_client`'s, then the store
    the test can take away)."""
    if request.param == "sqlite":
        chosen = sqlite_outage(tmp_path)
    else:
        chosen = firestore_outage(*request.getfixturevalue("own_emulator"))
    for name, value in chosen.env.items():
        monkeypatch.setenv(name, value)
    bootstrap.services.cache_clear()
    bootstrap.services().store.list_staff()  # the store exists (SQLite: migrated) before it goes
    yield chosen
    bootstrap.services.cache_clear()


def test_the_form_answers_503_with_the_text_kept_and_the_same_form_registers_once_after(
        outage, function_client):
    client = function_client("submit_form")
    token = form_token(client.get("/").get_data(as_text=True))
    form = complaint_form(form_token=token, **TYPED)
    with outage.down():
        assert client.get("/").status_code == 200  # the form still shows (no challenge asked)
        refused = client.post("/?lang=zh-CN", data=form)
        english = client.post("/?lang=en", data=dict(form, lang="en"))
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "30"
    page = refused.get_data(as_text=True)
    assert "系统暂时无法保存或读取案件" in page
    assert "我在门店买的耳机坏了，店员拒绝退款。" in page
    assert "门店拒绝退款 &lt;b&gt;订单 77&lt;/b&gt;" in page  # kept, and escaped
    assert form_token(page) == token  # sent again, it still counts once
    assert english.status_code == 503
    assert "We cannot store or read cases just now" in english.get_data(as_text=True)
    store = bootstrap.services().store
    assert all_cases(store) == []  # nothing half written
    again = client.post("/?lang=zh-CN", data=dict(form, form_token=form_token(page)))
    assert again.status_code == 303
    number, _ = receipt(client.get("/" + again.headers["Location"]).get_data(as_text=True))
    assert [case.number for case in all_cases(store)] == [number]
    assert client.post("/?lang=zh-CN", data=form).status_code == 303
    assert len(all_cases(store)) == 1


def test_the_status_page_answers_503_and_keeps_what_was_written(outage, function_client):
    client = function_client("submit_form")
    token = form_token(client.get("/").get_data(as_text=True))
    posted = client.post("/", data=complaint_form(form_token=token))
    number, code = receipt(client.get("/" + posted.headers["Location"]).get_data(as_text=True))
    status = function_client("case_status")
    addition = "补充：店员姓王，当天下午三点。<script>alert(1)</script>"
    shown = "补充：店员姓王，当天下午三点。&lt;script&gt;alert(1)&lt;/script&gt;"
    with outage.down():
        refused = status.post(f"/?number={number}", data={
            "action": "add", "number": number, "code": code, "text": addition})
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "30"
    page = refused.get_data(as_text=True)
    assert "系统暂时无法读取案件" in page and f'value="{number}"' in page
    assert shown in page and "<script>alert" not in page  # kept, escaped
    added = status.post(f"/?number={number}", data={
        "action": "add", "number": number, "code": code, "text": addition})
    assert added.status_code == 200
    assert added.get_data(as_text=True).count(shown) == 1


def test_receive_email_answers_503_so_sns_retries_and_the_retry_registers_once(
        outage, function_client):
    from tests.integration.test_receive_email import ses_notification

    signer = wired_webhook(corpus("foxmail_gbk.eml"))
    app = bootstrap.services()
    client = function_client("receive_email")
    body = signed_now(signer, json.loads(ses_notification("inbound-mail", "msg-1")))
    with outage.down():
        refused = client.post("/", data=body)
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "30"
    assert all_cases(app.store) == []
    first = client.post("/", data=body)  # SNS's retry
    assert first.status_code == 200 and first.get_json()["status"] == "registered"
    again = client.post("/", data=body)  # delivered at least once: a second retry
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
    assert [c.number for c in all_cases(app.store)] == [first.get_json()["case"]]


def test_the_report_address_answers_451_so_the_sender_retries_and_the_retry_registers_once(
        outage):
    app = bootstrap.services()
    raw = corpus("foxmail_gbk.eml")
    with report_address_server(app) as port:
        with outage.down():
            code, reply = smtp_answer(port, raw)
        assert code == 451 and reply.startswith(b"4.3.0")
        assert all_cases(app.store) == []
        assert smtp_answer(port, raw)[0] == 250  # the sender's server tries again
        assert smtp_answer(port, raw)[0] == 250  # and again, its first 250 lost
    assert len(all_cases(app.store)) == 1

