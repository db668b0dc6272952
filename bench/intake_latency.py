"""Intake latency: POST to stored case with its outbox entry, against a bare functions-framework
function doing one transactional write of a same-size document on the same backend. Both are
served by the same HTTP server and called the same way, interleaved, in one process.

    .venv/bin/python -m bench.intake_latency [--requests 300]
"""
from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import statistics
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import functions_framework
from werkzeug.serving import make_server

from shared import bootstrap
from shared.settings import PROJECT_ROOT

FORM = {"kind": "complaint", "category": "billing", "subject": "订单 20261128-998877",
        "description": "我在 11 月 20 日被重复扣费两次，共 199 元，客服答应退款但一直没有到账。" * 3,
        "desired_outcome": "退款 199 元", "name": "李雷", "email": "lilei@example.com",
        "phone": "13800138000"}


def serve(app) -> tuple[int, callable]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server.server_port, server.shutdown


def post(port: int, body: bytes) -> tuple[float, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    connection.request("POST", "/", body,
                       {"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed, response.status


def percentile(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]


def measure(backend: str, requests: int, folder: Path) -> dict:
    os.environ.update(CD_CASE_STORE=backend, CD_SQLITE_PATH=str(folder / f"{backend}.sqlite3"),
                      CD_ATTACHMENT_FOLDER=str(folder / "files"), CD_SMTP_PORT="1",
                      CD_SUBMISSIONS_PER_CLIENT_PER_HOUR="1000000000",
                      CD_ACKNOWLEDGMENTS_PER_SENDER_PER_HOUR="1000000000",
                      CD_REPLY_TOKEN_KEY=uuid.uuid4().hex * 2,  # the cloud store wants a real key
                      BENCH_BACKEND=backend, BENCH_SQLITE_PATH=str(folder / "baseline.sqlite3"),
                      CD_FIRESTORE_PROJECT=f"bench-{uuid.uuid4().hex[:8]}",
                      BENCH_FIRESTORE_PROJECT=f"bench-base-{uuid.uuid4().hex[:8]}")
    bootstrap.services.cache_clear()
    ours = functions_framework.create_app(
        "submit_form", str(PROJECT_ROOT / "functions" / "submit_form.py"), "http")
    body = urllib.parse.urlencode(FORM).encode()
    ours_port, stop_ours = serve(ours)
    post(ours_port, body)  # warm up, and learn the stored case's size
    store = bootstrap.services().store
    size = case_record_bytes(store)
    os.environ["BENCH_DOC_BYTES"] = str(size)
    base = functions_framework.create_app(
        "baseline", str(PROJECT_ROOT / "bench" / "baseline_function.py"), "http")
    base_port, stop_base = serve(base)
    post(base_port, body)
    times = {"ours": [], "baseline": []}
    operations_before = store.operations
    for _ in range(requests):
        for name, port in (("baseline", base_port), ("ours", ours_port)):
            elapsed, status = post(port, body)
            assert status in (201, 303), status  # the form answers 303 to its receipt
            times[name].append(elapsed)
    operations = (store.operations - operations_before) / requests
    stop_ours()
    stop_base()
    return {"backend": backend, "doc_bytes": size, "ops_per_case": operations, **{
        f"{name}_{q}": percentile(samples, q) * 1000
        for name, samples in times.items() for q in (50, 99)}}


def case_record_bytes(store) -> int:
    if hasattr(store, "_connection"):
        row = store._connection().execute("SELECT doc FROM cases LIMIT 1").fetchone()
        return len(row[0].encode())
    [snapshot] = list(store.client.collection("cases").limit(1).stream())
    return len(json.dumps(snapshot.to_dict(), ensure_ascii=False).encode())


def report(result: dict) -> None:
    print(f"\n{result['backend']}: case document {result['doc_bytes']} bytes, "
          f"{result['ops_per_case']:.1f} store operations per registered case "
          "(SQLite: statements; Firestore: documents read or written)")
    for q in (50, 99):
        ours, base = result[f"ours_{q}"], result[f"baseline_{q}"]
        print(f"  p{q}: intake {ours:7.2f} ms   baseline {base:7.2f} ms   ratio {ours / base:5.2f}")


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--firestore-requests", type=int, default=150)
    args = parser.parse_args()
    from tests.support.firestore_emulator import running_firestore_emulator

    with tempfile.TemporaryDirectory() as folder:
        report(measure("sqlite", args.requests, Path(folder)))
        with running_firestore_emulator() as host:
            os.environ["FIRESTORE_EMULATOR_HOST"] = host
            report(measure("firestore", args.firestore_requests, Path(folder)))


if __name__ == "__main__":
    main()
