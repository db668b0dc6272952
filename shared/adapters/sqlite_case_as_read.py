"""A case written as a query of the SQLite store read it (`due_cases`: the deadline sweep), without
reading it again: its row is rewritten only if it still holds the document read (`doc`), else the
case is read and changed as `update_case` does. Mixed into `SqliteCaseStore`, whose
transactions, case writes and outbox it uses."""
from __future__ import annotations

from collections.abc import Callable

from shared.domain.cases import Case
from shared.domain.outbox import OutboxMessage

from . import sqlite_queues


class SqliteCaseAsRead:
    """`update_case_as_read` of SqliteCaseStore."""

    def update_case_as_read(self, case: Case, change: Callable[[Case], list[OutboxMessage] | None]
                            ) -> Case:
        if isinstance(case.stored_as, str):
            indexed = sqlite_queues.indexed(case)
            with self._transaction() as db:
                new_outbox = change(case) or []
                written = self._write_case(db, case, indexed, unless_changed_from=case.stored_as)
                if written:
                    self._insert_outbox(db, new_outbox)
            if written:
                case.new_events.clear()
                case.stored_as = None
                return case
        return self.update_case(case.number, change)  # changed since read: read it again
