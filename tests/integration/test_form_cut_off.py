"""Bodies cut off while they stream in (issue 12): the form and the status page stop reading at the
first part past its own limit — a text, a file, the files together, a sixth file — and answer our
413 page at once, while the rest is still to come, with the texts read before it kept. The other
public bodies (the SNS webhook) are refused by their declared size before they are read. And the
cloud's limits fit Cloud Run's 32 MiB cap, checked at start-up."""
from __future__ import annotations

import io
import re
import socket

import pytest

from shared import bootstrap
from shared.domain.form_limits import CLOUD_RUN_REQUEST_CAP
from shared.domain.queues import CaseQuery
from shared.settings import ConfigurationError, Settings
from tests.integration import test_request_bodies
from tests.integration.test_status_page import file_case
from tests.integration.test_web_form import complaint_form
from tests.support.hcl import module
from tests.support.timeline import events_of

MB = 1024 * 1024
serve = test_request_bodies.serve  # a real server on loopback, as the bodies' tests start it
behind_one_proxy = test_request_bodies.behind_one_proxy


def text_parts(fields: dict) -> bytes:
    return b"".join(b'--zz\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                    % (name.encode(), value.encode()) for name, value in fields.items())


def file_head(name: str = "photo.txt") -> bytes:
    return (b'--zz\r\nContent-Disposition: form-data; name="files"; filename="%s"\r\n'
            b"Content-Type: text/plain\r\n\r\n" % name.encode())


FIELDS = {"kind": "complaint", "lang": "en", "category": "product_quality",
          "subject": "Broken headphones"}


def post_part(port: int, declared: int, sent: bytes, target: str = "/?lang=en") -> str:
    """Sends a POST declaring `declared` bytes but only `sent` of them, and reads the answer by
    its length (the server closes the connection only once it has drained what comes)."""
    head = (f"POST {target} HTTP/1.1\r\nHost: x\r\n"
            f"Content-Type: multipart/form-data; boundary=zz\r\nContent-Length: {declared}\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(head.encode() + sent)
        answer = conn.makefile("rb")
        status_and_headers = b"".join(iter(answer.readline, b"\r\n")).decode()
        length = int(re.search(r"Content-Length: (\d+)", status_and_headers).group(1))
        return status_and_headers + answer.read(length).decode()


def test_a_huge_text_is_refused_after_its_limit_while_the_rest_is_still_coming(serve):
    port, answered = serve("submit_form")
    # 9 MB declared; 200 KB of it sent (the limit, 64 KB, and a read buffer more), and nothing
    # more: only a cut-off can answer
    sent = text_parts(FIELDS) + b'--zz\r\nContent-Disposition: form-data; name="description"' \
        b"\r\n\r\n" + b"a" * 200_000
    page = post_part(port, 9_000_000, sent)
    assert page.startswith("HTTP/1.1 413") and "far longer than the form allows" in page
    assert 'value="Broken headphones"' in page  # read before the cut-off, shown again
    assert answered.get(timeout=5) == 413
    assert bootstrap.services().store.find_cases(CaseQuery(), 10).cases == []


def test_a_file_past_its_limit_is_refused_while_it_streams_in(serve):
    port, answered = serve("submit_form")
    sent = text_parts(FIELDS) + file_head() + b"x" * (10 * MB + 200_000)
    page = post_part(port, 30 * MB, sent)
    assert page.startswith("HTTP/1.1 413") and "An attachment is too large." in page
    assert 'value="Broken headphones"' in page
    assert answered.get(timeout=5) == 413


def test_a_sixth_file_is_refused_as_it_starts(serve):
    port, answered = serve("submit_form")
    sent = text_parts(FIELDS) + b"".join(file_head(f"{i}.txt") + b"x\r\n" for i in range(6))
    sent += b"x" * 70_000  # the sixth file's bytes, to fill the server's read buffer
    page = post_part(port, 1_000_000, sent)
    assert page.startswith("HTTP/1.1 413") and "Too many attachments." in page
    assert answered.get(timeout=5) == 413


def test_files_past_their_total_are_refused_and_the_page_tells_the_total(function_client,
                                                                        monkeypatch):
    monkeypatch.setenv("CD_MAX_ATTACHMENTS_TOTAL_BYTES", str(3 * MB))
    bootstrap.services.cache_clear()
    client = function_client("submit_form")
    assert "Together at most 3 MB." in client.get("/?lang=en").get_data(as_text=True)
    files = [(io.BytesIO(b"x" * (MB + MB // 2 + 100_000)), f"{i}.txt") for i in range(2)]
    response = client.post("/?lang=en", data=complaint_form(files=files),
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "The attachments together are too large." in html
    assert "收到的耳机左声道没有声音。" in html  # the description came before the files
    assert bootstrap.services().store.find_cases(CaseQuery(), 10).cases == []


def test_an_addition_with_a_file_past_its_limit_is_refused_and_adds_nothing(function_client,
                                                                           monkeypatch):
    monkeypatch.setenv("CD_MAX_ATTACHMENT_BYTES", "100000")
    number, code = file_case(function_client)
    before = len(events_of(bootstrap.services().store, number))
    response = function_client("case_status").post(
        f"/?lang=en&number={number}",
        data={"action": "add", "number": number, "code": code, "text": "a receipt",
              "files": [(io.BytesIO(b"x" * 200_000), "receipt.txt")]},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "An attachment of your addition was too large" in html
    assert f'value="{number}"' in html
    assert len(events_of(bootstrap.services().store, number)) == before


def test_a_url_encoded_form_past_the_text_allowance_is_refused_unread(function_client):
    response = function_client("submit_form").post(
        "/?lang=en", data={"subject": "x", "description": "a" * (2 * MB)},
        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "far longer than the form allows" in response.get_data(as_text=True)


def test_an_sns_post_larger_than_a_notification_is_refused_before_it_is_read(serve):
    port, answered = serve("receive_email")
    head = ("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain; charset=UTF-8\r\n"
            "Content-Length: 50000000\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(head.encode() + b'{"Type": "Notification", "Message": "')
        answer = conn.recv(65536).decode()
    assert answer.startswith("HTTP/1.1 413")
    assert answered.get(timeout=5) == 413


# -- Cloud Run's cap ----------------------------------------------------------------------------

def test_file_limits_past_the_platforms_cap_stop_start_up_naming_what_to_change():
    with pytest.raises(ConfigurationError) as refused:
        Settings(platform_request_cap_bytes=CLOUD_RUN_REQUEST_CAP)  # 5 x 10 MiB + 1 MiB
    [problem] = refused.value.problems
    assert "CD_PLATFORM_REQUEST_CAP_BYTES=33554432" in problem
    assert "set CD_MAX_ATTACHMENTS_TOTAL_BYTES to at most 32505856" in problem
    assert Settings(platform_request_cap_bytes=CLOUD_RUN_REQUEST_CAP,
                    max_attachments_total_bytes=32505856)
    assert Settings(platform_request_cap_bytes=CLOUD_RUN_REQUEST_CAP, max_attachments=3)


def test_the_clouds_settings_fit_cloud_runs_cap():
    env = module()["locals"]["common_env"]
    cap, total = (int(env[name]) for name in ("CD_PLATFORM_REQUEST_CAP_BYTES",
                                               "CD_MAX_ATTACHMENTS_TOTAL_BYTES"))
    assert cap == CLOUD_RUN_REQUEST_CAP
    Settings(platform_request_cap_bytes=cap, max_attachments_total_bytes=total)  # starts
    assert re.fullmatch(r"\d+", str(total)) and total <= 30 * MB
