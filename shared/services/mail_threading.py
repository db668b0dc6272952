"""Which case an inbound message belongs to, if any.

In order: a valid reply token in any recipient address; In-Reply-To/References naming a message
we sent, or one the case's reporter sent when it comes from that reporter; a case number in the
subject when the sender is that case's reporter. Anything else belongs to no case.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from shared.domain.case_numbers import parse_case_number
from shared.domain.ports import CaseStore
from shared.domain.reply_tokens import case_from_reply_address

from .mail_parsing import ParsedMail, message_key

# Not \b: between a CJK character and a Latin letter there is no word boundary.
CASE_NUMBER_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(?:TS|JB)[-\s]?\d{8}[-\s]?[0-9A-Za-z]{6}[-\s]?[0-9A-Za-z](?![0-9A-Za-z])", re.I)


class MailThreading:
    """Decides the case a message joins. Reads the store; never writes."""

    def __init__(self, store: CaseStore, inbound_address: str, reply_key: bytes):
        self._store = store
        self._inbound = inbound_address
        self._reply_key = reply_key

    def case_for(self, mail: ParsedMail, envelope_recipients: Iterable[str],
                 trust_sender: bool) -> str:
        """The number of the case `mail` joins, or "" for a new case (or the held queue).

        `trust_sender` is False when the receiving server could not verify the From address:
        such mail joins only by a reply token or by a Message-ID that we sent."""
        return (self._by_reply_token(list(envelope_recipients) + mail.recipients)
                or self._by_references(mail, trust_sender)
                or (self._by_subject(mail) if trust_sender else ""))

    def _by_reply_token(self, addresses: list[str]) -> str:
        for address in addresses:
            number = case_from_reply_address(address, self._inbound, self._reply_key)
            if number and self._store.get_case(number) is not None:
                return number
        return ""

    def _by_references(self, mail: ParsedMail, trust_sender: bool) -> str:
        for reference in mail.in_reply_to + mail.references[::-1]:
            record = self._store.find_mail(message_key(reference))
            if record is None or not record.case_number:
                continue
            # Our own Message-IDs are known only to the people we wrote to; the reporter's
            # are known to everyone they copied, so those join only from the reporter.
            if record.sent or (trust_sender and self._is_reporter(record.case_number, mail)):
                return record.case_number
        return ""

    def _by_subject(self, mail: ParsedMail) -> str:
        for candidate in CASE_NUMBER_IN_TEXT.findall(mail.subject):
            number = parse_case_number(candidate)
            # Only the case's own reporter may join it by quoting its number: anyone else opens
            # a new case and learns nothing about this one.
            if number and self._is_reporter(number, mail):
                return number
        return ""

    def _is_reporter(self, number: str, mail: ParsedMail) -> bool:
        identity = self._store.get_identity(number)
        return bool(identity is not None and identity.email and mail.from_address and
                    identity.email.lower() == mail.from_address)
