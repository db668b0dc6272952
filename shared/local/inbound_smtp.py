"""The report address over SMTP, for the local stack and self-hosting: a real SMTP server
(aiosmtpd) that accepts mail for the report address (and its `+token` reply addresses) and hands
the raw bytes to the same email intake as the cloud's SES webhook.

Mail for a self-hosted report address comes through the operator's MTA, whose verdicts on the
sender (`Authentication-Results` of the configured authserv-id) are trusted when they vouch for
the From domain (a DMARC pass, or an aligned SPF or DKIM pass); mail without one is unverified:
registered, but not acknowledged and never joined to a case by quoting its number."""
from __future__ import annotations

import asyncio
import logging

from aiosmtpd.controller import Controller

from shared.services.authentication_results import sender_verified
from shared.services.mail_intake import MailIntake
from shared.services.mail_sender import sender_domain

log = logging.getLogger("inbound_smtp")


class ReportAddressHandler:
    def __init__(self, intake: MailIntake, report_address: str, trusted_authserv_id: str = ""):
        self._intake = intake
        self._authserv_id = trusted_authserv_id
        self._local, _, self._domain = report_address.lower().partition("@")

    def accepts(self, address: str) -> bool:
        local, _, domain = address.lower().partition("@")
        return domain == self._domain and local.split("+")[0] == self._local

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if not self.accepts(address):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        raw = envelope.original_content or envelope.content
        loop = asyncio.get_running_loop()
        try:
            received = await loop.run_in_executor(None, self.receive, raw, envelope)
        except Exception:  # the store is down, say: let the sender's server retry
            log.exception("inbound mail")
            return "451 4.3.0 Temporary failure, please retry"
        log.info("inbound mail: %s %s %s", received.outcome, received.case_number,
                 received.detail)
        return "250 Message accepted"


    def receive(self, raw: bytes, envelope):
        verified = sender_verified(raw, self._authserv_id, sender_domain(raw))
        return self._intake.receive(raw, list(envelope.rcpt_tos), envelope.mail_from,
                                    sender_verified=verified)


def start_inbound_smtp(intake: MailIntake, report_address: str, host: str, port: int,
                       max_bytes: int, trusted_authserv_id: str = "") -> Controller:
    """Start the server in a background thread; `.stop()` ends it. Senders count as verified
    only by `Authentication-Results` naming `trusted_authserv_id` (empty: none is trusted)."""
    handler = ReportAddressHandler(intake, report_address, trusted_authserv_id)
    controller = Controller(handler, hostname=host, port=port, data_size_limit=max_bytes)
    controller.start()
    return controller
