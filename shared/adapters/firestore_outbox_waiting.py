"""The Firestore store's reads and writes of outbox entries that wait (issue 12): the retries a
transport that is back brings forward, a range of the due index (`outbox_due` in infra/:
awaiting == true AND due_at >= t ORDER BY due_at), changed a page per transaction (at most
`MAX_PAGE` documents: far below a commit's 500 writes); and a case's own entries that wait, for its
status page (two equalities: Firestore merges their single-field indexes, no composite index)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from google.cloud import firestore

from shared.domain.outbox import OutboxMessage
from shared.domain.queues import checked_page_size

from . import records

OUTBOX = "outbox"  # as firestore_store names it; a literal for the infra checks' reader


class FirestoreOutboxWaiting:
    """The waiting-mail methods of `FirestoreCaseStore` (its client, transactions and count)."""

    def waiting_outbox(self, after: datetime, limit: int) -> list[OutboxMessage]:
        query = (self.client.collection(OUTBOX)
                 .where(filter=firestore.FieldFilter("awaiting", "==", True))
                 .where(filter=firestore.FieldFilter("due_at", ">=", records.time_text(after)))
                 .order_by("due_at").limit(checked_page_size(limit)))
        found = [records.outbox_from_record(s.to_dict()) for s in query.stream()]
        self.operations += max(1, len(found))
        return found

    def reschedule_outbox(self, ids: Sequence[str],
                          change: Callable[[OutboxMessage], bool]) -> int:
        if not ids:
            return 0
        checked_page_size(len(ids))  # one commit holds a page, far below its 500 writes
        references = [self._doc(OUTBOX, message_id) for message_id in ids]

        @firestore.transactional
        def run(transaction) -> int:
            written = 0
            for snapshot in transaction.get_all(references):
                self.operations += 1
                if not snapshot.exists:
                    continue
                message = records.outbox_from_record(snapshot.to_dict())
                if change(message):
                    self.operations += 1
                    transaction.set(snapshot.reference, records.outbox_to_record(message))
                    written += 1
            return written

        return run(self.client.transaction(max_attempts=30))

    def waiting_outbox_of_case(self, number: str) -> list[OutboxMessage]:
        query = (self.client.collection(OUTBOX)
                 .where(filter=firestore.FieldFilter("case_number", "==", number))
                 .where(filter=firestore.FieldFilter("awaiting", "==", True)))
        found = [records.outbox_from_record(s.to_dict()) for s in query.stream()]
        self.operations += max(1, len(found))
        return found
