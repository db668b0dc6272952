"""The `receive_email` function wired to a signer of our own and a bucket holding one raw
message, and SNS notifications signed now (a stale one is refused since issue 12)."""
from __future__ import annotations

import json
from datetime import UTC, datetime

from shared import bootstrap


def wired_webhook(raw: bytes):
    """The services with `receive_email`'s verifier and bucket replaced; returns the signer."""
    from shared.adapters.amazon_inbound import SnsSignatureVerifier
    from tests.integration.test_receive_email import TOPIC, Signer

    class Bucket:
        def fetch(self, bucket, key):
            return raw

    signer = Signer()
    bootstrap.services()._given.update(
        verifier=SnsSignatureVerifier(TOPIC, http_get=signer.http_get), raw_mail=Bucket())
    return signer


def signed_now(signer, ses: dict) -> str:
    """The body SNS posts for an SES notification, timestamped and signed now."""
    from tests.integration.test_receive_email import notification

    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return json.dumps(signer.sign(notification(json.dumps(ses), Timestamp=now)))
