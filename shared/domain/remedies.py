"""Outside remedies (R15): where a person may turn besides the platform's own review — 12377 for
harmful information, 12321 for fraud and nuisance calls or messages, 12315 for consumer disputes, the
cyberspace administration for privacy, the people's courts for everything.

The list lives in one versioned data file, `remedies.json` next to this module (not in templates), so
the closure notice and the status page show the same remedies and a change is one reviewed edit.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .cases import Kind
from .categories import is_valid_category

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"
ALL = "*"


@dataclass(frozen=True)
class Remedy:
    id: str
    name: str
    description: str
    url: str | None
    phone: str | None


@dataclass(frozen=True)
class RemedyList:
    version: int
    effective_from: str
    entries: tuple[dict[str, Any], ...]


@cache
def remedy_list() -> RemedyList:
    """The data file, read once per process."""
    text = resources.files(__package__).joinpath("remedies.json").read_text(encoding="utf-8")
    data = json.loads(text)
    return RemedyList(data["version"], data["effective_from"], tuple(data["remedies"]))


def remedies_for(kind: Kind | str, category: str, language: str = DEFAULT_LANGUAGE) -> list[Remedy]:
    """The outside remedies for a case of this kind and category, in the file's order, worded in
    `language` (Chinese when the language is not one the file has)."""
    kind = Kind(kind)
    if not is_valid_category(kind, category):
        raise ValueError(f"unknown category {category!r} for {kind.value}")
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    return [
        _remedy(entry, language) for entry in remedy_list().entries if _applies(entry, kind, category)
    ]


def _applies(entry: dict[str, Any], kind: Kind, category: str) -> bool:
    categories = entry["applies_to"].get(kind.value, ())
    return categories == ALL or category in categories


def _remedy(entry: dict[str, Any], language: str) -> Remedy:
    return Remedy(
        id=entry["id"],
        name=entry["name"][language],
        description=entry["description"][language],
        url=entry.get("url"),
        phone=entry.get("phone"),
    )


def remedies_of_case(kind: Kind | str, category: str, language: str = DEFAULT_LANGUAGE) -> list[Remedy]:
    """`remedies_for`, except that a category the file does not know (a case stored under an older
    list) gets the remedies every case has (`*`: the courts) instead of an error."""
    try:
        return remedies_for(kind, category, language)
    except ValueError:
        return [r for r in remedies_for(kind, "other", language) if r.id == "court"]
