"""The rating link of a closure notice (R17): signed, so that nobody signs in and nobody forges
one; it names the case and the notice (its outbox entry), so each notice has a link of its own
and each link rates once; it expires. The port is here, the signing in
`shared/adapters/signed_links.py`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .errors import DomainError


@dataclass(frozen=True)
class FollowUpLink:
    """What a valid link says: which case, which notice, which round (0: the closure notice,
    1: the appeal's decision)."""

    number: str
    outbox_id: str
    round: int = 0


class LinkNotValid(DomainError):
    """A link we did not sign as it is (tampered, cut short, another purpose's token), or one
    that names another case than the page it was opened on."""


class LinkExpired(DomainError):
    """A link we signed whose time is up."""


class FollowUpLinks(Protocol):
    def sign(self, link: FollowUpLink) -> str:
        """The URL-safe token of the link, signed now."""

    def read(self, token: str) -> FollowUpLink:
        """The link a token carries. Raises LinkNotValid or LinkExpired."""
