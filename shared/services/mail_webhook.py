"""The SNS webhook behind `receive_email`: SES stored a message in S3 and told SNS; SNS tells us.
Unsigned or forged calls are refused and change nothing; a confirmed subscription is confirmed;
a notification of received mail hands the raw bytes to email intake."""
from __future__ import annotations

import json
from dataclasses import dataclass

from shared.domain.errors import ForgedNotification
from shared.domain.ports import Clock, NotificationVerifier, RawMailSource

from .authentication_results import aligned
from .mail_intake import MailIntake
from .mail_sender import sender_domain
from .notification_freshness import check_fresh


@dataclass(frozen=True)
class WebhookResult:
    status: str  # confirmed | ignored | registered | joined | held | ... (a MailOutcome)
    case_number: str = ""


class MailWebhook:
    def __init__(self, verifier: NotificationVerifier, source: RawMailSource, intake: MailIntake,
                 inbound_bucket: str, clock: Clock):
        self._clock = clock
        self._verifier = verifier
        self._source = source
        self._intake = intake
        self._bucket = inbound_bucket

    def handle(self, body: bytes) -> WebhookResult:
        """Raises ForgedNotification (answer 403; StaleNotification, one of them, for a signed
        message older than an hour or from the future) and KeyError when SES's object is missing
        (answer 5xx so SNS retries). Never raises for what the mail contains."""
        try:
            notification = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ForgedNotification("body is not JSON") from exc
        self._verifier.verify(notification)
        check_fresh(notification, self._clock.now())  # signed, but maybe recorded and replayed
        kind = notification["Type"]
        if kind == "SubscriptionConfirmation":
            self._verifier.confirm_subscription(notification)
            return WebhookResult("confirmed")
        if kind != "Notification":
            return WebhookResult("ignored")
        try:
            ses = json.loads(notification["Message"])
            receipt = ses["receipt"]
            action = receipt["action"]
        except (ValueError, KeyError, TypeError):
            return WebhookResult("ignored")  # a signed message of another shape: not mail
        if ses.get("notificationType") != "Received" or action.get("type") != "S3":
            return WebhookResult("ignored")
        if self._bucket and action.get("bucketName") != self._bucket:
            raise ForgedNotification(f"not our bucket: {action.get('bucketName')}")
        raw = self._source.fetch(action["bucketName"], action["objectKey"])
        envelope_sender = ses.get("mail", {}).get("source")
        received = self._intake.receive(raw, receipt.get("recipients", []), envelope_sender,
                                        sender_verified(receipt, envelope_sender, sender_domain(raw)))
        return WebhookResult(received.outcome.value, received.case_number)


def sender_verified(receipt: dict, envelope_sender: object = "", from_domain: str = "") -> bool:
    """SES's verdicts, read for the From address: DMARC passed, or SPF passed for an envelope
    domain aligned with the From domain (`aligned`), and DMARC did not fail. SES does not say
    which domain a DKIM pass is for, so a DKIM pass alone verifies nothing. Without verdicts (an
    odd rule set, a changed format) the sender is unverified: this fails closed."""
    def verdict(name: str) -> str:
        value = receipt.get(name)
        return str(value.get("status", "")).upper() if isinstance(value, dict) else ""

    spf, dmarc = verdict("spfVerdict"), verdict("dmarcVerdict")
    if dmarc == "FAIL" or not from_domain:
        return False
    envelope_domain = envelope_sender.rpartition("@")[2] if isinstance(envelope_sender, str) else ""
    return dmarc == "PASS" or (spf == "PASS" and aligned(envelope_domain, from_domain))
