"""The handling policy the platform publishes (用户举报和投诉处理制度, R22), as facts gathered from what
the system really does: the channels and limits of the settings, the clocks of
`deadline_policy.json`, the outside remedies of `remedies.json` and the rules' own constants (R8's
thresholds, R9's bulletins, the extension). Templates only word these facts; no number of days is
typed in a template, so the document filed for ICP registration cannot drift from the code.

`PublishedPolicy.version` is a digest of every fact: any change of a setting or a policy file gives
the document a new version, so an operator sees at once that the copy they filed is out of date.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from .case_flags import HOT_COLLECTIVE, MAJOR_COLLECTIVE
from .cases import Kind
from .categories import CATEGORIES, HARMFUL_INFORMATION
from .count_rules import SAME_MATTER_PEOPLE, SAME_MATTER_WINDOW
from .deadline_policy import DeadlinePolicy
from .extensions import MAX_EXTENSION_WORKING_DAYS
from .major_cases import BULLETIN_EVERY
from .remedies import LANGUAGES, remedy_list
from .sweep_rules import HOT_AFTER, MAJOR_AFTER


@dataclass(frozen=True)
class Channels:
    """Where the public reaches the platform (R1): the form, the status page, the report address,
    and, when the operator publishes them, a telephone line and an address for letters and visits."""

    form_url: str
    status_url: str
    report_address: str
    phone: str = ""
    office_address: str = ""


@dataclass(frozen=True)
class PolicyRules:
    """What the settings decide besides the channels (built by the bootstrap from `Settings`)."""

    platform_name: str
    anonymous_kinds: tuple[str, ...]
    max_attachments: int
    max_attachment_mb: int
    working_hours: str
    timezone: str
    appeal_window_months: int
    rating_link_days: int
    leader_threshold_yuan: int
    rewards_offered: bool
    effective_from: str = ""  # YYYY-MM-DD; empty: from the day it is published
    transparency_url: str = ""
    identity_retention_days: int = 365  # the reporter's identity is purged after archiving


@dataclass(frozen=True)
class DecisionLimit:
    """A decision time limit other than the default, for cases matching every field given."""

    working_days: int
    kind: str = ""
    category: str = ""
    severity: str = ""


@dataclass(frozen=True)
class TimeLimits:
    initial_review_hours: int
    first_contact_working_hours: int
    decision_working_days: int
    decision_limits: tuple[DecisionLimit, ...]
    pause_while_awaiting_reporter: bool
    extension_max_working_days: int
    compensation_working_days: int


@dataclass(frozen=True)
class SeverityRules:
    """R8's thresholds as the code applies them."""

    major_collective: int = MAJOR_COLLECTIVE
    hot_collective: int = HOT_COLLECTIVE
    same_matter_people: int = SAME_MATTER_PEOPLE
    same_matter_days: int = SAME_MATTER_WINDOW.days
    hot_after_days: int = HOT_AFTER.days
    major_after_days: int = MAJOR_AFTER.days
    bulletin_every_days: int = BULLETIN_EVERY.days  # R9: a major case's progress bulletin


@dataclass(frozen=True)
class OutsideRemedy:
    id: str
    name: dict  # language → text
    description: dict
    url: str | None
    phone: str | None
    complaint: tuple[str, ...]  # the categories it is told for; ("*",) for every one
    report: tuple[str, ...]

    @property
    def for_every_case(self) -> bool:
        return self.complaint == ("*",) and self.report == ("*",)

    @property
    def categories(self) -> tuple[str, ...]:
        """The categories it is told for, of either kind, each once (a kind's "*": every one of
        that kind's categories)."""
        listed = [code for kind, codes in ((Kind.COMPLAINT, self.complaint),
                                           (Kind.REPORT, self.report))
                  for code in (CATEGORIES[kind] if codes == ("*",) else codes)]
        return tuple(dict.fromkeys(listed))


@dataclass(frozen=True)
class PublishedPolicy:
    channels: Channels
    rules: PolicyRules
    limits: TimeLimits
    severity: SeverityRules
    remedies: tuple[OutsideRemedy, ...]
    remedies_version: int
    categories: dict = field(default_factory=dict)  # kind → its categories, in the form's order
    harmful_information: tuple[str, ...] = HARMFUL_INFORMATION

    @property
    def version(self) -> str:
        """12 hex digits of the SHA-256 of every fact: changes whenever the policy says
        something else."""
        facts = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, default=list)
        return hashlib.sha256(facts.encode("utf-8")).hexdigest()[:12]


def published_policy(channels: Channels, rules: PolicyRules,
                     deadlines: DeadlinePolicy) -> PublishedPolicy:
    """The policy as the system applies it: the deadlines as loaded (with any operator override
    of the initial review), the remedies file as shipped."""
    limits = TimeLimits(
        initial_review_hours=round(deadlines.initial_review.total_seconds() / 3600),
        first_contact_working_hours=deadlines.first_contact_working_hours,
        decision_working_days=deadlines.decision_working_days,
        decision_limits=tuple(DecisionLimit(r.working_days, r.kind, r.category, r.severity)
                              for r in deadlines.decision_rules),
        pause_while_awaiting_reporter=deadlines.pause_while_awaiting_reporter,
        extension_max_working_days=MAX_EXTENSION_WORKING_DAYS,
        compensation_working_days=deadlines.compensation_working_days)
    listed = remedy_list()
    return PublishedPolicy(
        channels=channels, rules=rules, limits=limits, severity=SeverityRules(),
        remedies=tuple(_remedy(entry) for entry in listed.entries),
        remedies_version=listed.version,
        categories={kind.value: CATEGORIES[kind] for kind in Kind})


def _remedy(entry: dict) -> OutsideRemedy:
    applies = entry["applies_to"]

    def told_for(kind: str) -> tuple[str, ...]:
        value = applies.get(kind, ())
        return ("*",) if value == "*" else tuple(value)

    return OutsideRemedy(entry["id"], {lang: entry["name"][lang] for lang in LANGUAGES},
                         {lang: entry["description"][lang] for lang in LANGUAGES},
                         entry.get("url"), entry.get("phone"),
                         told_for(Kind.COMPLAINT.value), told_for(Kind.REPORT.value))
