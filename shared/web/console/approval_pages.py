"""The approvals inbox in the console (supervisors, leaders; R12, R13): what waits for this
member's approval (`ApprovalsInbox`) — replies and decisions for the service centre, compensation
above the threshold and extensions for leaders — each linking to the case page, where the approve
and send-back forms are (and where every check is made again)."""
from __future__ import annotations

from werkzeug.wrappers import Response

from shared.domain.errors import InvalidCommand

from .visit import Visit

PAGE_SIZE = 25
MAX_CURSOR = 200


def approvals(visit: Visit) -> Response:
    """GET /console/approvals?after=."""
    after = visit.request.args.get("after", "")[:MAX_CURSOR] or None
    status = 200
    try:
        page = visit.app.approvals_inbox.page(visit.who, after=after, limit=PAGE_SIZE)
    except InvalidCommand:
        page, status = {"items": [], "next_cursor": None}, 422
    cursor = page["next_cursor"]
    return visit.page("console/approvals.html", status, items=page["items"],
                      bad_cursor=status == 422,
                      next_url=visit.url("/approvals", after=cursor) if cursor else "",
                      first_url=visit.url("/approvals") if after else "")
