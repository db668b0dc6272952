"""The same form sent again — a reload, Back and submit, a double click, a resubmission after the
answer was lost — opens one case and shows its receipt again, access code included."""
from __future__ import annotations

import re
import threading

from shared import bootstrap
from tests.integration.test_web_form import complaint_form, receipt, submit


def form_token(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def cases_in_store(tmp_path) -> int:
    import sqlite3

    with sqlite3.connect(tmp_path / "fn.sqlite3") as db:
        return db.execute("SELECT count(*) FROM cases").fetchone()[0]


def test_every_rendering_of_the_form_carries_a_fresh_token(function_client):
    client = function_client("submit_form")
    first, second = (form_token(client.get("/").get_data(as_text=True)) for _ in range(2))
    assert first != second and len(first) >= 20


def test_a_registered_form_answers_with_a_redirect_to_its_receipt(function_client):
    client = function_client("submit_form")
    token = form_token(client.get("/").get_data(as_text=True))
    posted = client.post("/?lang=zh-CN", data=complaint_form(form_token=token))
    assert posted.status_code == 303 and posted.get_data() == b""
    assert posted.headers["Location"].startswith("?receipt=")
    page = client.get("/" + posted.headers["Location"])
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    number, code = receipt(page.get_data(as_text=True))
    # Reloading the receipt shows it again and registers nothing.
    assert receipt(client.get("/" + posted.headers["Location"]).get_data(as_text=True)) == (
        number, code)


def test_the_same_form_sent_again_after_a_lost_answer_shows_the_same_receipt(function_client,
                                                                                tmp_path):
    client = function_client("submit_form")
    token = form_token(client.get("/").get_data(as_text=True))
    first = receipt(submit(client, complaint_form(form_token=token)).get_data(as_text=True))
    # The answer never reached the browser (connection cut); the person presses submit again.
    again = submit(client, complaint_form(form_token=token))
    assert receipt(again.get_data(as_text=True)) == first  # number and access code
    assert cases_in_store(tmp_path) == 1
    status = function_client("case_status").post("/", data={
        "action": "look_up", "number": first[0], "code": first[1]})
    assert status.status_code == 200  # the code shown again is the case's code


def test_five_identical_posts_at_once_open_one_case(function_client, tmp_path):
    client = function_client("submit_form")
    token = form_token(client.get("/").get_data(as_text=True))
    start, receipts, errors = threading.Barrier(5), [], []
    browsers = [function_client("submit_form") for _ in range(5)]  # built before the race

    def post(browser):
        start.wait()
        try:
            response = submit(browser, complaint_form(form_token=token))
            receipts.append(receipt(response.get_data(as_text=True)))
        except Exception as error:  # reported below, with what it was
            errors.append(error)

    threads = [threading.Thread(target=post, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(receipts) == 5 and len(set(receipts)) == 1
    assert cases_in_store(tmp_path) == 1
    folder = tmp_path / "files"
    assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


def test_the_receipt_in_the_other_language_keeps_the_access_code(function_client):
    client = function_client("submit_form")
    page = submit(client, complaint_form()).get_data(as_text=True)
    number, code = receipt(page)
    switch = re.search(r'href="(\?receipt=[^"]+)" lang="en"', page).group(1).replace("&amp;", "&")
    english = client.get("/" + switch).get_data(as_text=True)
    assert '<html lang="en">' in english and receipt(english) == (number, code)


def test_a_forged_or_unknown_receipt_link_shows_nothing(function_client):
    client = function_client("submit_form")
    page = submit(client, complaint_form()).get_data(as_text=True)
    number, code = receipt(page)
    for link in ("forged.link", bootstrap.services().receipt_links.sign("A" * 22)):
        response = client.get(f"/?receipt={link}")
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert "回执页面已失效" in html and number not in html and code not in html


def test_an_old_receipt_link_has_expired(function_client, monkeypatch):
    from itsdangerous import timed

    client = function_client("submit_form")
    posted = client.post("/", data=complaint_form())
    monkeypatch.setattr(timed.TimestampSigner, "get_timestamp", lambda self: 2_000_000_000)
    expired = client.get("/" + posted.headers["Location"])
    assert expired.status_code == 404 and 'id="access-code"' not in expired.get_data(as_text=True)


def test_a_receipt_link_shows_nothing_in_another_browser(function_client):
    # The link is in request logs and browser history; only the browser that posted the form
    # holds the cookie that opens it.
    client = function_client("submit_form")
    posted = client.post("/", data=complaint_form())
    cookie = posted.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age=1800" in cookie
    mine = client.get("/" + posted.headers["Location"])
    number, code = receipt(mine.get_data(as_text=True))
    elsewhere = function_client("submit_form").get("/" + posted.headers["Location"])
    html = elsewhere.get_data(as_text=True)
    assert elsewhere.status_code == 404 and number not in html and code not in html


def test_two_forms_in_two_tabs_keep_their_own_receipts(function_client):
    client = function_client("submit_form")
    first = client.post("/", data=complaint_form(subject="第一份"))
    second = client.post("/", data=complaint_form(subject="第二份"))
    receipts = [receipt(client.get("/" + posted.headers["Location"]).get_data(as_text=True))
                for posted in (first, second)]
    assert receipts[0] != receipts[1] and all(receipts)


def link_payload(location: str) -> str:
    """What anyone reading a request log learns from a receipt link: itsdangerous signs but does
    not encrypt, so the payload before the first dot is readable base64 JSON."""
    import base64
    import json
    from urllib.parse import parse_qs, urlsplit

    link = parse_qs(urlsplit(location).query)["receipt"][0]
    payload = link.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_receipt_link_read_in_a_log_cannot_be_posted_back_as_the_form(function_client):
    # The victim posts a form; the receipt link lands in request logs and history.
    victim = function_client("submit_form")
    token = form_token(victim.get("/").get_data(as_text=True))
    posted = victim.post("/", data=complaint_form(form_token=token))
    number, code = receipt(victim.get("/" + posted.headers["Location"]).get_data(as_text=True))
    leaked = link_payload(posted.headers["Location"])
    assert leaked != token  # the form's token never leaves the form page and its POST body
    # Someone who read the log posts what the link carries, and nothing else, from a fresh browser.
    attacker = function_client("submit_form")
    answer = attacker.post("/", data={"form_token": leaked})
    pages = [answer]
    if answer.status_code == 303:
        pages.append(attacker.get("/" + answer.headers["Location"]))
    pages.append(attacker.get("/" + posted.headers["Location"]))  # and opens the link itself
    for page in pages:
        html = page.get_data(as_text=True)
        assert page.status_code != 500 and number not in html and code not in html
