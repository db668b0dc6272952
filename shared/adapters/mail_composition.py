"""Compose outbox entries into emails: plain text plus HTML, rendered by Jinja2."""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from urllib.parse import urlencode

from shared.domain.cases import Case
from shared.domain.outbox import OutboxMessage

from .rendering import Renderer


class MailComposer:
    def __init__(self, renderer: Renderer, mail_from: str, mail_domain: str, status_url: str,
                 clock):
        self._renderer = renderer
        self._from = mail_from
        self._domain = mail_domain
        self._status_url = status_url
        self._clock = clock

    def compose(self, message: OutboxMessage, case: Case, recipient: str) -> EmailMessage:
        lang = message.language
        texts = self._renderer.texts(lang)
        link = f"{self._status_url}?{urlencode({'number': case.number, 'lang': lang})}"
        context = {"case": case, "status_link": link}
        name = message.template.value
        email = EmailMessage()
        email["From"] = formataddr((texts["mail"]["sender_name"], self._from))
        email["To"] = recipient
        email["Reply-To"] = self._from
        email["Subject"] = self._renderer.render(f"mail/{name}.subject.txt", lang, **context).strip()
        email["Date"] = format_datetime(self._clock.now())
        email["Message-ID"] = message.message_id(self._domain)
        email["Auto-Submitted"] = "auto-replied"  # RFC 3834: never answer this automatically
        email["X-Auto-Response-Suppress"] = "All"  # and ask Exchange not to, either
        email["Content-Language"] = lang
        email.set_content(self._renderer.render(f"mail/{name}.txt", lang, **context))
        email.add_alternative(
            self._renderer.render(f"mail/{name}.html", lang, **context), subtype="html"
        )
        return email
