"""Malicious or manifestly unfounded reports marked, and rewards for valid ones (R21).

A mark is set, changed or withdrawn by staff with a reason: one `report_marked` event each, naming
the mark before (`mark_from`) and after (`mark`, "" when withdrawn); the case keeps the current one
(`case.report_mark`). The mark follows the reporter to their other cases through keyed hashes of
their email address and phone number (`reporter_keys`: HMAC-SHA256 under a key derived from the
reply-token key for this purpose only), never the clear values: each key has a tally
(`tallied`) of its cases by mark and the latest of them, and `reporter_history` reads a case's
tallies into what staff see.

A reward for a valid report (a report whose decision upheld it, in whole or in part) is one
ledger entry (`reward_entry`) written with its `reward_recorded` event; the ledger lists every
reward newest paid first (`ledger_key`).
"""
from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from .cases import Case, EventType, Kind
from .commands import Command, CommandName
from .decisions import Outcome

C = CommandName


class ReportMark(StrEnum):
    """What staff may say of a report; `none` withdraws the mark it had."""

    UNFOUNDED = "unfounded"  # manifestly unfounded (明显不实)
    MALICIOUS = "malicious"  # malicious or false (恶意举报)
    NONE = "none"


MARKS = (ReportMark.UNFOUNDED.value, ReportMark.MALICIOUS.value)
LISTED_CASES = 20  # per key: the latest marked cases a tally names (its counts cover them all)
REWARDED_OUTCOMES = frozenset({Outcome.UPHELD, Outcome.PARTLY_UPHELD})
MAX_REWARD_FEN = 100_000 * 100  # 100 000 yuan: a typo guard far above any reward paid


@dataclass(frozen=True)
class MarkReport(Command):
    """Mark the report (`mark`: unfounded, malicious, or "" to withdraw), with a reason."""

    mark: str = ""

    name, event, needs_reason = C.MARK_REPORT, EventType.REPORT_MARKED, True

    def details(self, case: Case) -> dict:
        return {"mark": self.mark, "mark_from": case.report_mark}

    def change(self, case: Case) -> None:
        case.report_mark = self.mark

    def refusal(self) -> str:
        if super().refusal():
            return super().refusal()
        return "" if self.mark in ("", *MARKS) else f"{self.name}: no such mark {self.mark!r}"


@dataclass(frozen=True)
class RecordReward(Command):
    """A reward paid for a valid report: `reward` is its ledger entry (`reward_entry`)."""

    reward: dict = field(default_factory=dict)

    name, event = C.RECORD_REWARD, EventType.REWARD_RECORDED

    def details(self, case: Case) -> dict:
        return {key: self.reward.get(key) for key in
                ("reward_id", "amount_fen", "approved_by", "paid_on")}

    def refusal_on(self, case: Case) -> tuple[str, str]:
        # Only a report (举报) is rewarded: `reward_refusal`, which the service asks first (a
        # closed case's kind no longer changes).
        told = case.decision.get("sent") or case.decision.get("record") or {}
        if told.get("outcome") not in REWARDED_OUTCOMES:
            return "not_upheld", "a reward is paid for a report its decision upheld"
        return "", ""


def reward_refusal(case: Case) -> tuple[str, str]:
    """(code, why) when the case is no report at all: rewards are for reports, not complaints."""
    if case.kind != Kind.REPORT:
        return "not_a_report", "rewards are paid for reports (举报), not complaints"
    return "", ""


# -- Keyed hashes of the reporter's contact ----------------------------------------------------

def mark_key(reply_key: bytes) -> bytes:
    """The key of the reporter hashes, derived from the reply-token key for this purpose only (a
    reply token or access code is never a reporter hash, nor the other way round)."""
    return hmac.new(reply_key, b"reporter-mark:key", hashlib.sha256).digest()


def reporter_keys(key: bytes, email: str, phone: str) -> dict[str, str]:
    """{"email": hash, "phone": hash} for the contacts given: the email address trimmed and
    lower-cased, the phone number as given (the caller brings it to E.164). Empty without any."""
    values = {"email": email.strip().lower(), "phone": phone.strip()}
    return {kind: hmac.new(key, f"{kind}:{value}".encode("utf-8", "surrogatepass"),
                           hashlib.sha256).hexdigest()
            for kind, value in values.items() if value}


# -- Tallies per key ------------------------------------------------------------------------------

def tallied(tally: dict | None, number: str, before: str, after: str, at: str) -> dict:
    """A key's tally once case `number` moved from mark `before` to `after` ("" for none) at `at`
    (ISO time): counts by mark, and the latest marked cases, newest first, at most LISTED_CASES.
    The same move again changes nothing, so a repeat cannot count a case twice."""
    tally = tally or {}
    counts = {mark: int(tally.get(mark, 0)) for mark in MARKS}
    cases = [dict(entry) for entry in tally.get("cases", [])]
    # What else the tally keeps (the misuse policy's standing, `misuse.py`) stays as it is.
    kept = {name: value for name, value in tally.items() if name not in (*MARKS, "cases")}
    if before == after:
        return {**kept, **counts, "cases": cases}
    if before in counts:
        counts[before] = max(0, counts[before] - 1)
    cases = [entry for entry in cases if entry["number"] != number]
    if after in counts:
        counts[after] += 1
        cases.insert(0, {"number": number, "mark": after, "at": at})
    return {**kept, **counts, "cases": cases[:LISTED_CASES]}


# What a change of the case does to its reporter's tallies beyond the mark's move (the misuse
# policy, `misuse.py`): given the case as changed and the tallies after the move, by key, the
# tallies to write and the outbox entries to queue, in the same transaction.
Follow = Callable[[Case, dict[str, dict]], tuple[dict[str, dict], list]]


def moved_tallies(case: Case, before: str, read: dict[str, dict | None], at: str,
                  follow: Follow | None = None) -> tuple[dict[str, dict], list]:
    """The tallies of the keys read (`read`, None for a key without one) once the case's mark
    moved from `before` to `case.report_mark` at `at`, then `follow`'s changes: (the tallies,
    by key — those to write are the ones that differ from `read` —, the outbox entries)."""
    after = case.report_mark
    tallies = {key: tallied(tally, case.number, before, after, at) if after != before else tally
               for key, tally in read.items()}
    tallies = {key: tally for key, tally in tallies.items() if tally is not None}
    if follow is None:
        return tallies, []
    return follow(case, tallies)


def reporter_history(tallies: dict[str, dict], number: str, own_mark: str) -> dict:
    """What the reporter's other cases were marked, from the tallies of case `number`'s keys
    ({"email": tally, "phone": tally}; `own_mark` is its own mark, left out): counts by mark,
    the marked cases (newest first) and which contacts matched. A case matched by both contacts
    counts once; past LISTED_CASES per key the counts are the larger key's, at least that many."""
    listed: dict[str, dict] = {}
    for tally in tallies.values():
        for entry in tally.get("cases", []):
            if entry["number"] != number:
                listed.setdefault(entry["number"], dict(entry))
    cases = sorted(listed.values(), key=lambda entry: entry["at"], reverse=True)
    counts = {}
    for mark in MARKS:
        exact = sum(entry["mark"] == mark for entry in cases)
        others = [int(t.get(mark, 0)) - (own_mark == mark) for t in tallies.values()]
        counts[mark] = max([exact, *others])
    matched = [kind for kind, tally in tallies.items()
               if any(int(tally.get(mark, 0)) - (own_mark == mark) > 0 for mark in MARKS)]
    return {**counts, "cases": cases[:LISTED_CASES], "matched_on": sorted(matched)}


# -- The reward ledger ---------------------------------------------------------------------------

def reward_id(staff_id: str, request_id: str) -> str:
    """The ledger entry's id: one per member's request, so their retry finds it again."""
    return hashlib.sha256(f"reward:{staff_id}:{request_id}".encode()).hexdigest()[:32]


def ledger_key(paid_on: str, recorded_at: str, entry_id: str) -> str:
    """The ledger's order, newest first when descending: paid on, recorded at, id. One text, so
    either store pages it by one field (and a period is a range of it)."""
    return f"{paid_on}|{recorded_at}|{entry_id}"


LEDGER_CURSOR = re.compile(r"\d{4}-\d{2}-\d{2}\|[0-9T:.+Z-]{10,40}\|[0-9a-f]{32}")


def reward_entry(entry_id: str, number: str, amount_fen: int, approved_by: str, paid_on: date,
                 recorded_at: str, recorded_by: str, note: str) -> dict:
    """A ledger entry: plain JSON values (a day as YYYY-MM-DD, a time as ISO text)."""
    paid = paid_on.isoformat()
    return {"reward_id": entry_id, "case_number": number, "amount_fen": amount_fen,
            "approved_by": approved_by, "paid_on": paid, "recorded_at": recorded_at,
            "recorded_by": recorded_by, "note": note,
            "ledger_key": ledger_key(paid, recorded_at, entry_id)}


def period_bounds(paid_from: date | None, paid_until: date | None) -> tuple[str, str]:
    """The ledger keys a period of paid days spans: [low, high), "" for an open end."""
    low = paid_from.isoformat() if paid_from else ""
    # The day after the period; after the last day there is (9999-12-31) the end is open.
    high = (date.fromordinal(paid_until.toordinal() + 1).isoformat()
            if paid_until and paid_until < date.max else "")
    return low, high


def recorded_text(moment: datetime) -> str:
    """A recording time as ledger text: UTC to the microsecond, fixed width, so that it orders."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
