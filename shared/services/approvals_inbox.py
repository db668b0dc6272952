"""The approvals inbox (R12, R13): the cases where something waits for this member's approval —
replies to the reporter and drafted decisions for the service centre (supervisors), a
compensation above the threshold and an extension of the decision deadline for leaders — the
oldest received first, a keyset page at a time.

One indexed store query, the `approval` queue (`approvals.awaits_approval`: a partial index on
SQLite, the automatic single-field index of `approval_key` on Firestore), then, on each case
read, what waits for *this* member's roles (`approvals.waiting`); cases with nothing for them
and cases about their own conduct (R23) are left out, reading on a few times when a page came
back short. Items carry no content and never the reporter: the approve and send-back forms are
on the case page, which checks need-to-know."""
from __future__ import annotations

from dataclasses import asdict

from shared.domain.approvals import COMPENSATION, DECISION, EXTENSION, REPLY, waiting
from shared.domain.cases import Case
from shared.domain.errors import InvalidCommand
from shared.domain.permissions import Action, Forbidden, allowed
from shared.domain.ports import CaseStore
from shared.domain.queues import CaseQuery, QueueOrder
from shared.domain.staff import Requester

from .case_views import iso, overdue_fields

PAGE = 50
MAX_CURSOR = 200
_READ_ON = 5
# What waits → the action that gives its approval.
APPROVED_BY = {REPLY: Action.APPROVE_REPLY, DECISION: Action.APPROVE_DECISION,
               COMPENSATION: Action.APPROVE_COMPENSATION, EXTENSION: Action.APPROVE_EXTENSION}
_QUERY = CaseQuery(order=QueueOrder.APPROVAL_OLDEST_FIRST)


def gives_approvals(member) -> bool:
    """Whether the member's roles approve anything (the inbox is theirs)."""
    return any(allowed(member, action) for action in APPROVED_BY.values())


class ApprovalsInbox:
    """`Services.approvals_inbox`; results are JSON-ready."""

    def __init__(self, store: CaseStore, leader_threshold_fen: int):
        self._store = store
        self._threshold = leader_threshold_fen

    def page(self, who: Requester, after: str | None = None, limit: int = PAGE) -> dict:
        """`{"items": [...], "next_cursor": str | None}`: each item a case (number, status,
        severity, department, assignee, received, next deadline, overdue) and `waiting`, what
        waits on it for this member (`approvals.Waiting` as a dict, with `own`: drafted or asked
        by this member, whom the approval commands refuse). Raises Forbidden for a member who
        approves nothing, InvalidCommand for a bad cursor or limit, reading nothing."""
        member = who.member
        if not gives_approvals(member):
            raise Forbidden(Action.APPROVE_DECISION, member.id)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= PAGE:
            raise InvalidCommand({"limit": "out_of_range"})
        if after is not None and (not isinstance(after, str) or len(after) > MAX_CURSOR):
            raise InvalidCommand({"after": "invalid_cursor"})
        gives = {what for what, action in APPROVED_BY.items() if allowed(member, action)}
        items: list[dict] = []
        cursor = after
        for _ in range(1 + _READ_ON):
            try:
                page = self._store.find_cases(_QUERY, limit=limit - len(items), after=cursor)
            except ValueError:
                raise InvalidCommand({"after": "invalid_cursor"}) from None
            items += [item for case in page.cases if case.about_staff != member.id
                      if (item := self._item(case, gives, member.id))]
            cursor = page.next_cursor
            if cursor is None or len(items) == limit:
                break
        return {"items": items, "next_cursor": cursor}

    def _item(self, case: Case, gives: set[str], me: str) -> dict | None:
        found = [{**asdict(w), "own": w.by == me} for w in waiting(case, self._threshold)
                 if w.what in gives]
        if not found:
            return None
        return {"number": case.number, "status": case.status.value,
                "severity": case.severity.value, "department": case.department,
                "assignee": case.assignee, "received_at": iso(case.received_at),
                "next_due_at": iso(case.next_due_at), "waiting": found, **overdue_fields(case)}
