"""Public disclosures of major cases in the Firestore store (R22): `disclosures/{case number}`, the
public record of a published disclosure only (`disclosures.public_disclosure`), read for a period
as a range on its one `published_key` field (a single-field index: no composite index to
declare). Written in the transaction of its case's write. Mixed into `FirestoreCaseStore`, whose
client, transactions and case reads and writes it uses."""
from __future__ import annotations

from collections.abc import Callable

from google.cloud import firestore

from shared.domain.cases import Case
from shared.domain.disclosures import public_disclosure
from shared.domain.errors import CaseNotFound

from . import records

DISCLOSURES = "disclosures"


class FirestoreDisclosures:
    """The DisclosureStore port's methods of FirestoreCaseStore."""

    def update_disclosure(self, number: str, change: Callable[[Case], None]) -> Case:
        @firestore.transactional
        def run(transaction) -> Case:
            record = self._read_case(number, transaction)
            if record is None:
                raise CaseNotFound(number)
            case = records.case_from_record(record)
            change(case)
            self._write_case(transaction, case, record)
            published = public_disclosure(case)
            if published is None:
                transaction.delete(self._doc(DISCLOSURES, number))
            else:
                transaction.set(self._doc(DISCLOSURES, number), published)
            self.operations += 1
            return case

        case = self._transact(run)
        case.new_events.clear()
        return case

    def published_disclosures(self, low: str, high: str, limit: int) -> list[dict]:
        found = [snapshot.to_dict() for snapshot in self.client.collection(DISCLOSURES)
                 .where(filter=firestore.FieldFilter("published_key", ">=", low))
                 .where(filter=firestore.FieldFilter("published_key", "<", high))
                 .order_by("published_key", direction=firestore.Query.DESCENDING)
                 .limit(limit).stream()]
        self.operations += max(1, len(found))
        return found
