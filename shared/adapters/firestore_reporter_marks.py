"""Report marks and rewards in the Firestore store (R21): `reporter_marks/{keyed hash}`, the tally
of one reporter contact's cases (never the contact itself), and `reward_ledger/{reward id}`, one
document per reward, paged newest first on its one `ledger_key` field (a single-field index: no
composite index to declare). Each is written in the transaction of its case's write. Mixed into
`FirestoreCaseStore`, whose client, transactions, case reads and writes and operation count it
uses."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from google.cloud import firestore
from google.cloud.firestore_v1 import aggregation

from shared.domain.cases import Case
from shared.domain.errors import CaseNotFound
from shared.domain.report_marks import Follow, moved_tallies

from . import records

REPORTER_MARKS = "reporter_marks"
REWARD_LEDGER = "reward_ledger"


class FirestoreReporterMarks:
    """The ReporterMarkStore port's methods of FirestoreCaseStore."""

    def mark_case(self, number: str, change: Callable[[Case], None], keys: Sequence[str],
                  follow: Follow | None = None) -> Case:
        @firestore.transactional
        def run(transaction) -> Case:
            record = self._read_case(number, transaction)
            if record is None:
                raise CaseNotFound(number)
            read = {key: self._get(REPORTER_MARKS, key, transaction) for key in keys}
            case = records.case_from_record(record)
            before = case.report_mark
            change(case)
            tallies, outbox = moved_tallies(
                case, before, read, records.time_text(case.updated_at), follow)
            self._create_outbox(transaction, outbox)
            self._write_case(transaction, case, record)
            for key, tally in tallies.items():
                if tally != read[key]:
                    transaction.set(self._doc(REPORTER_MARKS, key), tally)
                    self.operations += 1
            return case

        case = self._transact(run)
        case.new_events.clear()
        return case

    def reporter_tallies(self, keys: Sequence[str]) -> dict[str, dict]:
        if not keys:
            return {}
        self.operations += len(keys)  # billed per document, found or not
        found = self.client.get_all([self._doc(REPORTER_MARKS, key) for key in keys])
        return {snapshot.id: snapshot.to_dict() for snapshot in found if snapshot.exists}

    def record_reward(self, number: str, entry: dict,
                      change: Callable[[Case], None]) -> tuple[dict, Case | None]:
        @firestore.transactional
        def run(transaction) -> tuple[dict, Case | None]:
            earlier = self._get(REWARD_LEDGER, entry["reward_id"], transaction)
            if earlier is not None:
                return earlier, None
            record = self._read_case(number, transaction)
            if record is None:
                raise CaseNotFound(number)
            case = records.case_from_record(record)
            change(case)
            self._write_case(transaction, case, record)
            transaction.create(self._doc(REWARD_LEDGER, entry["reward_id"]), entry)
            self.operations += 1
            return entry, case

        written, case = self._transact(run)
        if case is not None:
            case.new_events.clear()
        return written, case

    def reward_ledger(self, limit: int, after: str | None = None, low: str = "",
                      high: str = "") -> tuple[list[dict], str | None]:
        upper = min(high or _ABOVE_ALL, after or _ABOVE_ALL)
        found = [snapshot.to_dict() for snapshot in self.client.collection(REWARD_LEDGER)
                 .where(filter=firestore.FieldFilter("ledger_key", ">=", low))
                 .where(filter=firestore.FieldFilter("ledger_key", "<", upper))
                 .order_by("ledger_key", direction=firestore.Query.DESCENDING)
                 .limit(limit + 1).stream()]
        self.operations += max(1, len(found))
        entries = found[:limit]
        return entries, entries[-1]["ledger_key"] if len(found) > limit else None

    def reward_totals(self, low: str = "", high: str = "") -> tuple[int, int]:
        period = (self.client.collection(REWARD_LEDGER)
                  .where(filter=firestore.FieldFilter("ledger_key", ">=", low))
                  .where(filter=firestore.FieldFilter("ledger_key", "<", high or _ABOVE_ALL)))
        results = (aggregation.AggregationQuery(period).count(alias="count")
                   .sum("amount_fen", alias="total").get())
        values = {result.alias: result.value for result in results[0]}
        self.operations += 1 + values["count"] // 1000  # billed per 1000 entries read
        return int(values["count"]), int(values["total"] or 0)


# Above every ledger key (they start with a day's digits): the open end of a range.
_ABOVE_ALL = "~"
