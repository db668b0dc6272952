"""The major-case board (R9): the open major (or hot) cases at a glance for leaders and the
service centre — status, since when major, the deadlines and whether one has passed, the last
weekly bulletin and when the next is due — most urgent first, a keyset page at a time.

One indexed store query (`severity = …`, most urgent first: the index the queue page's counts by
severity use on both stores), the closed cases it also holds (a deadline may remain after the
decision) left out after the read, reading on a few times when a page came back short. Items
carry no content (subject, description) and never the reporter: a board is read at a glance by
people who may not read a confidential case; its link leads to the case page, which checks."""
from __future__ import annotations

from shared.domain.cases import Case, Severity
from shared.domain.errors import InvalidCommand
from shared.domain.lifecycle import OPEN_STATUSES
from shared.domain.major_cases import BULLETIN_EVERY, next_bulletin_at
from shared.domain.permissions import Action, authorize
from shared.domain.ports import CaseStore
from shared.domain.queues import CaseQuery, QueueOrder
from shared.domain.staff import Requester

from .case_views import iso, overdue_fields

PAGE = 50
SEVERITIES = (Severity.MAJOR.value, Severity.HOT.value)
MAX_CURSOR = 200
_READ_ON = 5  # further reads after a page came back short of the closed cases left out


class MajorCaseBoard:
    """`Services.major_case_board`; results are JSON-ready."""

    def __init__(self, store: CaseStore):
        self._store = store

    def cases(self, who: Requester, severity: str = "major", after: str | None = None,
              limit: int = PAGE) -> dict:
        """`{"items": [...], "next_cursor": str | None}`: open cases of that severity (major or
        hot), the nearest deadline first (a case without one last is not listed: every open
        major case has its next bulletin as one). Raises Forbidden, or InvalidCommand naming a
        bad severity, cursor or limit, reading nothing."""
        authorize(who.member, Action.READ_MAJOR_CASE_BOARD)
        errors = {}
        if severity not in SEVERITIES:
            errors["severity"] = "invalid_choice"
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= PAGE:
            errors["limit"] = "out_of_range"
        if after is not None and (not isinstance(after, str) or len(after) > MAX_CURSOR):
            errors["after"] = "invalid_cursor"
        if errors:
            raise InvalidCommand(errors)
        query = CaseQuery(severity=severity, order=QueueOrder.MOST_URGENT_FIRST)
        kept: list[Case] = []
        cursor = after
        for _ in range(1 + _READ_ON):
            try:
                page = self._store.find_cases(query, limit=limit - len(kept), after=cursor)
            except ValueError:
                raise InvalidCommand({"after": "invalid_cursor"}) from None
            kept += [case for case in page.cases if case.status in OPEN_STATUSES
                     and case.about_staff != who.member.id]  # R23: not one's own conduct
            cursor = page.next_cursor
            if cursor is None or len(kept) == limit:
                break
        return {"items": [board_item(case) for case in kept], "next_cursor": cursor}


def board_item(case: Case) -> dict:
    """A case on the board: where it stands and what is due, nothing of its content."""
    following = next_bulletin_at(case)
    last = None
    if following is not None and following - BULLETIN_EVERY > case.major_since:
        last = following - BULLETIN_EVERY  # the week before the next one was claimed
    return {"number": case.number, "status": case.status.value, "severity": case.severity.value,
            "department": case.department, "assignee": case.assignee,
            "received_at": iso(case.received_at), "major_since": iso(case.major_since),
            "next_due_at": iso(case.next_due_at), "review_due_at": iso(case.review_due_at),
            "decision_due_at": iso(case.decision_due_at),
            "last_bulletin_at": iso(last), "next_bulletin_at": iso(following),
            "extension": case.extension.get("state", ""), **overdue_fields(case)}
