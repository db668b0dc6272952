"""The raw inbound emails of a case, as they arrived: found through its timeline, where every
event a message caused keeps the message's storage key (`data["raw"]`): the registration of a case
opened by email, the reporter's replies, automated mail, bounces and held mail filed in the case.
Numbered from 1 in timeline order (the timeline is append-only, so a number never changes)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from shared.domain.cases import TimelineEvent

from .case_views import iso

# A whole message is stored under the SHA-256 of its bytes (`mail_intake`), so its key names its
# digest for free; an oversize message's head (`.head.eml`) is keyed by the whole's, not its own.
_CONTENT_ADDRESSED = re.compile(r"mail/([0-9a-f]{64})\.eml")


@dataclass(frozen=True)
class RawMail:
    index: int  # from 1
    seq: int  # the event that recorded it
    event: str
    at: datetime
    key: str  # in attachment storage
    subject: str

    @property
    def sha256(self) -> str:
        """The stored bytes' SHA-256 (hex) when the key names it, else ""."""
        found = _CONTENT_ADDRESSED.fullmatch(self.key)
        return found.group(1) if found else ""

    def filename(self, number: str) -> str:
        return f"{number}-mail-{self.index}.eml"

    def as_dict(self, number: str) -> dict:
        """JSON-ready, without the storage key (an internal name) and without any address."""
        return {"index": self.index, "seq": self.seq, "event": self.event, "at": iso(self.at),
                "subject": self.subject, "sha256": self.sha256,
                "filename": self.filename(number)}


def raw_mails(events: list[TimelineEvent]) -> list[RawMail]:
    """Each raw message the events refer to, once (a message filed from held mail is referred to
    by its event and kept as an attachment too), oldest first."""
    found: dict[str, RawMail] = {}
    for event in events:
        key = event.data.get("raw")
        if not isinstance(key, str) or not key.startswith("mail/") or key in found:
            continue
        subject = event.data.get("subject")
        found[key] = RawMail(len(found) + 1, event.seq, event.type.value, event.at, key,
                             subject if isinstance(subject, str) else "")
    return list(found.values())
