"""SMTP mail transport: for the local stack and self-hosting."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from shared.domain.errors import DeliveryFailed


class SmtpTransport:
    def __init__(self, host: str, port: int, timeout: float = 30):
        self._host = host
        self._port = port
        self._timeout = timeout

    def send(self, message: EmailMessage) -> list[str]:
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                smtp.send_message(message)
                return [str(message["Message-ID"])]
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryFailed(f"recipient refused: {exc.recipients}",
                                 permanent=all(500 <= c < 600 for c in codes)) from exc
        except smtplib.SMTPResponseException as exc:
            raise DeliveryFailed(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}",
                                 permanent=500 <= exc.smtp_code < 600) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(f"SMTP unavailable: {exc}") from exc
