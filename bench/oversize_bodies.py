"""What a body we refuse costs the form (issue 12): the CPU `submit_form` spends on hostile posts
— a 9 MB text, 90 texts of 490 KB, a 45 MB file, eight files of 6 MB, 900 tiny files — cut off
while they stream in (now) and read up to the body's whole allowance as before the cut-off (the
parser with werkzeug's limits only), each against a normal post registering a case, in the same
process. The function runs in-process (werkzeug's test client), so only its own work is counted.
Run: python -m bench.oversize_bodies"""
from __future__ import annotations

import os
import statistics
import tempfile
import time

ROUNDS = 5
MB = 1024 * 1024


def _parts(fields: list[tuple[str, str]], files: list[bytes]) -> bytes:
    body = b"".join(b'--zz\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                    % (name.encode(), value.encode()) for name, value in fields)
    for i, data in enumerate(files):
        body += (b'--zz\r\nContent-Disposition: form-data; name="files"; filename="f%d.txt"\r\n'
                 b"Content-Type: text/plain\r\n\r\n%s\r\n" % (i, data))
    return body + b"--zz--\r\n"


def _form(description: str = "收到的耳机左声道没有声音。", files=(), extra=()) -> bytes:
    fields = [("kind", "complaint"), ("lang", "en"), ("category", "product_quality"),
              ("subject", "Broken headphones"), ("description", description),
              ("email", "bench@example.com"), *extra]
    return _parts(fields, list(files))


HOSTILE = {
    "a 9 MB text": lambda: _form("a" * 9_000_000),
    "90 texts of 490 KB": lambda: _form(extra=[(f"x{i}", "a" * 490_000) for i in range(90)]),
    "a 45 MB file": lambda: _form(files=[b"a" * (45 * MB)]),
    "8 files of 6 MB": lambda: _form(files=[b"a" * (6 * MB)] * 8),
    "900 tiny files": lambda: _form(files=[b"a"] * 900),
}


def _cpu(post) -> tuple[float, int]:
    times, status = [], 0
    for _ in range(ROUNDS):
        start = time.process_time()
        status = post()
        times.append(time.process_time() - start)
    return statistics.median(times), status


def main() -> None:
    folder = tempfile.mkdtemp(prefix="bench-oversize-")
    os.environ.update(CD_SQLITE_PATH=f"{folder}/cases.sqlite3", CD_ATTACHMENT_FOLDER=f"{folder}/f",
                      CD_SUBMISSIONS_PER_CLIENT_PER_HOUR="100000")
    import functions_framework

    from shared.settings import PROJECT_ROOT
    from shared.web import request_bodies

    client = functions_framework.create_app(
        "submit_form", str(PROJECT_ROOT / "functions" / "submit_form.py"), "http").test_client()

    def post(body: bytes) -> int:
        return client.post("/?lang=en", data=body,
                           content_type="multipart/form-data; boundary=zz").status_code

    counter = iter(range(10**9))
    normal, status = _cpu(lambda: post(_form(f"收到的耳机左声道没有声音。第 {next(counter)} 次。")))
    print(f"load {open('/proc/loadavg').read().split()[:3]}; {ROUNDS} rounds, medians of CPU")
    print(f"normal post (registers a case, {status}): {normal * 1000:.1f} ms = 1.0")
    cut_off = request_bodies.read_upload_form

    def read_whole(request, settings):  # before: the body's allowance, werkzeug's limits only
        files = (settings.max_attachments, settings.max_attachment_bytes)
        return request_bodies.read_form(request, request_bodies.body_limit(*files))

    print(f"{'body':<22}{'cut off (now)':>22}{'read whole (before)':>26}")
    for name, build in HOSTILE.items():
        body = build()
        now, now_status = _cpu(lambda: post(body))
        request_bodies.read_upload_form = read_whole
        try:
            before, before_status = _cpu(lambda: post(body))
        finally:
            request_bodies.read_upload_form = cut_off
        print(f"{name:<22}{now * 1000:>9.1f} ms {now / normal:>5.2f}x {now_status}"
              f"{before * 1000:>12.1f} ms {before / normal:>5.2f}x {before_status}")


if __name__ == "__main__":
    main()
