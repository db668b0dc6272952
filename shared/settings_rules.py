"""What each setting accepts: how a `CD_*` value is read, and which values make sense. Used by
shared/settings.py (the only reader of the environment)."""
from __future__ import annotations

import math
import re
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.domain.cases import Kind
from shared.domain.form_limits import FORM_TEXT_ALLOWANCE, body_limit

KINDS = tuple(kind.value for kind in Kind)
# Choices are matched without regard to case (`Firestore` is firestore) and stored as written here.
CHOICES: dict[str, tuple[str, ...]] = {
    "case_store": ("sqlite", "firestore"),
    "sqlite_synchronous": ("full", "normal"),  # sqlite_writers.SYNCHRONOUS
    "mail_transport": ("smtp", "ses"),
    "attachment_store": ("folder", "gcs"),
    "email_default_kind": KINDS,
    "anonymous_kinds": KINDS,
    "default_language": ("zh-CN", "en"),  # the languages of templates/i18n
    "staff_identity": ("local", "iap"),
    "statistics_bulletin": ("monthly", "weekly", "both", "off"),  # bulletin_mail.SCHEDULES
    "reply_approval_waived_for": ("clerk", "handler", "supervisor", "leader", "auditor", "admin"),
}
# The smallest value that makes sense; a limit of 0 would switch a channel or a rule off unseen.
MINIMUMS: dict[str, int] = {
    "max_attachments": 1, "max_attachment_bytes": 1, "submissions_per_client_per_hour": 1,
    "lookup_attempts_per_client": 1, "lookup_attempts_per_case": 1, "delivery_max_attempts": 1,
    "acknowledgments_per_sender_per_hour": 1, "max_message_bytes": 1024, "trusted_proxies": 0,
    "compensation_leader_threshold_yuan": 0, "appeal_window_months": 6,  # DSA Art. 20: six at least
    "follow_up_link_days": 1, "local_delivery_workers": 1, "max_attachments_total_bytes": 0,
    "platform_request_cap_bytes": 0, "challenge_after_submissions": 0, "misuse_warn_after": 0,
    "misuse_hold_after": 2, "misuse_window_days": 1, "misuse_hold_days": 1,
    "identity_retention_days": 1,
}
MAX_LINK_DAYS = 3650  # a rating link valid longer is a typo (and past what a date can hold)
PORTS = ("smtp_port", "local_http_port", "local_inbound_smtp_port")
REQUIRED = ("firestore_project", "firestore_database", "smtp_host", "ses_region", "platform_name",
            "mail_from", "mail_domain", "timezone", "local_http_host", "local_inbound_smtp_host")
ADDRESSES = ("mail_from", "report_address", "sweep_invoker")
SECRETS = ("reply_token_key",)
URLS = ("status_url", "form_url", "public_pages_url")  # public pages, in links we publish
PUBLISHED_TEXTS = {"public_phone": 40, "public_office_address": 200}  # printed in the policy
FLAGS = {"1": True, "true": True, "yes": True, "on": True,
         "0": False, "false": False, "no": False, "off": False}
DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d)?\s*$", re.IGNORECASE)
UNITS = {"": 1, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


class ConfigurationError(ValueError):
    """Settings that make no sense; `problems` has one line per bad variable."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("configuration refused:\n  " + "\n  ".join(self.problems))


def variable(name: str) -> str:
    return f"CD_{name.upper()}"


def parse_value(name: str, type_name: str, raw: str):
    """The typed value of `CD_<NAME>`; ValueError naming the variable and what it accepts."""
    shown = "(hidden)" if name in SECRETS else repr(raw)

    def refuse(accepted: str):
        return ValueError(f"{variable(name)}={shown}: {accepted}")

    text = raw.strip()
    if type_name == "bool":
        if text.lower() not in FLAGS:
            raise refuse("must be true or false (also 1/0, yes/no, on/off)")
        return FLAGS[text.lower()]
    if type_name == "int":
        try:
            return int(text)
        except ValueError:
            raise refuse("must be a whole number") from None
    if type_name == "float":
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise refuse("must be a number of seconds, like 1.0")
        return number
    if type_name == "timedelta":
        match = DURATION.match(text)
        if not match:
            raise refuse("must be a duration in seconds, or with a unit: 900, 15m, 24h, 2d")
        return timedelta(seconds=float(match[1]) * UNITS[(match[2] or "").lower()])
    if type_name == "Path | None":
        return Path(text) if text else None
    if type_name == "Path":
        if not text:
            raise refuse("must be a path")
        return Path(text)
    if type_name == "frozenset[str]":
        return frozenset(_choice(name, part, refuse) for part in text.split(",") if part.strip())
    if name in CHOICES:
        return _choice(name, text, refuse)
    return raw


def _choice(name: str, text: str, refuse) -> str:
    allowed = {choice.lower(): choice for choice in CHOICES[name]}
    if text.strip().lower() not in allowed:
        each = "each (comma-separated) " if name in ("anonymous_kinds",
                                                     "reply_approval_waived_for") else ""
        raise refuse(f"{each}must be {_one_of(CHOICES[name])}")
    return allowed[text.strip().lower()]


def _one_of(choices) -> str:
    return "one of " + ", ".join(choices) if len(choices) > 2 else " or ".join(choices)


def field_problem(name: str, value) -> str | None:
    """Why `value` makes no sense for the setting `name`, or None."""
    var = variable(name)
    if name in CHOICES:
        members = value if isinstance(value, frozenset) else {value}
        if not members <= set(CHOICES[name]):
            return f"{var}={sorted(members)!r}: must be {_one_of(CHOICES[name])}"
    if name in MINIMUMS and value < MINIMUMS[name]:
        return f"{var}={value}: must be at least {MINIMUMS[name]}"
    if name in ("follow_up_link_days", "identity_retention_days") and value > MAX_LINK_DAYS:
        return f"{var}={value}: must be at most {MAX_LINK_DAYS} (ten years)"
    if name in PORTS and not 1 <= value <= 65535:
        return f"{var}={value}: must be a port number from 1 to 65535"
    if isinstance(value, timedelta) and value <= timedelta(0):
        return f"{var}: must be a duration longer than zero"
    if name == "reminder_at_fraction" and not 0 < value < 1:
        return f"{var}={value}: must be a fraction between 0 and 1, like 0.2"
    if isinstance(value, float) and not value > 0:
        return f"{var}={value}: must be more than zero seconds"
    if name in REQUIRED and not value.strip():
        return f"{var}: must not be empty"
    if name in ADDRESSES and value and not _looks_like_address(value):
        return f"{var}={value!r}: must be an email address, like report@example.com"
    if name in (*URLS, "console_url") and value and not value.startswith(("https://", "http://")):
        return f"{var}={value!r}: must be an http:// or https:// URL"
    if name in PUBLISHED_TEXTS and (len(value) > PUBLISHED_TEXTS[name]
                                    or any(ord(c) < 32 or 0x202a <= ord(c) <= 0x202e for c in value)):
        return f"{var}: at most {PUBLISHED_TEXTS[name]} characters on one line"
    if name == "policy_effective_from" and value and not _is_date(value):
        return f"{var}={value!r}: must be a date, like 2026-12-01"
    if name == "sweep_audience" and value and not value.startswith("https://"):
        return f"{var}={value!r}: must be the function's https:// URL"
    if name == "timezone" and value.strip():
        return _timezone_problem(var, value)
    if name == "working_hours":
        return _working_hours_problem(var, value)
    return None


def combination_problems(settings) -> list[str]:
    """Why settings that are each fine make no sense together."""
    problems = []
    if settings.staff_identity == "iap" and not settings.iap_audience.strip():
        # Without it google-auth would skip the audience check: an assertion IAP signed for any
        # other service would let its users in here.
        problems.append("CD_IAP_AUDIENCE: must be set when CD_STAFF_IDENTITY=iap (the protected "
                        "service's audience, like /projects/NUMBER/global/backendServices/ID)")
    problems += _platform_cap_problems(settings)
    problems += _misuse_problems(settings)
    return problems


def _misuse_problems(settings) -> list[str]:
    """The misuse policy's thresholds: a warning before a hold, both within what a tally lists."""
    from shared.domain.report_marks import LISTED_CASES

    warn, hold = settings.misuse_warn_after, settings.misuse_hold_after
    problems = []
    if warn and not warn < hold <= LISTED_CASES:
        problems.append(f"CD_MISUSE_HOLD_AFTER={hold}: must be above CD_MISUSE_WARN_AFTER={warn} "
                        f"(a hold comes after a warning) and at most {LISTED_CASES}")
    for name, most in (("misuse_window_days", 3650), ("misuse_hold_days", 365)):
        if getattr(settings, name) > most:
            problems.append(f"{variable(name)}={getattr(settings, name)}: must be at most {most}")
    return problems


def _platform_cap_problems(settings) -> list[str]:
    """A form whose largest post the platform refuses fails before our code runs, with the
    platform's error page instead of ours: the files' limits must fit under its cap."""
    cap = settings.platform_request_cap_bytes
    largest = body_limit(settings.max_attachments, settings.max_attachment_bytes,
                         settings.max_attachments_total_bytes)
    if not cap or largest <= cap:
        return []
    return [f"CD_PLATFORM_REQUEST_CAP_BYTES={cap}: the form's largest post is {largest} bytes "
            f"({settings.max_attachments} files x {settings.max_attachment_bytes} bytes"
            + (f", at most {settings.max_attachments_total_bytes} together"
               if settings.max_attachments_total_bytes else "")
            + f", plus {FORM_TEXT_ALLOWANCE} for the texts); set CD_MAX_ATTACHMENTS_TOTAL_BYTES "
            f"to at most {cap - FORM_TEXT_ALLOWANCE}, or lower CD_MAX_ATTACHMENTS or "
            "CD_MAX_ATTACHMENT_BYTES"]


def _is_date(value: str) -> bool:
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and bool(date.fromisoformat(value))
    except ValueError:
        return False


def _looks_like_address(value: str) -> bool:
    local, at, domain = value.rpartition("@")
    return bool(at and local and "." in domain and not re.search(r"[\s<>,;]", value))


def _working_hours_problem(var: str, value: str) -> str | None:
    from shared.domain.working_time import WorkingHours

    try:
        WorkingHours.parse(value, "UTC")
    except ValueError:
        return f"{var}={value!r}: must be opening-closing hours, like 09:00-18:00"
    return None


def _timezone_problem(var: str, value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return f"{var}={value!r}: must be an IANA time zone, like Asia/Shanghai or UTC"
    return None
