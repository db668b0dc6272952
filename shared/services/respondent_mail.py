"""Mail to someone other than the reporter (the respondent, R20): sent to the address stored on
its outbox entry, composed without the reporter's private record, and with no way back into the
reporter's case — its Reply-To is the report address without the case's reply token, so an answer
(the respondent contesting) arrives as new mail, not as the reporter's reply; its Message-ID is not
indexed for the case either (`indexes_replies`), so neither a reply quoting it nor a bounce of it
joins the case or marks the reporter unreachable."""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import parseaddr

from shared.domain.cases import Case
from shared.domain.errors import DeliveryFailed
from shared.domain.outbox import Addressee, OutboxMessage
from shared.domain.ports import MailComposer


def indexes_replies(message: OutboxMessage) -> bool:
    """Whether a reply quoting the sent message joins the case: only the reporter's notices."""
    return message.template.addressee == Addressee.REPORTER


def compose_elsewhere(composer: MailComposer, message: OutboxMessage, case: Case) -> EmailMessage:
    """The email of a notice addressed to someone other than the reporter, to the address kept on
    the entry. Raises DeliveryFailed (permanently) when the entry has none."""
    address = message.details.get("address", "")
    if not isinstance(address, str) or not address:
        raise DeliveryFailed(f"no address for the {message.template.addressee} notice",
                             permanent=True)
    email = composer.compose(message, case, address)
    reply_to = without_reply_token(parseaddr(email.get("Reply-To", ""))[1])
    del email["Reply-To"]
    if reply_to:
        email["Reply-To"] = reply_to
    return email


def without_reply_token(address: str) -> str:
    """`report+<case>.<token>@domain` → `report@domain` (`reply_tokens.reply_address` appends the
    one `+` part); any other address as it is."""
    local, at, domain = address.rpartition("@")
    if not at:
        return ""
    base, plus, _ = local.rpartition("+")
    return f"{base if plus else local}@{domain}"
