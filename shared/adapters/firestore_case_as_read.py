"""A case written as a query of the Firestore store read it (`due_cases`: the deadline sweep), without
reading it again — a read billed once, not twice: one commit whose case document is written on
condition that it is still the version the query read (its update time), so any change since
fails the commit, and the case is then read and changed as `update_case` does. Mixed into
`FirestoreCaseStore`, whose client, outbox writes and operation count it uses."""
from __future__ import annotations

from collections.abc import Callable

from google.api_core import exceptions as gexc

from shared.domain.cases import Case
from shared.domain.outbox import OutboxMessage

from . import firestore_case_documents, firestore_identity_purge


class FirestoreCaseAsRead:
    """`update_case_as_read` of FirestoreCaseStore."""

    def update_case_as_read(self, case: Case, change: Callable[[Case], list[OutboxMessage] | None]
                            ) -> Case:
        # One commit without a read: the case document written on condition that it is still
        # the version the query read (its update time); any change since fails the commit.
        if case.stored_as is not None:
            update_time, stored = case.stored_as
            batch = self.client.batch()
            outbox = change(case) or []
            written = firestore_case_documents.rewrite_case_if_unchanged(
                batch, self.client, case, stored, update_time)
            if written is not None:
                counted = self.operations
                self._count_statistics(batch, case)
                self._create_outbox(batch, outbox)
                if case.purge is not None:  # the private record's purge (retention), in this commit
                    written += firestore_identity_purge.purge(batch, self.client, case)
                try:
                    batch.commit()
                except gexc.FailedPrecondition:  # changed since it was read
                    self.operations = counted
                else:
                    self.operations += written
                    case.new_events.clear()
                    case.stored_as = None
                    return case
        return self.update_case(case.number, change)
