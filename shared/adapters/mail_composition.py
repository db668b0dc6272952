"""Compose outbox entries into emails: plain text plus HTML, rendered by Jinja2.

Every message carries a Reply-To with the case's reply token, a stable Message-ID, and, when it
answers a message of the reporter's, In-Reply-To and References so that it threads in Gmail,
Outlook and QQMail.
"""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from shared.domain.cases import Case, Channel
from shared.domain.follow_up_links import FollowUpLink, FollowUpLinks
from shared.domain.outbox import OutboxMessage, Template
from shared.domain.provisional_deadlines import shown_provisional
from shared.domain.remedies import remedies_of_case
from shared.domain.reply_tokens import derived_access_code, reply_address

from .mime_alternative import alternative_email
from .period_mail_composition import period_mail

if TYPE_CHECKING:  # the Jinja2 renderer is the web edge's; bootstrap hands it in
    from shared.web.rendering import Renderer

# The notices that carry a rating link (R17), and the round of the decision each tells.
RATED_NOTICES = {Template.CASE_CLOSED: 0, Template.APPEAL_DECIDED: 1}


class MailComposer:
    def __init__(self, renderer: Renderer, mail_from: str, mail_domain: str, status_url: str,
                 clock, reply_key: bytes, inbound_address: str,
                 follow_up_links: FollowUpLinks | None = None):
        self._renderer = renderer
        self._from = mail_from
        self._domain = mail_domain
        self._status_url = status_url
        self._clock = clock
        self._reply_key = reply_key
        self._inbound = inbound_address
        self._follow_up_links = follow_up_links

    def compose(self, message: OutboxMessage, case: Case | None, recipient: str) -> EmailMessage:
        if case is None:  # a period's mail to staff (the statistics bulletin): no case, no token
            return period_mail(self._renderer, self._from, self._domain, self._clock.now(),
                               message, recipient)
        lang = message.language
        texts = self._renderer.texts(lang)
        link = f"{self._status_url}?{urlencode({'number': case.number, 'lang': lang})}"
        by_email = case.channel == Channel.EMAIL
        context = {
            "case": case, "status_link": link, "notes": message.notes, "by_email": by_email,
            # Which deadlines shown are guesses ("review", "decision"): each its own hint.
            "provisional": shown_provisional(case),
            # A staff member's words to the reporter, and what the notice states besides them
            # (a rejection's ground, the department handling the case): never who wrote them.
            "text": message.text, "details": message.details,
            # A reporter who wrote by email never saw a receipt page: the code comes by mail.
            "access_code": derived_access_code(self._reply_key, case.number) if by_email else "",
            # Where else the person may turn (R15): from the one versioned file, never a template.
            "remedies": remedies_of_case(case.kind, case.category, lang),
            # The closure notices' signed link to rate the handling (R17); "" for the others.
            "follow_up_url": self._follow_up_url(message, case, lang),
        }
        name = message.template.value
        subject = self._renderer.render(f"mail/{name}.subject.txt", lang, **context).strip()
        headers = [
            ("From", formataddr((texts["mail"]["sender_name"], self._from))),
            ("To", recipient),
            ("Reply-To", reply_address(self._inbound, self._reply_key, case.number)),
            # Text a person wrote that looks like an RFC 2047 word must not be decoded as one.
            ("Subject", subject.replace("=?", "=\u200b?")),
            ("Date", format_datetime(self._clock.now())),
            ("Message-ID", message.message_id(self._domain)),
        ]
        if message.in_reply_to:
            headers += [("In-Reply-To", message.in_reply_to), ("References", message.in_reply_to)]
        headers += [
            ("Auto-Submitted", "auto-replied"),  # RFC 3834: never answer this automatically
            ("X-Auto-Response-Suppress", "All"),  # and ask Exchange not to, either
        ]
        return alternative_email(headers, self._renderer.render(f"mail/{name}.txt", lang, **context),
                                 self._renderer.render(f"mail/{name}.html", lang, **context), lang)

    def _follow_up_url(self, message: OutboxMessage, case: Case, lang: str) -> str:
        """The notice's own rating link: signed now, naming the case and this outbox entry."""
        if self._follow_up_links is None or message.template not in RATED_NOTICES:
            return ""
        link = FollowUpLink(case.number, message.id, RATED_NOTICES[message.template])
        query = {"number": case.number, "rate": self._follow_up_links.sign(link), "lang": lang}
        return f"{self._status_url}?{urlencode(query)}"

