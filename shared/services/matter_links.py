"""R8's count rule run for a case whose matter was just set (`count_rules.py`): three or more
complaints about the same matter from different people within 30 days are each made at least
hot and linked to each other.

`settle(number)` runs the rule for a case that awaits it (`case.links_pending`, set in the same
transaction as its matter, by registration or by staff): one store query finds the cases of the
matter received within 30 days either side of it (`CaseQuery.matter`, an index on both stores),
the reporters' keyed hashes tell their people apart, and each member of the group, then the case
itself, is brought in step in a transaction of its own (`count_rules.join`, which does nothing
the second time). The case's own transaction, the last, clears `links_pending`: a crash before
it leaves the case due (`next_due_at` was set to the moment the matter was set), and the
deadline sweep settles it again, which finishes what the crash left undone and repeats nothing.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from shared.domain import count_rules
from shared.domain.cases import Case
from shared.domain.errors import CaseNotFound
from shared.domain.ports import CaseStore, Clock
from shared.domain.queues import CaseQuery
from shared.domain.report_marks import mark_key, reporter_keys

from .case_marks import e164
from .major_case_notices import staff_audience, with_major_case_notices

log = logging.getLogger(__name__)

MAX_GROUP = 100  # cases of one matter read around a case: the newest of them, past that
_AFTER_LAST = timedelta(microseconds=1)  # the window's end is a case received at its last moment


class MatterLinks:
    """The count rule of R8 over the store; built with the reply-token key, from which the key of
    the reporters' hashes is derived (the report marks' own, `report_marks.mark_key`), and the
    staff's language, of the R9 notices a case raised to hot calls for (`major_case_notices`)."""

    def __init__(self, store: CaseStore, clock: Clock, reply_key: bytes,
                 staff_language: str = "zh-CN"):
        self._store = store
        self._clock = clock
        self._key = mark_key(reply_key)
        self._language = staff_language

    def settle(self, number: str) -> list[str]:
        """Run the rule for the case if it awaits it: the numbers of its group, oldest first
        ([] when it forms none, or awaits nothing). Safe to run twice, or at once from two
        places: each case is raised and linked once."""
        case = self._store.get_case(number)
        if case is None or not case.links_pending:
            return []
        group = [c.number for c in self.group_of(case)]
        audience = staff_audience(self._store)  # read once, if a raise tells somebody
        for member in group:
            if member != number:
                self._join(member, group, case.matter, audience)

        def finish(current: Case) -> None:
            if current.matter != case.matter:
                return  # set again meanwhile: that setting's own run settles it
            count_rules.join(current, group, case.matter, self._clock.now())
            current.links_pending = False

        try:
            self._store.update_case(number, self._told(finish, audience))
        except CaseNotFound:
            return []
        return group

    def group_of(self, case: Case) -> list[Case]:
        """The cases `case` forms a group with under the rule (itself among them), or []."""
        if not count_rules.counted(case):
            return []
        window = count_rules.SAME_MATTER_WINDOW
        query = CaseQuery(matter=case.matter, received_in=(
            case.received_at - window, case.received_at + window + _AFTER_LAST))
        found = self._store.find_cases(query, MAX_GROUP).cases
        return count_rules.same_matter_group(case, found, self._people(found))

    def _people(self, cases: list[Case]) -> dict[str, list[str]]:
        """The reporters' keyed hashes by case number; none for an anonymous case or one without
        a contact, which counts as a person of its own and is never tied to another (R20)."""
        keys = {}
        for case in cases:
            if case.anonymous or not count_rules.counted(case):
                continue
            identity = self._store.get_identity(case.number)
            if identity is not None:
                keys[case.number] = list(reporter_keys(self._key, identity.email,
                                                       e164(identity.phone)).values())
        return keys

    def _told(self, change, audience):
        """The change with the R9 notices of a raise (hot: the service centre and department)."""
        return with_major_case_notices(change, audience, self._language)

    def _join(self, number: str, group: list[str], matter: str, audience) -> None:
        """One member brought in step, in its own transaction; a member that needs nothing (read
        first, outside a transaction) is not written."""
        member = self._store.get_case(number)
        if member is None or not count_rules.joins(member, group, matter):
            return

        def change(current: Case) -> None:  # the wrapper adds its R9 notices
            count_rules.join(current, group, matter, self._clock.now())

        self._store.update_case(number, self._told(change, audience))
