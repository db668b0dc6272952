"""The Firestore store's mail of a period (`PeriodMailStore`): a claim document per mail and
period (`mail_claims/{claim}`) created in the transaction of the outbox entries it queues. Two
sweeps at once: the second's read of the claim conflicts with the first's commit, it runs again
and finds the claim; and `create` fails on an existing document in any case."""
from __future__ import annotations

from datetime import datetime

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared.domain.outbox import OutboxMessage

from . import records

MAIL_CLAIMS = "mail_claims"


class FirestorePeriodMail:
    """The period-mail claims of `FirestoreCaseStore` (its client and operation count)."""

    def period_mail_claimed(self, claim: str) -> bool:
        return self._get(MAIL_CLAIMS, claim) is not None

    def queue_period_mail(self, claim: str, outbox: list[OutboxMessage], at: datetime) -> bool:
        @firestore.transactional
        def run(transaction) -> bool:
            if self._get(MAIL_CLAIMS, claim, transaction) is not None:
                return False
            self.operations += 1
            transaction.create(self._doc(MAIL_CLAIMS, claim),
                               {"claimed_at": records.time_text(at), "entries": len(outbox)})
            self._create_outbox(transaction, outbox)
            return True

        try:
            return run(self.client.transaction(max_attempts=30))
        except (gexc.AlreadyExists, gexc.Conflict):
            if self.period_mail_claimed(claim):
                return False  # created by a racing sweep between our read and our commit
            raise  # something else of the commit existed: nothing was written
