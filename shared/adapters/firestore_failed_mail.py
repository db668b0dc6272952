"""The Firestore store's failed mail (`failed_mail.py`): outbox entries given up on carry
`failed_key` (`records.failed_key`), the others none, so the list is a range of that field's
automatic single-field index, newest first: no composite index."""
from __future__ import annotations

from google.cloud import firestore

from shared.domain.failed_mail import FailedMailPage
from shared.domain.queues import checked_page_size

from . import records

OUTBOX = "outbox"  # as firestore_store names it; a literal for the infra checks' reader


class FirestoreFailedMail:
    """The failed-mail reads of `FirestoreCaseStore` (its client and operation count)."""

    def failed_outbox(self, limit: int = 50, after: str | None = None) -> FailedMailPage:
        limit = checked_page_size(limit)
        if after is not None:
            records.cursor_position(after)  # a malformed cursor is an error, not an empty page
        query = (self.client.collection(OUTBOX)
                 .where(filter=firestore.FieldFilter("failed_key", "<", after or "\uffff"))
                 .order_by("failed_key", direction=firestore.Query.DESCENDING)
                 .limit(limit + 1))
        found = [records.outbox_from_record(s.to_dict()) for s in query.stream()]
        self.operations += max(1, len(found))
        more = len(found) > limit
        return FailedMailPage(found[:limit], records.failed_key(found[limit - 1]) if more else None)

    def count_failed_outbox(self) -> int:
        query = (self.client.collection(OUTBOX)
                 .where(filter=firestore.FieldFilter("failed_key", ">", "")).count())
        self.operations += 1  # one read per 1000 index entries counted
        return int(query.get()[0][0].value)
