"""The console's own stylesheet (and any other file of `static/`), served by the console so the
Content-Security-Policy can allow styles from our origin only."""
from __future__ import annotations

import re
from pathlib import Path

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from .visit import Visit

STATIC = Path(__file__).resolve().parent / "static"
_TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,60}\.(css|svg)$")


def static_file(visit: Visit, name: str) -> Response:
    """GET /console/static/{name}: a file of ours, by a plain name only (no paths)."""
    path = STATIC / name
    if not _NAME.match(name) or not path.is_file():
        raise NotFound()
    return Response(path.read_bytes(), 200, {"Content-Type": _TYPES[path.suffix]})
