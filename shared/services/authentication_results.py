"""The operator's MTA's verdict on a sender, from `Authentication-Results` (RFC 8601).

Self-hosted mail reaches the report address through the operator's mail server, which checks
SPF, DKIM and DMARC and writes its verdicts in an `Authentication-Results` header named by its
authserv-id. Anyone can add such a header to the mail they send, so only those naming the
configured authserv-id count. Their verdicts are read together, because one server often writes
several (a DKIM filter, a DMARC filter and an SPF policy service each add their own). This relies
on the operator's server removing copies that claim its authserv-id from incoming mail, as RFC 8601
section 5 requires (OpenDKIM, OpenDMARC and rspamd do); docs/configuration.md says so."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import compat32

RESULT = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*(?:/\s*\d+\s*)?=\s*([A-Za-z0-9_.-]+)")
PROPERTY = re.compile(r'\b([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s;]+)')
# Which property names the domain a method's pass vouches for (RFC 8601 section 2.7).
_IDENTITY = {"spf": ("smtp.mailfrom",), "dkim": ("header.d", "header.i"), "dmarc": ("header.from",)}


@dataclass(frozen=True)
class Verdict:
    """One method's result in a header, with its properties (`header.d` → `qq.com`)."""

    method: str
    result: str
    properties: dict[str, str] = field(default_factory=dict)

    def domain(self) -> str:
        """The domain this result is about (lower case), "" when the header does not say."""
        for name in _IDENTITY.get(self.method, ()):
            value = self.properties.get(name, "")
            if value:
                return value.rpartition("@")[2].strip(".").lower()
        return ""


def sender_verified(raw: bytes, authserv_id: str, from_domain: str) -> bool:
    """Whether the trusted MTA verified the From address: DMARC passed, or SPF or DKIM passed
    for a domain aligned with the From domain (`aligned`), and no DMARC failure. An SPF pass
    alone says only that the envelope domain — anyone's own — allowed the sending server, so it
    must be the From domain's. False without a trusted verdict (none configured, or no header of
    that authserv-id) or without a From domain: such mail is registered but neither acknowledged
    nor joined to a case by quoting its number."""
    if not authserv_id.strip() or not from_domain:
        return False
    verdicts = trusted_verdicts(raw, authserv_id)
    if verdicts is None or any(v.method == "dmarc" and v.result == "fail" for v in verdicts):
        return False
    return any(v.result == "pass" and _vouches_for(v, from_domain) for v in verdicts)


def _vouches_for(verdict: Verdict, from_domain: str) -> bool:
    if verdict.method == "dmarc":  # DMARC is about the From domain itself, when it names one
        return verdict.domain() in ("", from_domain.lower())
    return verdict.method in ("spf", "dkim") and aligned(verdict.domain(), from_domain)


def aligned(domain: str, from_domain: str) -> bool:
    """DMARC's relaxed alignment, simplified: the domains are equal, or one is a subdomain of the
    other (`mail.qq.com` and `qq.com`), the shorter having at least two labels, so a pass for a
    bare public suffix (`com`) aligns with nothing. Without the public-suffix list this also
    aligns `a.co.uk` with `co.uk`, which only the registry of `co.uk` could exploit."""
    domain, from_domain = domain.strip(".").lower(), from_domain.strip(".").lower()
    if not domain or not from_domain:
        return False
    shorter, longer = sorted((domain, from_domain), key=len)
    return "." in shorter and (longer == shorter or longer.endswith("." + shorter))


def trusted_verdicts(raw: bytes, authserv_id: str) -> list[Verdict] | None:
    """The verdicts of the headers naming `authserv_id`, in order; None without any header."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
    verdicts: list[Verdict] | None = None
    for value in headers.get_all("Authentication-Results") or ():
        server, found = parse_verdicts(str(value))
        if server.lower() != authserv_id.strip().lower():
            continue
        verdicts = (verdicts or []) + found
    return verdicts


def parse_header(value: str) -> tuple[str, list[tuple[str, str]]]:
    """(authserv-id, [(method, result), …]) of one header value; comments are dropped."""
    server, verdicts = parse_verdicts(value)
    return server, [(v.method, v.result) for v in verdicts]


def parse_verdicts(value: str) -> tuple[str, list[Verdict]]:
    """(authserv-id, verdicts with their properties) of one header value."""
    parts = _split_outside_quotes(_without_comments(value))
    server = parts[0].split()[0] if parts and parts[0].split() else ""
    verdicts = []
    for part in parts[1:]:
        match = RESULT.match(part)
        if match:
            properties = {name.lower(): text.strip('"')
                          for name, text in PROPERTY.findall(part[match.end():])}
            verdicts.append(Verdict(match[1].lower(), match[2].lower(), properties))
    return server, verdicts


def _without_comments(value: str) -> str:
    """Drop (comments), which may nest and may hold ';', outside quoted strings."""
    out, depth, quoted, escaped = [], 0, False, False
    for char in value:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(char)
            continue
        if char == "\\":
            escaped = True
            if depth == 0:
                out.append(char)
        elif char == '"' and depth == 0:
            quoted = not quoted
            out.append(char)
        elif char == "(" and not quoted:
            depth += 1
        elif char == ")" and not quoted and depth:
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)


def _split_outside_quotes(value: str) -> list[str]:
    parts, current, quoted, escaped = [], [], False, False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts]
