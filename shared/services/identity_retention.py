"""Retention of the reporter's identity (R20, PIPL Art. 19), as the deadline sweep runs it: a set
time after a case is archived (`SweepPolicy.identity_retention`) its private record and every
copy of it are purged, once (`shared/domain/identity_purge.py`).

Before the sweep's transaction, `prepare` reads what the purge needs (the private record and
the timeline) and does what no transaction covers: it deletes the case's raw emails
(`mail/<sha256>.eml`: their headers carry the sender's name and address) and scrubs the
addresses out of its outbox entries' last errors (an SMTP refusal names the recipient). Both are
idempotent and come before the claim, so a sweep that dies in between leaves the purge due and
the next run repeats them (finding nothing left) and claims it. `apply` then runs inside the
transaction that claims it. The attachments the reporter uploaded are kept: they are the case's
evidence, part of the anonymised case like its description (docs/design.md, "Retention").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.domain import identity_purge, sweep_rules
from shared.domain.cases import Case, ReporterIdentity, TimelineEvent
from shared.domain.claim_keys import claimed
from shared.domain.held_mail import HeldEntry
from shared.domain.outbox import OutboxMessage
from shared.domain.ports import AttachmentStore, CaseStore
from shared.domain.sweep_rules import Step, SweepPolicy

from .audit_chain import all_events

RAW_MAIL_PREFIX = "mail/"  # content-addressed raw messages, `mail/<sha256>.eml`


@dataclass(frozen=True)
class Prepared:
    """What the purge of one case read before its transaction, and how many raw emails it
    deleted."""

    identity: ReporterIdentity | None
    events: list[TimelineEvent]
    raw_deleted: int = 0
    held: tuple[HeldEntry, ...] = ()  # held mail filed in the case (its sender: an address)


class IdentityRetention:
    """The purge of archived cases' private records, for the deadline sweep."""

    def __init__(self, store: CaseStore, files: AttachmentStore | None = None):
        """`files`: where raw emails are kept (None: none are deleted, as in tests of the
        sweep alone)."""
        self._store = store
        self._files = files

    def due(self, case: Case, now: datetime, policy: SweepPolicy) -> bool:
        """Whether the case's purge is due at `now` and not done."""
        done = claimed(case)
        return any(d.step == Step.PURGE and d.at <= now and d.key not in done
                   for d in sweep_rules.moments(case, policy))

    def prepare(self, case: Case, now: datetime, policy: SweepPolicy) -> Prepared | None:
        """Read and delete what the purge needs outside the transaction; None when the case's
        purge is not due."""
        if not self.due(case, now, policy):
            return None
        identity = self._store.get_identity(case.number)
        events = all_events(self._store, case.number)
        keys = raw_mail_keys(case, events)
        if self._files is not None:
            for key in keys:
                self._files.delete(key)
        self._scrub_outbox(events, identity)
        held_ids = sorted({e.data["held_id"] for e in events
                           if isinstance(e.data.get("held_id"), str)})
        held = tuple(entry for entry in map(self._store.get_held_mail, held_ids) if entry)
        return Prepared(identity, events, len(keys) if self._files is not None else 0, held)

    @staticmethod
    def apply(case: Case, prepared: Prepared | None, now: datetime) -> bool:
        """Purge the case inside the sweep's transaction; False when nothing was prepared or it
        was purged before."""
        if prepared is None:
            return False
        return identity_purge.purge(case, prepared.identity, prepared.events, now,
                                    raw_deleted=prepared.raw_deleted, held=prepared.held)

    def _scrub_outbox(self, events: list[TimelineEvent], identity) -> None:
        """Addresses out of the last errors of the case's outbox entries."""
        ids = {e.data["outbox_id"] for e in events if isinstance(e.data.get("outbox_id"), str)}
        for message_id in sorted(ids):
            def scrub(message: OutboxMessage, _case) -> bool:
                clean = identity_purge.scrubbed(message.last_error, identity)
                if clean == message.last_error:
                    return False
                message.last_error = clean
                return True

            self._store.update_outbox(message_id, scrub)


def raw_mail_keys(case: Case, events: list[TimelineEvent]) -> list[str]:
    """The storage keys of the case's raw emails: every event's `data["raw"]` and held mail
    filed as an attachment (`.eml`; the HTML body an HTML-only message left, `.html`, is its
    text, kept like the text on its event)."""
    keys = [e.data["raw"] for e in events if isinstance(e.data.get("raw"), str)]
    keys += [a.key for a in case.attachments]
    return sorted({key for key in keys
                   if key.startswith(RAW_MAIL_PREFIX) and key.endswith(".eml")})
