"""Staff commands that leave a case's status as it is: classification (R7, R8), internal notes,
messages to the reporter, referrals out, reveals of the reporter's identity (R20), confidentiality
and the record of a confidential case's read. Each is in `lifecycle.TRANSITIONS` (status → same
status) and recorded as one event naming the member and the client they acted from."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .case_flags import CaseFlags
from .cases import Case, EventType, Kind
from .commands import Command, CommandName
from .referrals import Authority

C = CommandName


@dataclass(frozen=True)
class ClassifyCase(Command):
    """Kind, category and/or the R8 flags (None: unchanged); the event records what changed,
    each as `<field>_from` and `<field>_to`. The category must suit the kind (the service checks
    it against `categories.py`); the severity the flags imply is the service's next command."""

    kind: Kind | None = None
    category: str | None = None
    flags: CaseFlags | None = None

    name, event, needs_reason = C.CLASSIFY_CASE, EventType.CASE_CLASSIFIED, True

    def changes(self, case: Case) -> dict[str, tuple]:
        """{field: (current value, new value)} of what the command changes on the case."""
        wanted = {"kind": self.kind, "category": self.category, "flags": self.flags}
        return {name: (getattr(case, name), value) for name, value in wanted.items()
                if value is not None and value != getattr(case, name)}

    def details(self, case: Case) -> dict:
        details = {}
        for name, (old, new) in self.changes(case).items():
            details[f"{name}_from"], details[f"{name}_to"] = _plain(old), _plain(new)
        return details

    def change(self, case: Case) -> None:
        for name, (_, new) in self.changes(case).items():
            setattr(case, name, new)

    def refusal(self) -> str:
        if super().refusal() or any(v is not None for v in (self.kind, self.category, self.flags)):
            return super().refusal()
        return f"{self.name} needs a kind, a category or flags"


def _plain(value):
    return value.as_dict() if isinstance(value, CaseFlags) else str(value)


@dataclass(frozen=True)
class AddNote(Command):
    """An internal note (the reason is the note); never shown to the reporter."""

    name, event, needs_reason = C.ADD_NOTE, EventType.NOTE_ADDED, True


@dataclass(frozen=True)
class MessageReporter(Command):
    """A message to the reporter (the reason is its text), on the status page and by email."""

    name, event, needs_reason = C.MESSAGE_REPORTER, EventType.REPORTER_MESSAGED, True


@dataclass(frozen=True)
class ReferOut(Command):
    """The case was passed to an authority on `referred_on`, under their `reference`; the reason
    is a note (for `other`, the authority's name)."""

    authority: Authority = Authority.OTHER
    referred_on: date | None = None
    reference: str = ""

    name, event = C.REFER_OUT, EventType.CASE_REFERRED

    def details(self, case: Case) -> dict:
        return {"authority": self.authority.value, "reference": self.reference,
                "referred_on": self.referred_on.isoformat() if self.referred_on else ""}

    def refusal(self) -> str:
        if super().refusal() or self.referred_on is not None:
            return super().refusal()
        return f"{self.name} needs the day of the referral"


@dataclass(frozen=True)
class RevealIdentity(Command):
    """The reporter's identity was read in clear (R20), for the reason given; `fields` are the
    ones there were to read (name, email, phone)."""

    fields: tuple[str, ...] = ()

    name, event, needs_reason = C.REVEAL_IDENTITY, EventType.IDENTITY_REVEALED, True

    def details(self, case: Case) -> dict:
        return {"fields": list(self.fields)}


@dataclass(frozen=True)
class SetConfidentiality(Command):
    """Mark the case confidential (only its handler, supervisors and auditors see it) or not."""

    confidential: bool = True

    name, event, needs_reason = C.SET_CONFIDENTIALITY, EventType.CONFIDENTIALITY_SET, True

    def details(self, case: Case) -> dict:
        return {"confidential_from": case.confidential, "confidential_to": self.confidential}

    def change(self, case: Case) -> None:
        case.confidential = self.confidential


@dataclass(frozen=True)
class RecordConfidentialRead(Command):
    """Someone read a confidential case (`what`: view, timeline, attachment, print…): the audit
    record of a read; `index`, which attachment (from 1) when one was opened."""

    what: str = "view"
    index: int = 0

    name, event = C.RECORD_CONFIDENTIAL_READ, EventType.CONFIDENTIAL_CASE_READ

    def details(self, case: Case) -> dict:
        return {"read": self.what, **({"index": self.index} if self.index else {})}
