"""Bodies the form and the status page cannot take as they are: too large for us, too large a text
for the form parser, a part header in GBK, a client that hangs up. Each is answered by our own
page in the person's language (never a bare 400/413/500), and a readable form is never lost."""
from __future__ import annotations

import io
import logging
import queue
import re
import socket
import threading

import pytest
from werkzeug.serving import make_server

from shared import bootstrap
from shared.domain.queues import CaseQuery
from tests.integration.test_status_page import file_case, look_up
from tests.integration.test_web_form import complaint_form
from tests.support.timeline import events_of

HUGE = 99_999_999_999_999


@pytest.fixture(autouse=True)
def behind_one_proxy(monkeypatch):
    monkeypatch.setenv("CD_TRUSTED_PROXIES", "1")


@pytest.fixture
def serve(function_client):
    """Starts the real function on a threaded HTTP server on loopback (configured as
    `function_client` configures it); yields (port, statuses answered, in order)."""
    import functions_framework

    from shared.settings import PROJECT_ROOT

    servers = []

    def start(name: str):
        app = functions_framework.create_app(
            name, str(PROJECT_ROOT / "functions" / f"{name}.py"), "http")
        answered: queue.Queue[int] = queue.Queue()

        def recording(environ, start_response):
            def start_and_record(status, headers, exc_info=None):
                answered.put(int(status.split()[0]))
                return start_response(status, headers, exc_info)
            return app(environ, start_and_record)

        server = make_server("127.0.0.1", 0, recording, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_port, answered

    yield start
    for server in servers:
        server.shutdown()


def raw_post(port: int, target: str, length: int, sent: bytes = b"--zz\r\n",
             then: str = "wait") -> bytes:
    """Sends a multipart POST's head and the first bytes of its body, then waits for the answer
    (`wait`), half-closes first (`half_close`, as `nc -q` does) or hangs up (`hang_up`)."""
    head = (f"POST {target} HTTP/1.1\r\nHost: x\r\n"
            f"Content-Type: multipart/form-data; boundary=zz\r\nContent-Length: {length}\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(head.encode() + sent)
        if then == "hang_up":
            return b""
        if then == "half_close":
            conn.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        return answer


@pytest.mark.parametrize("then", ["wait", "half_close"])
def test_a_huge_form_is_refused_at_once_in_its_language_and_kind(serve, caplog, then):
    port, answered = serve("submit_form")
    answer = raw_post(port, "/?kind=report", HUGE, then=then).decode()
    assert answer.startswith("HTTP/1.1 413")
    assert '<html lang="zh-CN">' in answer and 'name="good_faith"' in answer  # the report form
    assert "过大" in answer
    english = raw_post(port, "/?kind=report&lang=en", HUGE, then=then).decode()
    assert '<html lang="en">' in english and "too large" in english
    assert [answered.get(timeout=5) for _ in range(2)] == [413, 413]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("then", ["wait", "half_close"])
def test_a_huge_addition_is_refused_at_once_with_the_case_number_kept(serve, caplog, then):
    port, answered = serve("case_status")
    answer = raw_post(port, "/?lang=en&number=TS-20260101-ABCDEFG", HUGE, then=then).decode()
    assert answer.startswith("HTTP/1.1 413") and '<html lang="en">' in answer
    assert "too large" in answer and 'value="TS-20260101-ABCDEFG"' in answer
    assert answered.get(timeout=5) == 413
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("name", ["submit_form", "case_status"])
def test_a_client_that_hangs_up_mid_body_causes_no_error(serve, caplog, name):
    port, answered = serve(name)
    raw_post(port, "/?lang=en", 100_000, sent=b"--zz\r\nContent-Disposition: form-data; "
             b'name="subject"\r\n\r\nhalf a subj', then="hang_up")
    assert answered.get(timeout=5) == 400  # read by nobody: the client is gone
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def multipart(fields: dict, file_name: bytes, content: bytes = b"chat log") -> bytes:
    """A multipart body whose file part's header carries `file_name` as raw bytes."""
    body = b"".join(b'--zz\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                    % (key.encode(), value.encode()) for key, value in fields.items())
    return body + (b'--zz\r\nContent-Disposition: form-data; name="files"; filename="%s"\r\n'
                   b"Content-Type: text/plain\r\n\r\n%s\r\n--zz--\r\n" % (file_name, content))


GBK_NAME = "中文.txt".encode("gbk")


def test_a_file_name_in_gbk_keeps_the_form_and_reads_as_chinese(function_client):
    client = function_client("submit_form")
    response = client.post("/?lang=zh-CN", data=multipart(complaint_form(), GBK_NAME),
                           content_type="multipart/form-data; boundary=zz")
    assert response.status_code == 303
    [case] = bootstrap.services().store.find_cases(CaseQuery(), 10).cases
    assert case.subject == complaint_form()["subject"]
    assert [a.filename for a in case.attachments] == ["中文.txt"]


def test_an_addition_with_a_gbk_file_name_is_added_whole(function_client):
    number, code = file_case(function_client)
    form = {"action": "add", "number": number, "code": code, "text": "补充材料"}
    response = function_client("case_status").post(
        "/?lang=zh-CN", data=multipart(form, GBK_NAME),
        content_type="multipart/form-data; boundary=zz")
    assert response.status_code == 200
    assert bootstrap.services().store.get_case(number).attachments[-1].filename == "中文.txt"
    assert events_of(bootstrap.services().store, number)[-1].text == "补充材料"


TWO_MB = "长" * 700_000  # 2.1 MB in UTF-8, past the form parser's 500 KB for one text


def test_a_text_too_long_for_the_parser_gets_our_page_with_what_was_read_before_it(
        function_client):
    client = function_client("submit_form")
    response = client.post("/?lang=zh-CN&kind=report",
                           data=complaint_form(kind="report", subject=TWO_MB,
                                               files=[(io.BytesIO(b"x"), "a.txt")]),
                           content_type="multipart/form-data")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and 'name="good_faith"' in html
    assert "文字远超表单允许的长度" in html and "之前读到的内容已在下方保留" in html
    assert TWO_MB[:1000] not in html  # the text past its limit is not shown
    english = client.post("/?lang=en", data=complaint_form(subject=TWO_MB),
                          content_type="multipart/form-data").get_data(as_text=True)
    assert "far longer than the form allows" in english
    assert bootstrap.services().store.find_cases(CaseQuery(), 10).cases == []


def test_an_addition_too_long_for_the_parser_gets_our_page_and_adds_nothing(function_client):
    number, code = file_case(function_client)
    before = len(events_of(bootstrap.services().store, number))
    client = function_client("case_status")
    page = look_up(client, number, code, lang="en").get_data(as_text=True)
    [action] = re.findall(r'<form method="post" action="([^"]+)" enctype', page)
    response = client.post(
        "/" + action.replace("&amp;", "&"),
        data={"action": "add", "number": number, "code": code, "text": TWO_MB,
              "files": [(io.BytesIO(b"x"), "a.txt")]},
        content_type="multipart/form-data")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html and "was too long" in html and "could not be kept" in html
    assert f'value="{number}"' in html
    assert len(events_of(bootstrap.services().store, number)) == before


def test_a_chunked_body_without_a_length_is_cut_off_at_the_limit(serve, monkeypatch):
    monkeypatch.setenv("CD_MAX_ATTACHMENTS", "1")
    monkeypatch.setenv("CD_MAX_ATTACHMENT_BYTES", "100000")  # a limit of 1.1 MB
    bootstrap.services.cache_clear()
    port, answered = serve("submit_form")
    body = multipart(complaint_form(), b"big.txt", b"x" * 3_000_000)
    head = (b"POST /?lang=en HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: multipart/form-data; boundary=zz\r\n\r\n")
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 65536]), body[i:i + 65536])
                      for i in range(0, len(body), 65536))

    def send(conn):
        try:
            conn.sendall(head + chunks + b"0\r\n\r\n")
        except OSError:
            pass  # the server may stop reading once it has answered

    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        threading.Thread(target=send, args=(conn,), daemon=True).start()
        answer = conn.makefile("rb")  # read by its length: the server may still be draining
        head = b"".join(iter(answer.readline, b"\r\n")).decode()
        page = answer.read(int(re.search(r"Content-Length: (\d+)", head).group(1))).decode()
    assert answered.get(timeout=5) == 413
    assert head.startswith("HTTP/1.1 413") and "too large" in page
    assert bootstrap.services().store.find_cases(CaseQuery(), 10).cases == []
