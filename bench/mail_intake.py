"""Email intake throughput on the test corpus, against `email.message_from_bytes` alone on the
same messages (the baseline), in one process; and store operations per inbound message.

    .venv/bin/python -m bench.mail_intake [--rounds 30]
"""
from __future__ import annotations

import argparse
import re
import tempfile
import time
from email import message_from_bytes, policy
from pathlib import Path

from shared.adapters.clock import SystemClock
from shared.adapters.sqlite_store import SqliteCaseStore
from shared.bootstrap import build_services
from shared.services.mail_parsing import parse_mail
from shared.settings import PROJECT_ROOT, Settings

CORPUS = sorted((PROJECT_ROOT / "tests" / "mail_corpus").glob("*.eml"))


class NoTransport:
    def send(self, message):
        return []


def messages() -> list[bytes]:
    return [path.read_bytes() for path in CORPUS]


def unique(raw: bytes, n: int) -> bytes:
    """The same message with its own Message-ID, so that it is not a duplicate."""
    return re.sub(rb"(?im)^Message-ID:[^\r\n]*", f"Message-ID: <bench-{n}@x>".encode(), raw,
                  count=1)


def timed(function, items, rounds) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        for item in items:
            function(item)
    return (time.perf_counter() - started) / (rounds * len(items))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    corpus = messages()
    baseline = timed(lambda raw: message_from_bytes(raw, policy=policy.default), corpus,
                     args.rounds)
    parsing = timed(parse_mail, corpus, args.rounds)
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteCaseStore(Path(folder) / "bench.sqlite3")
        settings = Settings(sqlite_path=Path(folder) / "x", attachment_folder=Path(folder) / "f",
                            acknowledgments_per_sender_per_hour=10**9)
        app = build_services(settings, store=store, transport=NoTransport(), clock=SystemClock())
        counter = iter(range(10**9))
        outcomes: dict[str, list[int]] = {}

        def register(raw: bytes) -> None:
            before = store.operations
            outcome = app.mail_intake.receive(unique(raw, next(counter)), sender_verified=True).outcome.value
            outcomes.setdefault(outcome, []).append(store.operations - before)

        registering = timed(register, corpus, max(1, args.rounds // 3))
    print(f"corpus: {len(corpus)} messages, {sum(map(len, corpus)) // len(corpus)} bytes on average")
    print(f"  message_from_bytes alone   {baseline * 1e6:8.0f} µs/message   ratio  1.00")
    print(f"  parse_mail                 {parsing * 1e6:8.0f} µs/message   ratio {parsing / baseline:5.2f}")
    print(f"  receive (parse + register) {registering * 1e6:8.0f} µs/message   "
          f"ratio {registering / baseline:5.2f}   ({1 / registering:,.0f} messages/s on SQLite)")
    print("store operations per inbound message, by outcome:")
    for outcome, counts in sorted(outcomes.items()):
        print(f"  {outcome:10s} {sum(counts) / len(counts):5.1f}   ({len(counts)} messages)")


if __name__ == "__main__":
    main()
