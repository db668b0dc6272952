"""The email of a mail about no case (the statistics bulletin to leaders): text plus HTML from
`mail/<template>.*`, with the entry's details only; no Reply-To (nobody should answer it into a
case), a stable Message-ID, and the auto-submitted headers of every notice."""
from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from shared.domain.outbox import OutboxMessage


def period_mail(renderer, mail_from: str, domain: str, now: datetime, message: OutboxMessage,
                recipient: str) -> EmailMessage:
    lang, name = message.language, message.template.value
    context = {"details": message.details}
    email = EmailMessage()
    email["From"] = formataddr((renderer.texts(lang)["mail"]["sender_name"], mail_from))
    email["To"] = recipient
    subject = renderer.render(f"mail/{name}.subject.txt", lang, **context).strip()
    email["Subject"] = subject.replace("=?", "=\u200b?")
    email["Date"] = format_datetime(now)
    email["Message-ID"] = message.message_id(domain)
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: never answer this automatically
    email["X-Auto-Response-Suppress"] = "All"
    email.set_content(renderer.render(f"mail/{name}.txt", lang, **context))
    email.add_alternative(renderer.render(f"mail/{name}.html", lang, **context), subtype="html")
    email["Content-Language"] = lang
    return email
