"""Parsing messages built to exhaust the parser (issue 12), against parsing a plain message of the
same size (one text part of as many bytes: the baseline), in one process. Before the bounds of
`shared/services/mail_bounds.py` the first two took 19 s and 16 s; a ratio near 1 means the
hostile shape costs what its size costs.

    .venv/bin/python -m bench.hostile_mail [--rounds 3]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from shared.services.mail_parsing import parse_mail

HOSTILE = {
    "Content-Type folded 100 000 times":
        b"From: a@qq.com\r\nContent-Type: text/plain; " + b"x\r\n " * 100_000 + b"\r\n\r\nbody",
    "Content-Type of 100 000 encoded words":
        b"From: a@qq.com\r\nContent-Type: text/plain; name=" + b"=?utf-8?B?5Lit?= " * 100_000
        + b"\r\n\r\nbody",
    "100 000 empty MIME parts":
        b"From: a@qq.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        + b"--b\r\n\r\n" * 100_000 + b"--b--\r\n",
    "2 000 nested multiparts":
        b"From: a@qq.com\r\n" + b"".join(b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n"
                                         % (i, i) for i in range(2000)) + b"\r\nx\r\n",
    "100 000 header fields": b"From: a@qq.com\r\n" + b"X-A: b\r\n" * 100_000 + b"\r\nx\r\n",
    "20 forwarded messages, a From of 900 encoded words each":
        b"From: a@qq.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" + (
            b"--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: " + b"=?utf-8?B?5Lit?= " * 900
            + b"\r\n\r\nbody\r\n") * 20 + b"--b--\r\n",
}


def plain(size: int) -> bytes:
    head = b"From: a@qq.com\r\nSubject: plain\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    line = "举报内容正文 plain text line\r\n".encode()
    return head + line * max(1, (size - len(head)) // len(line))


def best_of(raw: bytes, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        parse_mail(raw)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")
    for name, raw in HOSTILE.items():
        hostile, baseline = best_of(raw, rounds), best_of(plain(len(raw)), rounds)
        print(f"{name} ({len(raw) / 1024:.0f} KB): {hostile * 1000:.0f} ms vs a plain message of "
              f"the same size {baseline * 1000:.0f} ms: {hostile / baseline:.2f}")


if __name__ == "__main__":
    main()
