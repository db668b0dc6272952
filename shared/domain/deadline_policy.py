"""The clocks (R5, R6, R13, R16, R17): one versioned data file, `deadline_policy.json` next to this
module, so the receipt page, every email and the handling policy page count from the same numbers
and a change is one reviewed edit.

- initial review: `hours` (24) from receipt, counted from the next working moment;
- first contact with the complainant: `working_hours` (4);
- decision: `working_days` (15) from acceptance; `rules` give other numbers by kind, category
  and severity — the first rule whose every given field matches wins, e.g.
  {"kind": "complaint", "severity": "major", "working_days": 10};
  `pause_while_awaiting_reporter` (true) stops the decision clock while the case waits for the
  reporter's answer (`decision_clock.py`);
- compensation cases: `working_days` (10) from when all materials are in;
- appeal window: `months` after the closure notice; follow-up: `days` after closure.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from importlib import resources

from .cases import Kind, Severity
from .categories import is_valid_category
from .decision_clock import DecisionClock
from .working_time import (
    Deadline,
    WorkingCalendar,
    add_working_days,
    initial_review_due,
)

POLICY_FILE = "deadline_policy.json"
_LIMIT = 366  # no clock of this policy is longer than a year


class PolicyInvalid(ValueError):
    """The policy file cannot be used; the message says where it is wrong."""


@dataclass(frozen=True)
class DecisionRule:
    """Decide within `working_days` the cases matching every field given ("" matches any)."""

    working_days: int
    kind: str = ""
    category: str = ""
    severity: str = ""

    def matches(self, kind: str, category: str, severity: str) -> bool:
        return all(not want or want == have for want, have in
                   ((self.kind, kind), (self.category, category), (self.severity, severity)))


@dataclass(frozen=True)
class DeadlinePolicy:
    initial_review: timedelta = timedelta(hours=24)
    first_contact_working_hours: int = 4
    decision_working_days: int = 15
    decision_rules: tuple[DecisionRule, ...] = ()
    compensation_working_days: int = 10
    appeal_window_months: int = 6
    follow_up_days: int = 30
    pause_while_awaiting_reporter: bool = True

    def decision_days(self, kind: str, category: str, severity: str) -> int:
        """Working days to decide a case of this kind, category and severity."""
        for rule in self.decision_rules:
            if rule.matches(kind, category, severity):
                return rule.working_days
        return self.decision_working_days

    def decision_due(self, calendar: WorkingCalendar, kind: str, category: str, severity: str,
                     accepted_at: datetime) -> Deadline:
        """When the decision on a case accepted at `accepted_at` is due (R13)."""
        return add_working_days(calendar, accepted_at, self.decision_days(kind, category, severity))

    def with_initial_review(self, within: timedelta) -> DeadlinePolicy:
        return replace(self, initial_review=within)


def load_deadline_policy(text: str | None = None) -> DeadlinePolicy:
    """The policy in `text` (JSON), or the file shipped with the code; raises PolicyInvalid."""
    if text is None:
        text = resources.files(__package__).joinpath(POLICY_FILE).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError as error:
        raise PolicyInvalid(f"not JSON: {error}") from None
    if not isinstance(data, Mapping) or data.get("version") != 1:
        raise PolicyInvalid("the policy must be an object with \"version\": 1")
    unknown = set(data) - {"version", "initial_review", "first_contact", "decision", "compensation",
                           "appeal_window", "follow_up"}
    if unknown:
        raise PolicyInvalid(f"unknown sections: {', '.join(sorted(unknown))}")
    decision = _section(data, "decision")
    return DeadlinePolicy(
        initial_review=timedelta(hours=_count(data, "initial_review", "hours", 24 * _LIMIT)),
        first_contact_working_hours=_count(data, "first_contact", "working_hours", 9 * _LIMIT),
        decision_working_days=_count(data, "decision", "working_days", _LIMIT),
        decision_rules=tuple(_rule(i, rule) for i, rule in enumerate(decision.get("rules", []))),
        compensation_working_days=_count(data, "compensation", "working_days", _LIMIT),
        appeal_window_months=_count(data, "appeal_window", "months", 120),
        follow_up_days=_count(data, "follow_up", "days", _LIMIT),
        pause_while_awaiting_reporter=_flag(decision, "decision", "pause_while_awaiting_reporter"))


def _flag(section: Mapping, name: str, key: str, default: bool = True) -> bool:
    value = section.get(key, default)
    if type(value) is not bool:
        raise PolicyInvalid(f"{name}.{key}: true or false, not {value!r}")
    return value


def _section(data: Mapping, name: str) -> Mapping:
    section = data.get(name)
    if not isinstance(section, Mapping):
        raise PolicyInvalid(f"{name}: missing or not an object")
    return section


def _count(data: Mapping, name: str, key: str, most: int) -> int:
    value = _section(data, name).get(key)
    return _whole(f"{name}.{key}", value, most)


def _whole(where: str, value, most: int) -> int:
    if type(value) is not int or not 0 < value <= most:
        raise PolicyInvalid(f"{where}: a whole number from 1 to {most}, not {value!r}")
    return value


def _rule(index: int, rule) -> DecisionRule:
    where = f"decision.rules[{index}]"
    if not isinstance(rule, Mapping) or set(rule) - {"kind", "category", "severity", "working_days"}:
        raise PolicyInvalid(f"{where}: kind, category, severity and working_days only")
    kind, category, severity = (rule.get(key, "") for key in ("kind", "category", "severity"))
    if kind and kind not in {k.value for k in Kind}:
        raise PolicyInvalid(f"{where}: unknown kind {kind!r}")
    if severity and severity not in {s.value for s in Severity}:
        raise PolicyInvalid(f"{where}: unknown severity {severity!r}")
    if category and not (kind and is_valid_category(Kind(kind), category)):
        raise PolicyInvalid(f"{where}: category {category!r} is not one of kind {kind!r}")
    return DecisionRule(_whole(f"{where}.working_days", rule.get("working_days"), _LIMIT),
                        kind, category, severity)


@dataclass(frozen=True)
class Deadlines:
    """The policy counted on the platform's calendar: what services ask for a deadline."""

    calendar: WorkingCalendar
    policy: DeadlinePolicy = DeadlinePolicy()

    def initial_review(self, received: datetime) -> Deadline:
        return initial_review_due(self.calendar, received, self.policy.initial_review)

    def decision(self, kind: str, category: str, severity: str, accepted_at: datetime) -> Deadline:
        return self.policy.decision_due(self.calendar, kind, category, severity, accepted_at)

    @property
    def decision_clock(self) -> DecisionClock:
        """How the decision clock pauses for the reporter's answer, on this calendar."""
        return DecisionClock(self.calendar, self.policy.pause_while_awaiting_reporter)

    def compensation(self, materials_complete: datetime) -> Deadline:
        """A compensation claim's decision: its working days from when all materials are in."""
        return add_working_days(self.calendar, materials_complete,
                                self.policy.compensation_working_days)
