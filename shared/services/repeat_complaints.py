"""Repeat complaints for the statistics (R19): a complaint from a reporter who complained within
`REPEAT_WITHIN_DAYS` before it was received. Told apart by the reporter's email address (the
`reporter_email_hash` every case keeps for the reporter's queue); an anonymous complaint, or one
without an address (a phone call), is never a repeat (R20: it is tied to nobody). Noted on the
`case_registered` event as `repeat_of` (the earlier case's number), which the counters read."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from shared.domain.cases import Kind
from shared.domain.ports import CaseStore
from shared.domain.queues import CaseQuery, reporter_email_hash
from shared.domain.statistics import REPEAT_WITHIN_DAYS


def noting_repeat(store: CaseStore, command, received):
    """`command` (a `NewCase`) with `repeat_of` in its registered data when it is a repeat: one
    indexed query of the reporter's cases received in the days before (at most one case read)."""
    if command.kind is not Kind.COMPLAINT or command.anonymous or not command.email:
        return command
    query = CaseQuery(kind=Kind.COMPLAINT.value, reporter_email_hash=reporter_email_hash(command.email),
                      received_in=(received - timedelta(days=REPEAT_WITHIN_DAYS), received))
    found = store.find_cases(query, limit=1).cases
    if not found:
        return command
    return replace(command, registered_data={**command.registered_data, "repeat_of": found[0].number})
