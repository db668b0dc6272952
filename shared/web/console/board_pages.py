"""The major-case board in the console (R9; leaders and the service centre): the open major
cases, or the hot ones, at a glance (`MajorCaseBoard`): status, since when, the deadlines with
what has passed, the last weekly bulletin and the next one, a keyset page at a time."""
from __future__ import annotations

from werkzeug.wrappers import Response

from shared.domain.errors import InvalidCommand
from shared.services.major_case_board import SEVERITIES

from .visit import Visit

PAGE_SIZE = 25
MAX_CURSOR = 200


def major_case_board(visit: Visit) -> Response:
    """GET /console/major-cases?severity=major|hot&after=."""
    args = visit.request.args
    severity = args.get("severity", "major")
    severity = severity if severity in SEVERITIES else "major"
    after = args.get("after", "")[:MAX_CURSOR] or None
    status = 200
    try:
        page = visit.app.major_case_board.cases(visit.who, severity, after, PAGE_SIZE)
    except InvalidCommand:
        page, status = {"items": [], "next_cursor": None}, 422
    cursor = page["next_cursor"]
    return visit.page(
        "console/major_cases.html", status, items=page["items"], severity=severity,
        severities=SEVERITIES, bad_cursor=status == 422,
        next_url=visit.url("/major-cases", severity=severity, after=cursor) if cursor else "",
        first_url=visit.url("/major-cases", severity=severity) if after else "")
