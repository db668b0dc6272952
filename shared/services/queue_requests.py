"""A staff request for a queue page, checked (`StaffQueues.cases`): the queue and filters as the
API passes them (strings, or None), each bad one named with an error code, and the store query
that serves it, narrowed to what the member may list (`case_access`: a member who is only a
handler sees no further than their department)."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from shared.domain.case_access import SEE_ALL
from shared.domain.case_numbers import parse_case_number
from shared.domain.cases import Channel, Kind, Severity, Status
from shared.domain.categories import CATEGORIES, is_valid_category
from shared.domain.errors import InvalidCommand
from shared.domain.matters import MAX_MATTER, matter_key
from shared.domain.queues import CaseQuery, QueueOrder, reporter_email_hash, search_terms
from shared.domain.staff import StaffMember

# Queue → (the status it holds, its default order).
QUEUES: dict[str, tuple[Status | None, QueueOrder]] = {
    "new": (Status.RECEIVED, QueueOrder.MOST_URGENT_FIRST),  # awaiting initial review (R6)
    "mine": (None, QueueOrder.NEWEST_FIRST),  # assigned to me
    "department": (None, QueueOrder.NEWEST_FIRST),  # my department's
    "unassigned": (Status.ACCEPTED, QueueOrder.NEWEST_FIRST),  # accepted, awaiting assignment
    "awaiting_reporter": (Status.AWAITING_REPORTER, QueueOrder.NEWEST_FIRST),  # R11
    # Open follow-up tasks, the oldest first: unsatisfied ratings for the service centre (R17).
    "follow_up": (None, QueueOrder.FOLLOW_UP_OLDEST_FIRST),
    # Past their current deadline, as the deadline sweep found, the longest overdue first.
    "overdue": (None, QueueOrder.OVERDUE_LONGEST_FIRST),
    # Reports held under the misuse policy (R21), the hold ending soonest first.
    "held": (None, QueueOrder.HELD_SOONEST_FIRST),
    "all": (None, QueueOrder.NEWEST_FIRST),
}
PAGE = 50
MAX_WORDS = 200  # characters typed
MAX_QUERY_TERMS = 16
MAX_EMAIL = 254
MAX_CURSOR = 200
FIRST_YEAR, LAST_YEAR = 2000, 2999  # receipt years one may search by (R18)
_ALL_CATEGORIES = frozenset(c for kind in CATEGORIES.values() for c in kind)


@dataclass(frozen=True)
class QueueRequest:
    """A checked request: the store query, a case number typed, and how the results are narrowed."""

    query: CaseQuery
    number: str | None
    limit: int
    after: str | None
    readable_only: bool  # words, an address or a matter: only cases the member may read


def checked_request(member: StaffMember, given: dict, timezone: str = "Asia/Shanghai"
                    ) -> QueueRequest:
    """The request of `StaffQueues.cases`'s parameters (by name); InvalidCommand naming every bad
    one. A `year` is the receipt year in the platform's time zone."""
    errors: dict[str, str] = {}
    text = {name: _text(given[name], name, errors) for name in given
            if name not in ("limit", "year")}
    queue = text["queue"] or "all"
    if queue not in QUEUES:
        errors["queue"] = "invalid_choice"
        queue = "all"
    fixed_status, default_order = QUEUES[queue]
    filters = {name: _choice(text[name], values, name, errors) for name, values in (
        ("status", Status), ("kind", Kind), ("severity", Severity), ("channel", Channel))}
    if fixed_status and filters["status"] not in (None, fixed_status.value):
        errors["status"] = "not_in_queue"
    filters["status"] = filters["status"] or (fixed_status and fixed_status.value)
    filters["category"] = _category(text["category"], filters["kind"], errors)
    filters.update(_scope(member, queue, errors))
    filters["matter"] = _matter(text["matter"], errors)
    words = _words(text["words"], errors)
    received_in = _year(given.get("year"), ZoneInfo(timezone), errors)
    order = _order(text["order"], words, default_order, errors)
    if received_in is not None and order is not QueueOrder.NEWEST_FIRST:
        if text["order"]:
            errors["order"] = "year_newest_first"
        order = QueueOrder.NEWEST_FIRST  # a year of the archive is read newest first
    if queue in ("follow_up", "overdue", "held"):  # the order makes the queue: nothing may change it
        errors.update({name: "not_in_queue" for name, given_ in (
            ("order", text["order"] not in ("", default_order.value)), ("words", words),
            ("year", received_in is not None)) if given_})
        order = default_order
    email_hash = _email_hash(text["reporter_email"], errors)
    number = _number(text["number"], errors)
    limit = _limit(given["limit"], errors)
    if len(text["after"]) > MAX_CURSOR:
        errors["after"] = "invalid_cursor"
    if errors:
        raise InvalidCommand(errors)
    query = CaseQuery(**filters, reporter_email_hash=email_hash, order=order, words=words,
                      received_in=received_in)
    return QueueRequest(query, number, limit, text["after"] or None,
                   readable_only=bool(words or email_hash or filters["matter"]))


def _scope(member: StaffMember, queue: str, errors: dict) -> dict:
    """The filters that make the queue the member's: `mine` their cases, `department` their
    department's; a member who is only a handler sees no further than their department."""
    if queue == "mine":
        return {"assignee": member.id}
    if queue == "department" or not member.roles & SEE_ALL:
        if not member.department:
            if queue == "department":
                errors["queue"] = "no_department"
            return {"assignee": member.id}  # a handler of no department: their own cases
        return {"department": member.department}
    return {}


def _text(value, name: str, errors: dict) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = "invalid_type"
        return ""
    return value.strip()


def _choice(value: str, choices, name: str, errors: dict) -> str | None:
    if not value:
        return None
    if value not in {str(c) for c in choices}:
        errors[name] = "invalid_choice"
        return None
    return value


def _category(value: str, kind: str | None, errors: dict) -> str | None:
    if not value:
        return None
    if not (is_valid_category(Kind(kind), value) if kind else value in _ALL_CATEGORIES):
        errors["category"] = "invalid_choice"
        return None
    return value


def _words(typed: str, errors: dict) -> tuple[str, ...]:
    if not typed:
        return ()
    terms = search_terms(typed[:MAX_WORDS + 1], limit=MAX_QUERY_TERMS + 1)
    if len(typed) > MAX_WORDS or len(terms) > MAX_QUERY_TERMS:
        errors["words"] = "too_long"
    elif not terms:
        errors["words"] = "no_words"  # only punctuation or spaces: nothing to look for
    return terms


def _order(value: str, words: tuple, default: QueueOrder, errors: dict) -> QueueOrder:
    if words:  # a word search is newest first, whatever the queue's own order
        if value and value != QueueOrder.NEWEST_FIRST:
            errors["order"] = "words_newest_first"
        return QueueOrder.NEWEST_FIRST
    chosen = _choice(value, QueueOrder, "order", errors)
    return QueueOrder(chosen) if chosen else default


def _year(value, zone: ZoneInfo, errors: dict) -> tuple[datetime, datetime] | None:
    """The receipt times of a year in the platform's time zone: [1 January, next 1 January)."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip()[:9])
    if isinstance(value, bool) or not isinstance(value, int):
        errors["year"] = "invalid_type"
        return None
    if not FIRST_YEAR <= value <= LAST_YEAR:
        errors["year"] = "out_of_range"
        return None
    return datetime(value, 1, 1, tzinfo=zone), datetime(value + 1, 1, 1, tzinfo=zone)


def _matter(typed: str, errors: dict) -> str | None:
    """The cases of one matter (R8's count rule): the key of what is typed."""
    if len(typed) > MAX_MATTER:
        errors["matter"] = "too_long"
        return None
    return matter_key(typed) or None


def _email_hash(typed: str, errors: dict) -> str | None:
    if not typed:
        return None
    local, at, domain = typed.rpartition("@")
    if len(typed) > MAX_EMAIL or not (local and at and domain) or any(c.isspace() for c in typed):
        errors["reporter_email"] = "invalid_email"
        return None
    return reporter_email_hash(typed)


def _number(typed: str, errors: dict) -> str | None:
    if not typed:
        return None
    # As the status page reads it; a case number typed with spaces is well under 64 characters.
    canonical = parse_case_number(unicodedata.normalize("NFKC", typed[:64]))
    if canonical is None:
        errors["number"] = "invalid_case_number"
    return canonical


def _limit(value, errors: dict) -> int:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        errors["limit"] = "invalid_type"
        return PAGE
    if not 1 <= value <= PAGE:
        errors["limit"] = "out_of_range"
    return value
