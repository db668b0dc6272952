"""The baseline for bench/intake_latency.py: a bare functions-framework function that does one
transactional write of a document of the given size on the same backend, and nothing else."""
import json
import os
import sqlite3
import threading
import uuid

import functions_framework

_local = threading.local()
_client = []


def _sqlite():
    db = getattr(_local, "db", None)
    if db is None:
        db = sqlite3.connect(os.environ["BENCH_SQLITE_PATH"], isolation_level=None, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS docs (id TEXT PRIMARY KEY, doc TEXT NOT NULL)")
        _local.db = db
    return db


def _write_sqlite(doc: dict) -> None:
    db = _sqlite()
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO docs (id, doc) VALUES (?, ?)", (doc["id"], json.dumps(doc)))
    db.execute("COMMIT")


def _write_firestore(doc: dict) -> None:
    from google.cloud import firestore

    if not _client:
        _client.append(firestore.Client(project=os.environ["BENCH_FIRESTORE_PROJECT"]))
    client = _client[0]
    transaction = client.transaction()
    transaction._begin()
    transaction.create(client.collection("docs").document(doc["id"]), doc)
    transaction._commit()


@functions_framework.http
def baseline(request):
    size = int(os.environ["BENCH_DOC_BYTES"])
    doc = {"id": uuid.uuid4().hex, "payload": "x" * size, "form": dict(request.form)}
    if os.environ["BENCH_BACKEND"] == "firestore":
        _write_firestore(doc)
    else:
        _write_sqlite(doc)
    return "stored", 201
