"""The matter a case is about, for R8's count rule (`count_rules.py`): a normalised key, and the
staff command that sets it by hand. Apart from the rule so that the lifecycle table can name the
command without importing the rule (which applies lifecycle commands itself)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .cases import Case, EventType
from .commands import Command, CommandName

MAX_MATTER = 200  # characters of a matter key
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_SPACES = re.compile(r"\s+")


def matter_key(text: str) -> str:
    """The matter key of what a person or staff typed: NFKC, case-folded, spaces collapsed; an
    address loses its scheme, `www.` and trailing slashes ("https://www.Shop.example/a/" and
    "shop.example/a" are one matter). "" for nothing; at most MAX_MATTER characters."""
    key = _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "").casefold()).strip()
    if _SCHEME.match(key):
        key = _SCHEME.sub("", key).removeprefix("www.").rstrip("/")
    return key[:MAX_MATTER]


@dataclass(frozen=True)
class SetMatter(Command):
    """Staff judge what matter the case is about (`matter`, a `matter_key`; "" for none); the
    count rule then runs for it (`links_pending`)."""

    matter: str = ""

    name, event, needs_reason = CommandName.SET_MATTER, EventType.MATTER_SET, True

    def details(self, case: Case) -> dict:
        return {"matter_from": case.matter, "matter_to": self.matter}

    def change(self, case: Case) -> None:
        case.matter = self.matter
        case.links_pending = bool(self.matter)


