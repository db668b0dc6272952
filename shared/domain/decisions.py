"""The decision on a case (R14, issue 9): outcome, measures, facts found, grounds, whether automated
means were used, and a statement of reasons with the fields of EU DSA Art. 17(3), so one record serves
Chinese practice and a platform that also answers to the DSA.

Records are plain dicts (`to_record` / `Decision.from_record`) for the stores; `from_record` checks
everything and raises `InvalidCommand` with field → code errors, so bad input changes nothing.
Amounts are integer fen (1 yuan = 100 fen): no floats near money.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .errors import InvalidCommand
from .severity import Severity
from .typed_text import CONTROL_CHARACTERS


class Outcome(StrEnum):
    UPHELD = "upheld"  # 属实
    PARTLY_UPHELD = "partly_upheld"  # 部分属实
    NOT_UPHELD = "not_upheld"  # 不属实
    NO_VIOLATION_FOUND = "no_violation_found"  # 未发现违规 (a report checked and found clean)
    REFERRED = "referred"  # 移送有关部门处理


class Measure(StrEnum):
    CONTENT_REMOVED = "content_removed"
    ACCOUNT_WARNED = "account_warned"
    ACCOUNT_RESTRICTED = "account_restricted"
    ACCOUNT_SUSPENDED = "account_suspended"
    ACCOUNT_CLOSED = "account_closed"
    REFUND = "refund"
    REPLACEMENT = "replacement"
    REPAIR = "repair"
    COMPENSATION = "compensation"  # the only measure with an amount
    APOLOGY = "apology"
    STAFF_DISCIPLINED = "staff_disciplined"
    CORRECTIVE_ACTION = "corrective_action"  # 纠正措施


# Measures that limit something for a time: DSA Art. 17(3)(a) wants their duration stated.
TIME_BOUND = frozenset({Measure.ACCOUNT_RESTRICTED, Measure.ACCOUNT_SUSPENDED})
# Measures on content or accounts: their territorial scope must be stated (Art. 17(3)(a)).
SCOPED = frozenset({Measure.CONTENT_REMOVED, Measure.ACCOUNT_RESTRICTED, Measure.ACCOUNT_SUSPENDED,
                    Measure.ACCOUNT_CLOSED})

_CONTROL = CONTROL_CHARACTERS  # refused in a statement of reasons (intake strips them)
DEFAULT_LEADER_THRESHOLD_FEN = 500 * 100  # R13: above 500 yuan the general manager approves
MAX_AMOUNT_FEN = 100_000_000 * 100  # a typo guard, far above anything a complaint desk pays
MAX_MEASURES = len(Measure)
MAX_NOTE = 500
MAX_TEXT = 5000
MAX_SHORT = 500

# Statement of reasons (DSA Art. 17(3)): field → (required, longest text).
REASON_FIELDS = {
    "decided": (True, MAX_TEXT),  # what was decided (a)
    "scope": (False, MAX_SHORT),  # territorial scope (a), required for SCOPED measures
    "duration": (False, MAX_SHORT),  # duration (a), required for TIME_BOUND measures
    "facts": (True, MAX_TEXT),  # facts and circumstances relied on (b)
    "automation": (False, MAX_TEXT),  # automated means used (c), required when automated
    "ground": (True, MAX_TEXT),  # legal or contractual ground (d, e)
    "redress": (True, MAX_TEXT),  # redress available (f): review, regulators, courts
}

# The report a closure needs (R9), staff-only: a major case's cause and preventive measures, a hot
# case's short report. Never part of what the person is told (`decision_commands._sent`).
CLOSURE_REPORT_FIELDS = ("cause", "prevention", "summary")
CLOSURE_REPORT_NEEDED = {Severity.MAJOR: ("cause", "prevention"), Severity.HOT: ("summary",)}


@dataclass(frozen=True)
class MeasureTaken:
    measure: Measure
    amount_fen: int | None = None  # compensation only
    note: str = ""


@dataclass(frozen=True)
class StatementOfReasons:
    decided: str
    facts: str
    ground: str
    redress: str
    scope: str = ""
    duration: str = ""
    automation: str = ""


@dataclass(frozen=True)
class ClosureReport:
    """R9: why a major case happened and what prevents it again; a hot case's short report."""

    cause: str = ""
    prevention: str = ""
    summary: str = ""


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    measures: tuple[MeasureTaken, ...]
    facts_found: str
    grounds: str
    automated: bool
    reasons: StatementOfReasons
    closure_report: ClosureReport = ClosureReport()

    @property
    def compensation_fen(self) -> int:
        return sum(m.amount_fen or 0 for m in self.measures if m.measure is Measure.COMPENSATION)

    def to_record(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "measures": [
                {"measure": m.measure.value, "amount_fen": m.amount_fen, "note": m.note}
                for m in self.measures
            ],
            "facts_found": self.facts_found,
            "grounds": self.grounds,
            "automated": self.automated,
            "reasons": {name: getattr(self.reasons, name) for name in REASON_FIELDS},
            # Only when written: a record without one stays as records always were.
            **({"closure_report": vars(self.closure_report).copy()}
               if self.closure_report != ClosureReport() else {}),
        }

    @classmethod
    def from_record(cls, record: Any) -> Decision:
        """A checked decision from a plain dict (staff input or a stored record); raises
        InvalidCommand naming every bad field."""
        errors = validation_errors(record)
        if errors:
            raise InvalidCommand(errors)
        measures = tuple(
            MeasureTaken(Measure(m["measure"]), m.get("amount_fen"), (m.get("note") or "").strip())
            for m in record.get("measures") or ()
        )
        reasons = record["reasons"]
        report = record.get("closure_report") or {}
        return cls(
            outcome=Outcome(record["outcome"]),
            measures=measures,
            facts_found=record["facts_found"].strip(),
            grounds=record["grounds"].strip(),
            automated=record["automated"],
            reasons=StatementOfReasons(**{n: (reasons.get(n) or "").strip() for n in REASON_FIELDS}),
            closure_report=ClosureReport(**{n: (report.get(n) or "").strip()
                                            for n in CLOSURE_REPORT_FIELDS}),
        )


def needs_leader_approval(decision: Decision, threshold_fen: int = DEFAULT_LEADER_THRESHOLD_FEN) -> bool:
    """R13: compensation above the threshold (exactly the threshold does not) needs a leader."""
    return decision.compensation_fen > threshold_fen


def validation_errors(record: Any) -> dict[str, str]:
    """Field → error code for a decision given as a plain dict; empty when it is acceptable."""
    if not isinstance(record, dict):
        return {"decision": "invalid"}
    errors: dict[str, str] = {}
    if record.get("outcome") in (None, ""):
        errors["outcome"] = "required"
    elif not _is_value(record["outcome"], Outcome):
        errors["outcome"] = "invalid"
    measures = _check_measures(record.get("measures"), errors)
    _check_text(record.get("facts_found"), "facts_found", True, MAX_TEXT, errors)
    _check_text(record.get("grounds"), "grounds", True, MAX_TEXT, errors)
    automated = record.get("automated")
    if not isinstance(automated, bool):
        errors["automated"] = "required" if automated is None else "invalid"
    _check_reasons(record.get("reasons"), measures, automated is True, errors)
    _check_closure_report(record.get("closure_report"), errors)
    return errors


def missing_closure_report(record: dict, severity: Severity) -> tuple[str, ...]:
    """The closure report's fields a decision record lacks for a case of `severity` (R9)."""
    report = record.get("closure_report") or {}
    return tuple(name for name in CLOSURE_REPORT_NEEDED.get(severity, ())
                 if not (report.get(name) or "").strip())


def _check_closure_report(value: Any, errors: dict[str, str]) -> None:
    if value is None:
        return
    if not isinstance(value, dict) or set(value) - set(CLOSURE_REPORT_FIELDS):
        errors["closure_report"] = "invalid"
        return
    for name in CLOSURE_REPORT_FIELDS:
        _check_text(value.get(name), f"closure_report.{name}", False, MAX_TEXT, errors)


def _is_value(value: Any, enum: type[StrEnum]) -> bool:
    # a list or dict from JSON is unhashable: check the type before looking it up
    return isinstance(value, str) and value in {member.value for member in enum}


def _check_measures(value: Any, errors: dict[str, str]) -> set[Measure]:
    if value is None:
        return set()
    if not isinstance(value, list):
        errors["measures"] = "invalid"
        return set()
    if len(value) > MAX_MEASURES:
        errors["measures"] = "too_many"
        return set()
    seen: set[Measure] = set()
    for i, item in enumerate(value):
        field = f"measures.{i}"
        if not isinstance(item, dict) or not _is_value(item.get("measure"), Measure):
            errors[f"{field}.measure"] = "invalid"
            continue
        measure = Measure(item["measure"])
        if measure in seen:
            errors[f"{field}.measure"] = "duplicate"
        seen.add(measure)
        _check_amount(measure, item.get("amount_fen"), f"{field}.amount_fen", errors)
        _check_text(item.get("note"), f"{field}.note", False, MAX_NOTE, errors)
    return seen


def _check_amount(measure: Measure, amount: Any, field: str, errors: dict[str, str]) -> None:
    if measure is not Measure.COMPENSATION:
        if amount is not None:
            errors[field] = "not_allowed"
        return
    if amount is None:
        errors[field] = "required"
    elif isinstance(amount, bool) or not isinstance(amount, int):  # bool is an int; 1.5 is not fen
        errors[field] = "invalid"
    elif amount <= 0:
        errors[field] = "too_small"
    elif amount > MAX_AMOUNT_FEN:
        errors[field] = "too_large"


def _check_reasons(value: Any, measures: set[Measure], automated: bool, errors: dict[str, str]) -> None:
    if value is None:
        errors["reasons"] = "required"
        return
    if not isinstance(value, dict):
        errors["reasons"] = "invalid"
        return
    for name, (required, longest) in REASON_FIELDS.items():
        needed = (
            required
            or (name == "scope" and bool(measures & SCOPED))
            or (name == "duration" and bool(measures & TIME_BOUND))
            or (name == "automation" and automated)
        )
        _check_text(value.get(name), f"reasons.{name}", needed, longest, errors)


def _check_text(value: Any, field: str, required: bool, longest: int, errors: dict[str, str]) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[field] = "required"
    elif not isinstance(value, str) or _CONTROL.search(value):
        errors[field] = "invalid"  # a control character would break the mail it is told in
    elif len(value.strip()) > longest:
        errors[field] = "too_long"


def format_yuan(fen: int) -> str:
    """500.00 for 50000 fen: how an amount is shown to people."""
    return f"{fen // 100}.{fen % 100:02d}"
