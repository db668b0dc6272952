"""Public disclosure of major cases (R22: 「对于一些重大的投诉案件…进行公示」).

A member proposes a major case for disclosure with a redacted public summary they write — what
happened, its cause, the measures taken (`ProposeDisclosure`); a supervisor other than the proposer
reviews the redaction and approves it (`ApproveDisclosure`, the summary is then published on the
transparency page) or refuses it with a reason (`RefuseDisclosure`). A supervisor may withdraw a
proposal or a published disclosure with a reason (`WithdrawDisclosure`). Only a decided major case
(closed or under appeal): the summary tells its cause and measures, which exist once it is
decided (R9's closure report). An archived case is only read (R18), but what was published of it
can still be withdrawn. A case the reporter asked to keep confidential is never disclosed.

The proposal lives on the case as `case.disclosure` (plain values): {"state": proposed |
approved | refused | withdrawn, "what", "cause", "measures", "language", "proposed_by",
"proposed_at", and once decided "decided_by", "decided_at" (with "refusal" when refused),
"published_at" when approved, "withdrawn_by", "withdrawn_at", "withdrawal" when withdrawn}.
What the public sees is `public_disclosure(case)`: the summary, kind, category and the day it
was published — never the case number, names or anything of the reporter.

`identifying(text, known)` is a first filter of the proposer's text, not the review: it finds
email addresses, telephone, ID-card or account numbers (seven digits or more), case numbers and
the given known strings (the reporter's name and contact, the respondent).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from .cases import Case, EventType, Severity
from .commands import Command, CommandName
from .decision_commands import staff_id

C = CommandName
PROPOSED, APPROVED, REFUSED, WITHDRAWN = "proposed", "approved", "refused", "withdrawn"
SUMMARY_FIELDS = ("what", "cause", "measures")
MAX_SUMMARY = 2000  # each part: a public summary, not the file
LANGUAGES = ("zh-CN", "en")

_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_LONG_NUMBER = re.compile(r"\d(?:[\s\-.]?\d){6,}")  # phones, ID cards, accounts, order numbers
_CASE_NUMBER = re.compile(r"\b(?:TS|JB)[\s\-]?\d{8}", re.IGNORECASE)


def identifying(text: str, known: tuple[str, ...] = ()) -> bool:
    """Whether the text holds something that may identify a person (see the module)."""
    folded = text.casefold()
    if _EMAIL.search(text) or _LONG_NUMBER.search(text) or _CASE_NUMBER.search(text):
        return True
    return any(len(k.strip()) >= 2 and k.strip().casefold() in folded for k in known)


def _pending(case: Case) -> bool:
    return case.disclosure.get("state") == PROPOSED


def _disclosable(case: Case) -> tuple[str, str]:
    if case.severity != Severity.MAJOR:
        return "not_major", "only a major case may be disclosed (R22)"
    if case.confidential:
        return "confidential", "a case kept confidential is never disclosed"
    return "", ""


def _reviewer_refusal(case: Case, actor: str) -> tuple[str, str]:
    """A proposal is waiting, and the reviewer is not who proposed it."""
    if not _pending(case):
        return "no_disclosure_proposed", "no disclosure of this case is waiting for review"
    if staff_id(actor) == case.disclosure.get("proposed_by"):
        return "own_proposal", "a disclosure is approved by someone other than who proposed it"
    return "", ""


@dataclass(frozen=True)
class ProposeDisclosure(Command):
    """Propose the case for disclosure with its public summary (the service checks the texts)."""

    what: str = ""
    cause: str = ""
    measures: str = ""
    language: str = "zh-CN"
    proposed_at: datetime | None = None

    name, event = C.PROPOSE_DISCLOSURE, EventType.DISCLOSURE_PROPOSED

    def details(self, case: Case) -> dict:
        return {"what": self.what, "cause": self.cause, "measures": self.measures,
                "language": self.language}

    def change(self, case: Case) -> None:
        case.disclosure = {"state": PROPOSED, "what": self.what, "cause": self.cause,
                           "measures": self.measures, "language": self.language,
                           "proposed_by": staff_id(self.actor),
                           "proposed_at": self.proposed_at.isoformat() if self.proposed_at else ""}

    def refusal_on(self, case: Case) -> tuple[str, str]:
        code, why = _disclosable(case)
        if code:
            return code, why
        if _pending(case):
            return "disclosure_pending", "a disclosure of this case is waiting for review already"
        if case.disclosure.get("state") == APPROVED:
            return "disclosure_published", "the case is disclosed already; withdraw it first"
        return "", ""


@dataclass(frozen=True)
class ApproveDisclosure(Command):
    """A supervisor other than the proposer approves the redaction: the summary is published."""

    decided_at: datetime | None = None

    name, event = C.APPROVE_DISCLOSURE, EventType.DISCLOSURE_APPROVED

    def details(self, case: Case) -> dict:
        return {"proposed_by": case.disclosure.get("proposed_by", "")}

    def change(self, case: Case) -> None:
        # In UTC: published records are ranged by this text, so every one is written alike.
        at = self.decided_at.astimezone(UTC).isoformat() if self.decided_at else ""
        case.disclosure = {**case.disclosure, "state": APPROVED,
                           "decided_by": staff_id(self.actor), "decided_at": at,
                           "published_at": at}

    def refusal_on(self, case: Case) -> tuple[str, str]:
        code, why = _reviewer_refusal(case, self.actor)
        return (code, why) if code else _disclosable(case)  # lowered or made confidential since


@dataclass(frozen=True)
class RefuseDisclosure(Command):
    """A supervisor other than the proposer refuses it, with a reason (e.g. what still
    identifies someone); a new proposal may follow."""

    decided_at: datetime | None = None

    name, event, needs_reason = C.REFUSE_DISCLOSURE, EventType.DISCLOSURE_REFUSED, True

    def details(self, case: Case) -> dict:
        return {"proposed_by": case.disclosure.get("proposed_by", "")}

    def change(self, case: Case) -> None:
        case.disclosure = {**case.disclosure, "state": REFUSED,
                           "decided_by": staff_id(self.actor),
                           "decided_at": self.decided_at.isoformat() if self.decided_at else "",
                           "refusal": self.reason.strip()}

    def refusal_on(self, case: Case) -> tuple[str, str]:
        return _reviewer_refusal(case, self.actor)


@dataclass(frozen=True)
class WithdrawDisclosure(Command):
    """A supervisor withdraws a waiting proposal or a published disclosure, with a reason: it
    leaves the transparency page."""

    withdrawn_at: datetime | None = None

    name, event, needs_reason = C.WITHDRAW_DISCLOSURE, EventType.DISCLOSURE_WITHDRAWN, True

    def details(self, case: Case) -> dict:
        return {"state_from": case.disclosure.get("state", "")}

    def change(self, case: Case) -> None:
        case.disclosure = {**case.disclosure, "state": WITHDRAWN,
                           "withdrawn_by": staff_id(self.actor),
                           "withdrawn_at": self.withdrawn_at.isoformat()
                           if self.withdrawn_at else "",
                           "withdrawal": self.reason.strip()}

    def refusal_on(self, case: Case) -> tuple[str, str]:
        if case.disclosure.get("state") not in (PROPOSED, APPROVED):
            return "no_disclosure", "nothing of this case is proposed or disclosed"
        return "", ""


DISCLOSURE_ACTIONS = {"propose_disclosure": ProposeDisclosure,
                      "approve_disclosure": ApproveDisclosure,
                      "refuse_disclosure": RefuseDisclosure,
                      "withdraw_disclosure": WithdrawDisclosure}


def open_to(case: Case, member_id: str) -> set[str]:
    """The disclosure actions the case's rules let this member take now (for staff screens,
    which offer only what would not be refused)."""
    return {name for name, command in DISCLOSURE_ACTIONS.items()
            if not command(f"staff:{member_id}").refusal_on(case)[0]}


def public_disclosure(case: Case) -> dict | None:
    """What the transparency page shows of the case, or None when nothing is published. The
    record is keyed by `published_key` (`<published_at>|<number>`) for a period's range; the
    case number is its id and its key's tail, never shown."""
    disclosure = case.disclosure
    if disclosure.get("state") != APPROVED:
        return None
    return {"number": case.number, "kind": case.kind.value, "category": case.category,
            **{part: disclosure.get(part, "") for part in SUMMARY_FIELDS},
            "language": disclosure.get("language", "zh-CN"),
            "published_at": disclosure["published_at"],
            "published_key": f"{disclosure['published_at']}|{case.number}"}
