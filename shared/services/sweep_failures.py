"""A case the deadline sweep failed on (a bug on an old document, a store error, R8's count rule
failing) is looked at again a little later, not at once.

Left due, it stayed at the head of the due order: a run skips it, but the next run reads it
first again, and a whole page of such cases made every run read only them and stop, starving
every other due case for good. Put off by `RETRY_FAILED`, it leaves the head of the order, is
tried again at each retry (each failure logged and counted `failed` in the run's answer), and
the others are swept meanwhile.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from shared.domain.cases import Case
from shared.domain.ports import CaseStore

log = logging.getLogger(__name__)

RETRY_FAILED = timedelta(minutes=30)  # six scheduled runs: a passing fault clears by then


def put_off(store: CaseStore, number: str, now: datetime) -> None:
    """Move the failed case's `next_due_at` to `RETRY_FAILED` from now, if it is still due (a
    command meanwhile may have moved it on). A failure here is logged: the run goes on."""

    def later(case: Case) -> None:
        if case.next_due_at is not None and case.next_due_at <= now:
            case.next_due_at = now + RETRY_FAILED

    try:
        store.update_case(number, later)
    except Exception:
        log.exception("deadline sweep: case %s could not be put off either", number)
