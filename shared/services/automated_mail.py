"""Is this mail written by a machine? Such mail is recorded but never answered: answering an
auto-reply or a bounce is how mail loops start (RFC 3834 and what peers learnt the hard way)."""
from __future__ import annotations

from .mail_parsing import ParsedMail

_MACHINE_SENDERS = {"postmaster", "mailer-daemon", "mail-daemon", "noreply", "no-reply",
                    "do-not-reply", "donotreply", "bounce", "bounces"}
_BULK = {"bulk", "junk", "list", "auto_reply", "auto-reply"}


def automated_reason(mail: ParsedMail, own_addresses: frozenset[str], own_domain: str,
                     envelope_sender: str | None = None) -> str:
    """Why we must not answer this mail, or "" when a person wrote it."""
    h = mail.headers
    auto = h.get("Auto-Submitted", "").strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    if h.get("Precedence", "").strip().lower() in _BULK:
        return f"Precedence: {h['Precedence'].strip().lower()}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if name in h:
            return f"{name} present"
    if "List-Id" in h or "List-Unsubscribe" in h:
        return "mailing list"
    if envelope_sender in ("", "<>") or h.get("Return-Path", "").replace(" ", "") == "<>":
        return "empty Return-Path"
    if mail.delivery_report is not None:
        return "delivery status notification"
    address = mail.from_address
    local, _, domain = address.partition("@")
    if not address:
        return "no sender address"
    if local.split("+")[0] in _MACHINE_SENDERS:
        return f"machine sender {address}"
    if address in own_addresses or (domain == own_domain and any(
            local.split("+")[0] == own.partition("@")[0] for own in own_addresses)):
        return "our own address"
    return ""
