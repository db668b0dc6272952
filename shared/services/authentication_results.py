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
from email.parser import BytesHeaderParser
from email.policy import compat32

RESULT = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*(?:/\s*\d+\s*)?=\s*([A-Za-z0-9_.-]+)")


def sender_verified(raw: bytes, authserv_id: str) -> bool:
    """Whether the trusted MTA verified the From address exactly as SES verdicts are read: SPF or
    DKIM passed and DMARC did not fail. False without a trusted verdict (none configured, or no
    header of that authserv-id): such mail is registered but neither acknowledged nor joined to
    a case by quoting its number."""
    if not authserv_id.strip():
        return False
    verdicts = trusted_verdicts(raw, authserv_id)
    if verdicts is None:
        return False
    passed = "pass" in verdicts.get("spf", ()) or "pass" in verdicts.get("dkim", ())
    return passed and "fail" not in verdicts.get("dmarc", ())


def trusted_verdicts(raw: bytes, authserv_id: str) -> dict[str, list[str]] | None:
    """Method → results (lower case) of the headers naming `authserv_id`; None without any."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
    verdicts: dict[str, list[str]] | None = None
    for value in headers.get_all("Authentication-Results") or ():
        server, results = parse_header(str(value))
        if server.lower() != authserv_id.strip().lower():
            continue
        verdicts = verdicts or {}
        for method, result in results:
            verdicts.setdefault(method, []).append(result)
    return verdicts


def parse_header(value: str) -> tuple[str, list[tuple[str, str]]]:
    """(authserv-id, [(method, result), …]) of one header value; comments are dropped."""
    parts = _split_outside_quotes(_without_comments(value))
    server = parts[0].split()[0] if parts and parts[0].split() else ""
    results = []
    for part in parts[1:]:
        match = RESULT.match(part)
        if match:
            results.append((match[1].lower(), match[2].lower()))
    return server, results


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
