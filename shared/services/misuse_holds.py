"""The misuse policy at registration (R21, DSA Art. 23): is the new report's reporter held?

`Registration` asks `hold_of` once per case, before its transaction: the tallies of the contact's
keyed hashes (`report_marks.reporter_keys`, the same key as the marks') say whether a hold is on.
A held report is registered and acknowledged like any other (the person keeps their number and
code; no report is lost) and is held for review (`misuse.hold_report`). An anonymous report is
never linked to anybody (R20), so it is never held. Only reports (举报) are held: a complaint
(投诉) is about the person's own dealings with the platform, and its clocks (the first contact
within 4 working hours, R13) run as for anybody. A hold that begins between this read and the
registration's commit holds the next report, not this one: it was sent before the hold.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.domain.cases import Kind
from shared.domain.misuse import MisusePolicy, held_until
from shared.domain.ports import ReporterMarkStore
from shared.domain.report_marks import mark_key, reporter_keys

from .case_marks import e164


@dataclass(frozen=True)
class Hold:
    """The report is held until `until`; `matched_on` the contacts held (email, phone)."""

    until: datetime
    matched_on: list[str]


class MisuseHolds:
    """Whether a new report is held under the misuse policy."""

    def __init__(self, store: ReporterMarkStore, reply_key: bytes, policy: MisusePolicy):
        self._store = store
        self._key = mark_key(reply_key)
        self._policy = policy

    def hold_of(self, command, now: datetime) -> Hold | None:
        """The hold a new case (`registration.NewCase`) gets now, or None: the policy off, a
        complaint, no contact, an anonymous report, or no hold on either contact."""
        if not self._policy.on or command.kind != Kind.REPORT or command.anonymous \
                or not (command.email or command.phone):
            return None
        keys = reporter_keys(self._key, command.email, e164(command.phone))
        tallies = self._store.reporter_tallies(list(keys.values()))
        ends = {kind: held_until(tallies.get(key), now) for kind, key in keys.items()}
        held = {kind: until for kind, until in ends.items() if until is not None}
        if not held:
            return None
        return Hold(max(held.values()), sorted(held))
