"""JSON answers of the staff API: never cached (they carry people's cases and identities), never
sniffed as anything else."""
from __future__ import annotations

import json
from datetime import UTC, datetime

from shared.services.served_files import ServedFile
from shared.web import file_answers

JSON_HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}

Answer = tuple[str | bytes, int, dict]


def json_answer(data, status: int = 200, headers: dict | None = None) -> Answer:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_encode)
    return body, status, {**JSON_HEADERS, **(headers or {})}


def file_answer(data: bytes, content_type: str, filename: str) -> Answer:
    """A download of a file the system made or keeps as it is (an export, a raw email): the
    browser saves it (`attachment`) rather than showing it, with the headers of every file
    answer (`shared/web/file_answers.py`)."""
    return file_answers.file_answer(ServedFile(data, filename, content_type))


def utc_text(moment: datetime) -> str:
    """ISO-8601 in UTC with `Z`, to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _encode(value):
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    raise TypeError(f"not JSON: {type(value).__name__}")
