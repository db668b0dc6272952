"""Retention (R20, PIPL Art. 19): the reporter's private record — name, email, phone — and every
copy of them on the case are purged a set time after the case is archived
(`CD_IDENTITY_RETENTION_DAYS`). The anonymised case, its timeline and the statistics remain.

The deadline sweep does it (`sweep_rules`: the archived case's `next_due_at` is its purge moment),
in the transaction that claims it: `purge` scrubs the case's own texts, records one
`identity_purged` event from the system, and hands the store an `IdentityPurge` (`case.purge`):
delete the private record, clear the email hash, rewrite the events whose text or data held a
copy. Rewriting an event breaks its hash, so the purge event names, for each event it rewrote,
the hash of its new content (`data["redacted"]`): the audit chain (`audit.verify_chain`) checks a
rewritten event against that, and the purge event itself is chained like any other, so a later
change to either is still found. An event keeps its `prev_hash` and `hash`: the links hold.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from .audit import event_hash
from .cases import SYSTEM, Case, EventType, ReporterIdentity, TimelineEvent
from .held_mail import HeldEntry

PURGED = "[purged]"  # what stands where a copy of the identity was
RULE = "PIPL Art. 19: kept no longer than needed; the retention time after archiving is over"
# An email address anywhere in a text: ASCII, as every address we keep is (design, "Not a mail
# cannon"), so that Chinese words around it, with no space between, stay.
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
MIN_NAME = 2  # a one-character name would blank out ordinary words
MIN_PHONE_DIGITS = 5


@dataclass(frozen=True)
class IdentityPurge:
    """What the store does in the transaction that writes the purged case: delete its private
    record, clear its `reporter_email_hash`, rewrite these events in place (same seq) and these
    held-mail entries (filed in the case: their sender scrubbed)."""

    redacted: tuple[TimelineEvent, ...] = ()
    held: tuple[HeldEntry, ...] = ()


def scrubbed_held(entry: HeldEntry, identity: ReporterIdentity | None) -> HeldEntry:
    """A held entry filed in the case, without its sender's address and the identity's copies
    in its subject."""
    mail = replace(entry.mail, sender=PURGED, subject=scrubbed(entry.mail.subject, identity))
    return replace(entry, mail=mail)


def scrubbed(text: str, identity: ReporterIdentity | None, *, names: bool = True) -> str:
    """`text` with every email address, the reporter's phone and (when `names`) their name
    written as `PURGED`."""
    if not text:
        return text
    out = _ADDRESS.sub(PURGED, text)
    if identity is None:
        return out
    phone = (identity.phone or "").strip()
    if sum(ch.isdigit() for ch in phone) >= MIN_PHONE_DIGITS:
        # Stored in E.164 (+86…); people write the national number without the prefix.
        for spelling in (phone, phone.removeprefix("+86")):
            out = out.replace(spelling, PURGED)
    name = (identity.name or "").strip()
    if names and len(name) >= MIN_NAME:
        out = out.replace(name, PURGED)
    return out


def redacted_event(event: TimelineEvent, identity: ReporterIdentity | None) -> TimelineEvent:
    """The event with its copies of the identity scrubbed: its text (name included), and the
    string values of its data (addresses and the phone: data also holds staff ids, categories
    and departments, which a name must never change). Its seq and chain links stay."""
    data = {key: scrubbed(value, identity, names=False) if isinstance(value, str) else value
            for key, value in event.data.items()}
    return replace(event, text=scrubbed(event.text, identity), data=data)


def redactions(events: list[TimelineEvent], identity: ReporterIdentity | None
               ) -> list[TimelineEvent]:
    """The events that change when scrubbed, as they will be stored."""
    changed = []
    for event in events:
        if event.type == EventType.IDENTITY_PURGED:
            continue
        new = redacted_event(event, identity)
        if new.text != event.text or new.data != event.data:
            changed.append(new)
    return changed


def purge(case: Case, identity: ReporterIdentity | None, events: list[TimelineEvent],
          now: datetime, *, raw_deleted: int = 0, held: tuple[HeldEntry, ...] = (),
          rule: str = RULE) -> bool:
    """Purge the case's reporter identity at `now`, by the system: its texts scrubbed, one
    `identity_purged` event, and the store's part in `case.purge` (with the held entries filed
    in the case, `held`). Does nothing to a case
    purged before (returns False)."""
    if case.identity_purged_at is not None:
        return False
    for name in ("subject", "description", "desired_outcome"):
        setattr(case, name, scrubbed(getattr(case, name), identity))
    rewritten = redactions(events, identity)
    fields = [f for f in ("name", "email", "phone") if identity and getattr(identity, f)]
    case.record(TimelineEvent(
        EventType.IDENTITY_PURGED, now, text=rule, actor=SYSTEM,
        data={"fields": fields, "raw_mail_deleted": raw_deleted, "held_mail": len(held),
              "redacted": {str(e.seq): event_hash(case.number, e) for e in rewritten if e.hash}}))
    case.identity_purged_at = now
    case.purge = IdentityPurge(tuple(rewritten),
                               tuple(scrubbed_held(entry, identity) for entry in held))
    return True
