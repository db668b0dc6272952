"""The queue page: the member's counts per queue (`QueueCounts`), one keyset page of a queue
(`StaffQueues`, the API's `GET /cases`), and a search box (a case number, or words of the
subject). A bad parameter is shown on the page with its message, what was typed kept (422)."""
from __future__ import annotations

import unicodedata

from werkzeug.wrappers import Response

from shared.domain.case_access import SEE_ALL
from shared.domain.case_numbers import parse_case_number
from shared.domain.errors import InvalidCommand
from shared.domain.permissions import Action, allowed
from shared.services.queue_counts import COUNTED_QUEUES
from shared.web.staff_api.messages import field_message

from .visit import Visit

PAGE_SIZE = 25
SHOWN_QUEUES = (*COUNTED_QUEUES, "unassigned", "department", "held", "all")
_TYPED_MAX = 300  # what the search box keeps of what was typed


def home(visit: Visit) -> Response:
    """GET /console/: the queues, or for a member who reads none (an admin) the first place of
    the navigation their roles allow; with no such place, a page saying so (not a 403 whose
    only link leads back to it)."""
    from .routes import NAV, may_go  # the route table imports this module

    member = visit.who.member
    if allowed(member, Action.READ_QUEUES):
        return queue(visit)
    for path, _, action in NAV:
        if may_go(member, action):
            return visit.redirect(path)
    return visit.page("console/nowhere.html")


def queue(visit: Visit) -> Response:
    """GET /console/cases?queue=&severity=&q=&after=: counts, a page of a queue, a search."""
    args = visit.request.args
    member = visit.who.member
    chosen = {"queue": args.get("queue", "") or _default_queue(member),
              "severity": args.get("severity", ""), "q": args.get("q", "")[:_TYPED_MAX],
              "after": args.get("after", "")}
    asked = {"queue": chosen["queue"], "severity": chosen["severity"] or None,
             "after": chosen["after"] or None, "limit": PAGE_SIZE, **search_of(chosen["q"])}
    if chosen["severity"] and chosen["queue"] == "all":
        asked["order"] = "most_urgent_first"  # as its count: the cases with a deadline ahead
    counts = visit.app.queue_counts.counts(visit.who)
    errors, page = {}, {"items": [], "next_cursor": None}
    try:
        page = visit.app.staff_queues.cases(visit.who, **asked)
    except InvalidCommand as refused:
        errors = {box_name(name): field_message(code, visit.lang)
                  for name, code in refused.errors.items()}
    following = visit.url("/cases", **{**chosen, "after": page["next_cursor"]}) \
        if page["next_cursor"] else ""
    first = visit.url("/cases", **{**chosen, "after": ""}) if chosen["after"] else ""
    return visit.page("console/queue.html", 422 if errors else 200, counts=counts,
                      chosen=chosen, items=page["items"], errors=errors, next_url=following,
                      first_url=first, queues=SHOWN_QUEUES)


def _default_queue(member) -> str:
    """A handler starts at their own cases; everyone else at the new ones (R6)."""
    return "new" if member.roles & SEE_ALL else "mine"


def search_of(typed: str) -> dict:
    """What the box holds: a case number (that case alone), else words of the subject."""
    typed = typed.strip()
    if not typed:
        return {}
    if parse_case_number(unicodedata.normalize("NFKC", typed[:64])):
        return {"number": typed}
    return {"words": typed}


def box_name(name: str) -> str:
    """The box's name for the service's fields it stands for."""
    return "q" if name in ("words", "number") else name
