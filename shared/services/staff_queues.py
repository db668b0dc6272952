"""Staff queues and search (issue 8, "Queues"): the lists of cases staff work through, a keyset
page at a time, and finding a case by its number, its reporter's address or its subject's words.

Each list is one indexed store query (`CaseStore.find_cases`), never a read of every case. What a
member may list: clerks, supervisors, leaders and auditors every case; a member who is only a
handler the cases of their department (every queue but `mine`, their own, is narrowed to it), as
they may read them (`case_access`). Nobody lists the cases about their own conduct (R23). A
confidential case is listed with its subject hidden unless the member may read it (its handler,
supervisors, auditors), and its subject's words find it only for them; a search by reporter
address finds only the cases the member may read, and never an anonymous one (its address is kept
to acknowledge it, not to tie it to a person). Items never carry the reporter's identity.

Cases left out that way can leave a page short: the page reads on after them a few times, and may
still end with fewer items than asked and a `next_cursor` to go on from.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from shared.domain.case_access import may_see
from shared.domain.cases import Case
from shared.domain.errors import InvalidCommand
from shared.domain.follow_up import task_open
from shared.domain.misuse import is_held
from shared.domain.permissions import Action, authorize
from shared.domain.ports import CaseStore
from shared.domain.queues import CaseQuery, QueueOrder, reporter_email_hash, search_terms
from shared.domain.staff import Requester, StaffMember
from shared.domain.sweep_rules import is_overdue

from .case_views import iso, overdue_fields
from .queue_requests import PAGE, QUEUES, QueueRequest, checked_request

__all__ = ["HIDDEN_SUBJECT", "PAGE", "QUEUES", "StaffQueues"]

HIDDEN_SUBJECT = "***"  # a confidential case's subject, for those who may not read it
_READ_ON = 5  # further reads after a page came back short of cases left out


class StaffQueues:
    """Queues and search for staff (`Services.staff_queues`); results are JSON-ready."""

    def __init__(self, store: CaseStore, timezone: str = "Asia/Shanghai", clock=None):
        self._store = store
        self._timezone = timezone  # the platform's calendar: a `year` is its receipt year
        self._clock = clock  # the held queue leaves out holds ended by now (R21)

    def cases(self, who: Requester, *, queue: str = "all", status=None, kind=None, category=None,
              severity=None, channel=None, order=None, words="", reporter_email="", number="",
              year=None, matter="", after=None, limit=PAGE) -> dict:
        """A page of a queue: `{"items": [...], "next_cursor": str | None}`, newest first, or most
        urgent first for `new` (cases with a deadline only), or the longest overdue first for
        `overdue` (the cases the deadline sweep found past their current deadline). All filters
        given must match.
        `number` as a person types it gives that case alone (or nothing); `reporter_email` the
        exact address's cases; `words` the cases whose subject holds every word (newest first);
        `year` the cases received that year in the platform's time zone (newest first; with
        `status=archived`, a year of the archive, R18); `matter` the cases of that matter (R8's
        count rule, `matters.matter_key` of what is typed), only those the member may read.
        Raises Forbidden or InvalidCommand (field → code), reading nothing."""
        authorize(who.member, Action.READ_QUEUES)
        search = checked_request(who.member, dict(
            queue=queue, status=status, kind=kind, category=category, severity=severity,
            channel=channel, order=order, words=words, reporter_email=reporter_email,
            number=number, year=year, matter=matter, after=after, limit=limit), self._timezone)
        if search.query.order is QueueOrder.HELD_SOONEST_FIRST:
            search = replace(search, query=replace(search.query, held_after=self._now()))

        def shown(case: Case) -> bool:
            if case.about_staff == who.member.id:
                return False
            if search.readable_only:
                return may_see(who.member, case) and not (
                    case.anonymous and search.query.reporter_email_hash)
            return True

        if search.number is not None:
            cases, cursor = self._by_number(search, shown), None
        else:
            cases, cursor = self._page(search, shown)
        return {"items": [_item(c, who.member) for c in cases], "next_cursor": cursor}

    def _now(self) -> datetime:
        return self._clock.now() if self._clock is not None else datetime.now(UTC)

    def _by_number(self, search: QueueRequest, shown) -> list[Case]:
        """The case of that number, if it is shown and in the queue asked for."""
        case = self._store.get_case(search.number)
        if case is None or not shown(case) or not _matches(case, search.query):
            return []
        if search.query.reporter_email_hash:
            identity = self._store.get_identity(case.number)
            if not identity or not identity.email \
                    or reporter_email_hash(identity.email) != search.query.reporter_email_hash:
                return []
        return [case]

    def _page(self, search: QueueRequest, shown) -> tuple[list[Case], str | None]:
        """Up to `limit` cases that are shown, and the cursor after the last one read."""
        kept: list[Case] = []
        cursor = search.after
        for _ in range(1 + _READ_ON):
            try:
                page = self._store.find_cases(search.query, limit=search.limit - len(kept),
                                              after=cursor)
            except ValueError:  # the limit and the query are checked: only the cursor is left
                raise InvalidCommand({"after": "invalid_cursor"}) from None
            kept += [case for case in page.cases if shown(case)]
            cursor = page.next_cursor
            if cursor is None or len(kept) == search.limit:
                break
        return kept, cursor


def _item(case: Case, member: StaffMember) -> dict:
    readable = may_see(member, case)
    return {"number": case.number, "kind": case.kind.value, "category": case.category,
            "channel": case.channel.value, "status": case.status.value,
            "severity": case.severity.value,
            "subject": case.subject if readable else HIDDEN_SUBJECT,
            "subject_hidden": not readable, "confidential": case.confidential,
            "received_at": iso(case.received_at), "next_due_at": iso(case.next_due_at),
            "assignee": case.assignee, "department": case.department, **overdue_fields(case)}


def _matches(case: Case, query: CaseQuery) -> bool:
    """Whether a case found by its number is in the query's queue too (the store's filters but
    the reporter's address, checked on the one case)."""
    if query.order is QueueOrder.MOST_URGENT_FIRST and case.next_due_at is None:
        return False
    if query.order is QueueOrder.FOLLOW_UP_OLDEST_FIRST and not task_open(case):
        return False
    if query.order is QueueOrder.OVERDUE_LONGEST_FIRST and not is_overdue(case):
        return False
    if query.order is QueueOrder.HELD_SOONEST_FIRST and not is_held(case, query.held_after):
        return False
    values = {"status": case.status.value, "kind": case.kind.value, "category": case.category,
              "severity": case.severity.value, "channel": case.channel.value,
              "assignee": case.assignee, "department": case.department, "matter": case.matter}
    if any(values[name] != value for name, value in query.filters().items() if name in values):
        return False
    if not query.received_within(case.received_at):
        return False
    return set(query.words) <= set(search_terms(case.subject))
