"""Severity (R8): how serious a case is, from general to major."""
from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    GENERAL = "general"
    IMPORTANT = "important"
    HOT = "hot"
    MAJOR = "major"

    @property
    def rank(self) -> int:
        """Its place from general (0) to major (3): rules raise a severity, never lower it."""
        return list(Severity).index(self)
