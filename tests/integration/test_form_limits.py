"""The form's limits hold under a flood: a client's cases per hour and the acknowledgments one
address receives are checked and counted in the registration's own transaction, on both stores.
And every refusal says when to try again; a receipt says why no acknowledgment was sent."""
from __future__ import annotations

import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests
from werkzeug.serving import make_server

from shared import bootstrap
from tests.integration.test_web_form import complaint_form, submit

FLOOD = 100


@pytest.fixture(params=["sqlite", pytest.param("firestore", marks=pytest.mark.firestore)])
def form_server(request, tmp_path, mailbox, monkeypatch):
    """The real `submit_form` on a threaded HTTP server on loopback, behind one trusted proxy,
    on either store."""
    import functions_framework

    from shared.settings import PROJECT_ROOT

    monkeypatch.setenv("CD_SQLITE_PATH", str(tmp_path / "fn.sqlite3"))
    monkeypatch.setenv("CD_ATTACHMENT_FOLDER", str(tmp_path / "files"))
    monkeypatch.setenv("CD_SMTP_PORT", str(mailbox[0]))
    monkeypatch.setenv("CD_TRUSTED_PROXIES", "1")
    monkeypatch.setenv("CD_CHALLENGE_AFTER_SUBMISSIONS", "1000")  # the hard limit, not the check before it
    monkeypatch.setenv("CD_REPLY_TOKEN_KEY", uuid.uuid4().hex)
    if request.param == "firestore":
        request.getfixturevalue("firestore_emulator")
        monkeypatch.setenv("CD_CASE_STORE", "firestore")
        monkeypatch.setenv("CD_FIRESTORE_PROJECT", f"test-{uuid.uuid4().hex[:12]}")
    bootstrap.services.cache_clear()
    app = functions_framework.create_app(
        "submit_form", str(PROJECT_ROOT / "functions" / "submit_form.py"), "http")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    bootstrap.services.cache_clear()


def test_a_flood_from_one_client_registers_the_limit_and_acknowledges_an_address_five_times(
        form_server):
    start = threading.Barrier(FLOOD)

    def post(i):
        start.wait()
        return requests.post(form_server, data=complaint_form(email="victim@example.com"),
                             headers={"X-Forwarded-For": "198.51.100.66"},
                             allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(FLOOD) as pool:
        statuses = list(pool.map(post, range(FLOOD)))
    assert statuses.count(303) == 20 and statuses.count(429) == FLOOD - 20
    queued = bootstrap.services().store.due_outbox(datetime.now(UTC) + timedelta(days=1), 200)
    assert len(queued) == 5


def test_the_receipt_says_why_no_acknowledgment_was_sent(function_client):
    client = function_client("submit_form")
    pages = [submit(client, complaint_form(email="victim@example.com"),
                    headers={"X-Forwarded-For": f"198.51.100.{i}"}).get_data(as_text=True)
             for i in range(6)]
    assert all("登记确认邮件将发送到您的电子邮箱" in page for page in pages[:5])
    assert "您未留下电子邮箱" not in pages[5]
    assert "本小时内发往该电子邮箱的通知已达上限" in pages[5]


def test_a_refused_form_says_when_to_try_again_and_keeps_what_was_typed(function_client,
                                                                       monkeypatch):
    monkeypatch.setenv("CD_SUBMISSIONS_PER_CLIENT_PER_HOUR", "1")
    monkeypatch.setenv("CD_CHALLENGE_AFTER_SUBMISSIONS", "1000")  # the hard limit, not the check before it
    client = function_client("submit_form")
    submit(client, complaint_form(), headers={"X-Forwarded-For": "198.51.100.7"})
    refused = client.post("/?lang=en", data=complaint_form(subject="第二个订单"),
                          headers={"X-Forwarded-For": "198.51.100.7"})
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert re.search(r"Try again in \d+ minutes\.", html) and 'value="第二个订单"' in html
    chinese = client.post("/", data=complaint_form(), headers={"X-Forwarded-For": "198.51.100.7"})
    assert re.search(r"请在 \d+ 分钟后再试", chinese.get_data(as_text=True))
