"""The fields of an offline registration as the staff API passes them (JSON values), read one by
one into what `OfflineRegistration` registers, each bad one named in `errors` with an error code
(the caller raises InvalidCommand with all of them)."""
from __future__ import annotations

from shared.domain.cases import Channel

from .submissions import clean_text, is_blank

REFERRAL_SOURCES = ("12377", "12321", "other")  # 12377: illegal and harmful information; 12321: spam
REFERRAL_LIMITS = {"name": 100, "reference": 100}


def read_text(value, name: str, errors: dict) -> str:
    """Text as the form cleans it (blank is empty); anything but a string is refused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = "invalid_type"
        return ""
    text = clean_text(value)
    return "" if is_blank(text) else text


def read_flag(value, name: str, errors: dict) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        errors[name] = "invalid_type"
        return False
    return value


def read_choice(value, choices: tuple, name: str, errors: dict):
    """The choice `value` names (an enum member where the choices are), else None and an error."""
    for choice in choices:
        if isinstance(value, str) and value == str(choice):
            return choice
    errors[name] = "required" if value in (None, "") else "invalid_choice"
    return None


def read_referral(value, channel, errors: dict) -> dict:
    """A regulator's referral: its source, the source's name when it is another, and their
    reference (both required). Only for the referral channel."""
    if channel is not Channel.REFERRAL:
        if value not in (None, {}):
            errors["referral"] = "only_for_referrals"
        return {}
    if not isinstance(value, dict):
        errors["referral"] = "required" if value is None else "invalid_type"
        return {}
    for name in value:
        if name not in {"source", "name", "reference"}:
            errors[f"referral.{name}"] = "unknown_field"
    source = read_choice(value.get("source"), REFERRAL_SOURCES, "referral.source", errors)
    texts = {name: read_text(value.get(name), f"referral.{name}", errors) for name in REFERRAL_LIMITS}
    for name, limit in REFERRAL_LIMITS.items():
        if len(texts[name]) > limit:
            errors[f"referral.{name}"] = "too_long"
        elif not texts[name] and (name == "reference" or source == "other"):
            errors.setdefault(f"referral.{name}", "required")
    return {"source": source, "reference": texts["reference"],
            **({"name": texts["name"]} if source == "other" else {})}
