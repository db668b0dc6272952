"""One scheduled run, the same in the cloud (`functions/sweep_deadlines.py`, called by Cloud
Scheduler) and in the local stack (a timer): the deadline sweep within its time budget, then the
outbox entries whose retry time came, so that a message whose trigger retries ran out is still
sent."""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from shared.services.mail_delivery import Outcome

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepRun:
    """What one run did: the sweep's report and the delivery outcomes by kind. `mail_given_up`
    counts the entries this run gave up on (out of attempts, or refused for good); each is
    recorded on its case's timeline (notice_failed), which staff see. `mail_failed_open` counts
    every entry given up on and not sent again yet: the length of staff's failed-mail list."""
    cases_read: int
    actions: dict[str, int]
    more_due: bool
    mail: dict[str, int] = field(default_factory=dict)
    mail_failed_open: int = 0

    @property
    def mail_given_up(self) -> int:
        return self.mail.get(Outcome.FAILED.value, 0)

    def as_json(self) -> dict:
        return {"cases_read": self.cases_read, "actions": dict(self.actions),
                "more_due": self.more_due, "mail": dict(self.mail),
                "mail_given_up": self.mail_given_up, "mail_failed_open": self.mail_failed_open}


def run_scheduled_sweep(sweep, delivery, budget_seconds: float) -> SweepRun:
    """Run the deadline sweep (`sweep.run(budget_seconds)`), then deliver the due outbox entries
    once. The mail goes out even when the sweep fails (its error is raised afterwards): a bug in
    one rule must not hold every retry back."""
    try:
        report = sweep.run(budget_seconds)
    finally:
        delivered = delivery.deliver_due()
    mail = dict(Counter(result.outcome.value for result in delivered))
    run = SweepRun(report.cases_read, dict(report.actions), bool(report.more_due), mail,
                   delivery.given_up_count())
    if run.mail_given_up:
        log.warning("sweep: %d outbox entries given up (notice_failed on their cases)",
                    run.mail_given_up)
    if run.mail_failed_open:
        log.warning("sweep: %d outbox entries given up wait for staff (GET /mail/failed)",
                    run.mail_failed_open)
    return run
