"""SMTP mail transport: for the local stack and self-hosting.

Connections are kept open between messages and reused (issue 12: opening one per message —
connect, greeting, EHLO, QUIT — was a fifth of an acknowledgment's CPU). Each is used by one
thread at a time: a sender takes an idle connection or opens one, and gives it back when the
message is accepted; at most `keep` wait idle, none longer than `idle_seconds` (a relay closes
an idle connection after a few minutes). A kept connection may have been closed by the relay
meanwhile (a restart, its idle timeout): when it fails before the relay accepted the sender —
so before any message could have been accepted — the message is sent at once on a new
connection. A failure later in the conversation is not repeated here: the delivery retries the
entry with the same Message-ID, as before.
"""
from __future__ import annotations

import copy
import smtplib
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import getaddresses
from functools import lru_cache

from shared.domain.errors import DeliveryFailed


class _Connection(smtplib.SMTP):
    """An SMTP connection that notes whether the relay accepted the current sender (MAIL FROM):
    until it has, nothing of the message can have been accepted."""

    sender_accepted = False

    def mail(self, sender, options=()):
        code, reply = super().mail(sender, options)
        self.sender_accepted = code == 250
        return code, reply

    def leave(self) -> None:
        """Say goodbye if the relay still listens; close the socket either way."""
        try:
            self.quit()
        except (OSError, smtplib.SMTPException):
            self.close()


class SmtpTransport:
    def __init__(self, host: str, port: int, timeout: float = 30, keep: int = 4,
                 idle_seconds: float = 60.0, monotonic: Callable[[], float] = time.monotonic):
        self._host = host
        self._port = port
        self._timeout = timeout
        self._keep = keep
        self._idle_seconds = idle_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._idle: list[tuple[_Connection, float]] = []  # (connection, when it was given back)
        self.connections_opened = 0  # for tests and bench/

    def send(self, message: EmailMessage) -> list[str]:
        try:
            return [self._send(message).message_id]
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryFailed(f"recipient refused: {exc.recipients}",
                                 permanent=all(500 <= c < 600 for c in codes)) from exc
        except smtplib.SMTPResponseException as exc:
            raise DeliveryFailed(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}",
                                 permanent=500 <= exc.smtp_code < 600) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(f"SMTP unavailable: {exc}") from exc

    def close(self) -> None:
        """Close the idle connections (the next message opens a new one)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for connection, _ in idle:
            connection.leave()

    def _send(self, message: EmailMessage) -> Envelope:
        envelope = Envelope.of(message)
        connection, kept = self._take()
        try:
            envelope.transfer(connection)
        except (OSError, smtplib.SMTPException):
            connection.close()
            if not kept or connection.sender_accepted:
                raise
            connection = self._open()  # the kept one had gone stale: nothing was accepted on it
            try:
                envelope.transfer(connection)
            except (OSError, smtplib.SMTPException):
                connection.close()
                raise
        self._give_back(connection)
        return envelope

    def _take(self) -> tuple[_Connection, bool]:
        """An idle connection that has not waited too long (True), or a new one (False)."""
        now, expired, kept = self._monotonic(), [], None
        with self._lock:
            while self._idle and kept is None:
                connection, since = self._idle.pop()
                if now - since <= self._idle_seconds:
                    kept = connection
                else:
                    expired.append(connection)
        for connection in expired:  # no QUIT: a relay (or a NAT) that dropped it would not answer
            connection.close()
        return (kept, True) if kept is not None else (self._open(), False)

    def _open(self) -> _Connection:
        connection = _Connection(self._host, self._port, timeout=self._timeout)
        with self._lock:
            self.connections_opened += 1
        return connection

    def _give_back(self, connection: _Connection) -> None:
        with self._lock:
            if len(self._idle) < self._keep:
                self._idle.append((connection, self._monotonic()))
                return
        connection.leave()


class Envelope:
    """A message as `smtplib.SMTP.send_message` hands it over — the sender (Sender, else From),
    the recipients (To, Bcc, Cc), the bytes without Bcc, SMTPUTF8 for an address that is not
    ASCII — made once for every attempt, from the stored header values (send_message parses
    each header it reads into a header object, and copies the message)."""

    def __init__(self, sender: str, recipients: list[str], data: bytes, international: bool,
                 message_id: str):
        self.sender, self.recipients, self.data = sender, recipients, data
        self.international = international
        self.message_id = message_id

    @classmethod
    def of(cls, message: EmailMessage) -> Envelope:
        fields: dict[str, list[str]] = {}
        for name, value in message.raw_items():
            fields.setdefault(name.lower(), []).append(str(value))
        sender = _addresses(*(fields.get("sender") or fields.get("from") or [""]))[0]
        recipients = [address for name in ("to", "bcc", "cc") for value in fields.get(name, [])
                      for address in _addresses(value)]
        if "bcc" in fields:
            message = copy.copy(message)
            del message["Bcc"]
        international = not "".join([sender, *recipients]).isascii()
        policy = message.policy.clone(linesep="\r\n", **({"utf8": True} if international else {}))
        message_id = (fields.get("message-id") or ["None"])[0]  # str(message["Message-ID"])
        return cls(sender, recipients, message.as_bytes(policy=policy), international, message_id)

    def transfer(self, connection: _Connection) -> None:
        connection.sender_accepted = False
        options: tuple[str, ...] = ()
        if self.international:
            connection.ehlo_or_helo_if_needed()
            if not connection.has_extn("smtputf8"):
                raise smtplib.SMTPNotSupportedError(
                    "One or more source or delivery addresses require internationalized email "
                    "support, but the server does not advertise the required SMTPUTF8 capability")
            options = ("SMTPUTF8", "BODY=8BITMIME")
        connection.sendmail(self.sender, self.recipients, self.data, options)


@lru_cache(maxsize=256)
def _addresses(*values: str) -> tuple[str, ...]:
    """The addresses in header values, as send_message finds them (`getaddresses`); a sender's
    From is the same on every message, so it is parsed once."""
    return tuple(address for _, address in getaddresses(list(values)))
