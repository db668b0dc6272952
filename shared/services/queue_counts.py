"""How many cases each of a member's main queues holds (the console's queue page, issue 11): new,
mine, overdue, awaiting the reporter, and — for members who list every case — the cases of each
severity with a deadline ahead. Each count is one aggregation of the store (`count_cases`) on the
query the queue itself runs (`queue_requests.checked_request`, so a handler's counts are narrowed
to their department as their lists are), never a read of the cases.

A count is of the store's query: a case about the member's own conduct, which their list leaves
out (R23), is counted all the same, and a confidential one is counted with its subject hidden in
the list. The counts say how much work waits, not what it is.
"""
from __future__ import annotations

from shared.domain.case_access import SEE_ALL
from shared.domain.cases import Severity
from shared.domain.permissions import Action, authorize
from shared.domain.ports import CaseStore
from shared.domain.queues import QueueOrder
from shared.domain.staff import Requester, StaffMember

from .queue_requests import PAGE, checked_request

COUNTED_QUEUES = ("new", "mine", "overdue", "awaiting_reporter")
_NO_FILTERS = dict(status=None, kind=None, category=None, severity=None, channel=None, order=None,
                   words="", reporter_email="", number="", year=None, matter="", after=None,
                   limit=PAGE)


class QueueCounts:
    """`counts(who)`: the member's queue counts (`Services.queue_counts`)."""

    def __init__(self, store: CaseStore, timezone: str = "Asia/Shanghai"):
        self._store = store
        self._timezone = timezone

    def counts(self, who: Requester) -> dict:
        """`{"queues": {queue: n}, "severities": {severity: n}}`; severities only for members
        who list every case (a handler's department-wide count by severity has no index of its
        own). Raises Forbidden for a member who may not read queues."""
        authorize(who.member, Action.READ_QUEUES)
        member = who.member
        queues = {queue: self._count(member, queue=queue) for queue in COUNTED_QUEUES}
        severities = {}
        if member.roles & SEE_ALL:
            severities = {severity.value: self._count(
                member, queue="all", severity=severity.value,
                order=QueueOrder.MOST_URGENT_FIRST.value) for severity in _MOST_SEVERE_FIRST}
        return {"queues": queues, "severities": severities}

    def _count(self, member: StaffMember, **given) -> int:
        request = checked_request(member, {**_NO_FILTERS, **given}, self._timezone)
        return self._store.count_cases(request.query)


_MOST_SEVERE_FIRST = (Severity.MAJOR, Severity.HOT, Severity.IMPORTANT, Severity.GENERAL)
