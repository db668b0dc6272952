"""A database file as the first released version wrote it (schema 1, `PRAGMA user_version` 0):
its exact DDL and its case document, the timeline inside. Frozen: never edit to follow the code."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

FIRST_SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (number TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reporter_identities (number TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY, case_number TEXT NOT NULL, awaiting INTEGER NOT NULL,
    due_at TEXT, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (awaiting, due_at);
CREATE TABLE IF NOT EXISTS mail_index (key TEXT PRIMARY KEY, case_number TEXT NOT NULL,
    held_id TEXT NOT NULL, sent INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS held_mail (id TEXT PRIMARY KEY, received_at TEXT NOT NULL,
    doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS held_mail_received ON held_mail (received_at);
CREATE TABLE IF NOT EXISTS hit_counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL,
    expires_at TEXT NOT NULL);
"""


def first_case_document(number: str, received_at: str, timeline: list[dict], **overrides) -> dict:
    """A case document in the shape the first version's `records.case_to_record` wrote."""
    document = {
        "number": number,
        "kind": "complaint",
        "channel": "web_form",
        "category": "service",
        "subject": "订单 20261128-001",
        "description": "客服三天没有回复我的退款申请。\n第二行",
        "desired_outcome": "退款",
        "received_at": received_at,
        "review_due_at": "2026-11-30T01:00:00.000000Z",
        "updated_at": timeline[-1]["at"] if timeline else None,
        "access_code_hash": "0" * 64,
        "anonymous": False,
        "language": "zh-CN",
        "status": "received",
        "severity": "general",
        "reporter_unreachable": False,
        "attachments": [{"key": "attachments/x/证据.png", "filename": "证据.png",
                         "content_type": "image/png", "size": 68}],
        "timeline": timeline,
    }
    document.update(overrides)
    return document


def first_event(type_: str, at: str, text: str = "", data: dict | None = None) -> dict:
    """A timeline entry as the first version stored it (no actor, no sequence number)."""
    return {"type": type_, "at": at, "text": text, "data": data or {}}


def write_first_database(path: Path, cases: list[tuple[dict, dict]], outbox=(), held=()) -> None:
    """A file with the first schema holding `cases` [(case document, identity document)]."""
    db = sqlite3.connect(path)
    db.executescript(FIRST_SCHEMA)
    dump = lambda record: json.dumps(record, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    with db:
        for case, identity in cases:
            db.execute("INSERT INTO cases VALUES (?, ?)", (case["number"], dump(case)))
            db.execute("INSERT INTO reporter_identities VALUES (?, ?)",
                       (case["number"], dump(identity)))
        for record in outbox:
            db.execute("INSERT INTO outbox VALUES (?, ?, ?, ?, ?)",
                       (record["id"], record["case_number"], record["awaiting"], record["due_at"],
                        dump(record)))
        for record in held:
            db.execute("INSERT INTO held_mail VALUES (?, ?, ?)",
                       (record["id"], record["received_at"], dump(record)))
        db.execute("INSERT INTO mail_index VALUES ('mid:<first@qq.com>', ?, '', 0)",
                   (cases[0][0]["number"],))
        db.execute("INSERT INTO hit_counters VALUES ('submit-x@1', 3, '2026-11-28T13:00:00.000000Z')")
    db.close()
