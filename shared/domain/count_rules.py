"""R8's count rules: three or more complaints about the same matter from different people within
30 days make each of them at least hot and link them to each other; a collective complaint of
3 or more people is hot, of 10 or more major (its size is a flag, `case_flags.py`).

The matter is a key on the case (`case.matter`, `matters.py`): the respondent's name, account or
address as registration was given it, normalised (`matter_key`), or one staff set by hand when
they judge cases to be about one matter (`SetMatter`). People are told apart by keyed hashes of the
reporter's email address and phone number (`report_marks.reporter_keys`): two cases sharing
either are one person's. An anonymous case, and one without a contact, counts as a person of
its own, never linked to anybody (R20).

`same_matter_group` says which cases of one matter a case forms a group with: every case of
the matter (not rejected) inside some 30-day span that holds the case and 3+ people. `join`
brings one case in step with its group, in that case's own transaction: the links it lacks
(one `cases_linked` event) and, once per matter (a claim on the case, `sweep_rules.claim`), the
rise to hot (one `severity_set` event naming the rule), never lowering a severity. Joining
again changes nothing, so a rule run twice, or finished by the sweep after a crash, acts once.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from .case_flags import HOT_COLLECTIVE, MAJOR_COLLECTIVE, CaseFlags, Litigation, MediaExposure
from .cases import SYSTEM, Case, EventType, Severity, Status, TimelineEvent
from .commands import SetSeverity
from .lifecycle import OPEN_STATUSES, apply
from .sweep_rules import claim

SAME_MATTER_WINDOW = timedelta(days=30)  # R8: "within a month", counted as thirty days
SAME_MATTER_PEOPLE = 3  # R8: three or more complaints from different people
MAX_LINKED = 50  # links kept per case: the case document stays bounded
RULE_SAME_MATTER = "R8 3+ complaints about the same matter from different people within 30 days"
CLAIM_PREFIX = "same_matter_hot:"


def claim_key(matter: str) -> str:
    """The claim that the case was raised for this matter: a short digest (claims are few)."""
    return CLAIM_PREFIX + hashlib.sha256(matter.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class RaiseSeverity(SetSeverity):
    """A rule of R8 raising the severity (the system's count rule, or the flags staff set); the
    event names the rule, and the matter for the count rule."""

    rule: str = ""
    matter: str = ""

    def details(self, case: Case) -> dict:
        return {**super().details(case), "rule": self.rule,
                **({"matter": self.matter} if self.matter else {})}


def await_links(case: Case, now: datetime) -> None:
    """The count rule must still run for the case's matter: the sweep looks at it now, and
    finishes the rule if the request that set the matter did not (`MatterLinks.settle`)."""
    case.links_pending = bool(case.matter)
    if case.links_pending and (case.next_due_at is None or case.next_due_at > now):
        case.next_due_at = now


# -- the group -----------------------------------------------------------------------------------

def counted(case: Case) -> bool:
    """Whether the case counts as a complaint about its matter: a rejected one does not."""
    return bool(case.matter) and case.status != Status.REJECTED


def people_of(cases: Iterable[Case], keys: Mapping[str, Iterable[str]]) -> int:
    """How many different people filed `cases`: cases sharing any key (`keys[number]`) are one
    person's; a case without keys is a person of its own."""
    owner: dict[str, str] = {}  # key → a case number standing for its person

    def root(number: str) -> str:
        while parent.get(number, number) != number:
            number = parent[number]
        return number

    parent: dict[str, str] = {}
    numbers = []
    for case in cases:
        numbers.append(case.number)
        parent.setdefault(case.number, case.number)
        for key in keys.get(case.number, ()):
            if key in owner:
                parent[root(case.number)] = root(owner[key])
            else:
                owner[key] = case.number
    return len({root(number) for number in numbers})


def same_matter_group(case: Case, found: Iterable[Case],
                      keys: Mapping[str, Iterable[str]]) -> list[Case]:
    """The cases (of `found`, `case` among them) that form a group with `case`: those of its
    matter inside a span of SAME_MATTER_WINDOW that holds `case` and cases of at least
    SAME_MATTER_PEOPLE different people; oldest first, [] when there is no such span."""
    if not counted(case):
        return []
    same = {c.number: c for c in found if counted(c) and c.matter == case.matter}
    same[case.number] = case
    ordered = sorted(same.values(), key=lambda c: (c.received_at, c.number))
    at = case.received_at
    group: dict[str, Case] = {}
    for start in ordered:
        if not at - SAME_MATTER_WINDOW <= start.received_at <= at:
            continue
        span = [c for c in ordered
                if start.received_at <= c.received_at <= start.received_at + SAME_MATTER_WINDOW]
        if people_of(span, keys) >= SAME_MATTER_PEOPLE:
            group.update((c.number, c) for c in span)
    return [c for c in ordered if c.number in group]


# -- one case joining its group --------------------------------------------------------------------

def _missing_links(case: Case, numbers: list[str]) -> list[str]:
    missing = [n for n in numbers if n != case.number and n not in case.linked_cases]
    return missing[:max(0, MAX_LINKED - len(case.linked_cases))]


def _to_raise(case: Case, matter: str) -> bool:
    """Whether the rule still has to look at the severity (once per matter, while open)."""
    return case.status in OPEN_STATUSES and claim_key(matter) not in case.sweep_claims


def joins(case: Case, numbers: list[str], matter: str) -> bool:
    """Whether `join` would change the case (read outside a transaction: skip the write)."""
    if case.matter != matter or case.status == Status.ARCHIVED or case.number not in numbers:
        return False
    return bool(_missing_links(case, numbers)) or _to_raise(case, matter)


def join(case: Case, numbers: list[str], matter: str, now: datetime) -> bool:
    """Bring the case in step with its group (`numbers`, the group's case numbers, for the
    `matter` the group was found for): link it to the members it lacks, and raise it to hot
    once, unless it is hot or major already. Nothing when the case's matter changed meanwhile,
    it is archived (a record, R18) or no member. Whether it changed."""
    if not joins(case, numbers, matter):
        return False
    missing = _missing_links(case, numbers)
    if missing:
        case.linked_cases = [*case.linked_cases, *missing]
        case.record(TimelineEvent(EventType.CASES_LINKED, now, text=RULE_SAME_MATTER,
                                  actor=SYSTEM, data={"rule": RULE_SAME_MATTER,
                                                      "matter": matter, "linked": missing}))
    if _to_raise(case, matter):
        if case.severity.rank < Severity.HOT.rank:
            apply(case, RaiseSeverity(SYSTEM, RULE_SAME_MATTER, severity=Severity.HOT,
                                      rule=RULE_SAME_MATTER, matter=matter), now)
        claim(case, [claim_key(matter)])  # hot or major already: never raised again for it
    return True


# -- the collective complaint and the other flags ------------------------------------------------

def flag_rules(flags: CaseFlags, severity: Severity) -> str:
    """The rules of R8 by which `flags` give `severity` (for the event that raises it)."""
    rules = {
        Severity.MAJOR: [(flags.litigation == Litigation.STARTED, "R8 litigation started"),
                         (flags.media_exposure == MediaExposure.EXPOSED, "R8 exposed by the media"),
                         (flags.collective_size >= MAJOR_COLLECTIVE,
                          f"R8 collective complaint of {MAJOR_COLLECTIVE}+ people")],
        Severity.HOT: [(flags.litigation == Litigation.LIKELY, "R8 litigation likely"),
                       (flags.media_exposure == MediaExposure.LIKELY, "R8 media exposure likely"),
                       (flags.collective_size >= HOT_COLLECTIVE,
                        f"R8 collective complaint of {HOT_COLLECTIVE}+ people")],
        Severity.IMPORTANT: [(flags.needs_outside_support, "R8 needs outside support"),
                             (flags.repeat_complaint, "R8 a second complaint after the first "
                                                      "was handled")],
    }.get(severity, [])
    return "; ".join(rule for holds, rule in rules if holds)
