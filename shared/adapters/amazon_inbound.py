"""Amazon's side of inbound mail: SNS message signatures and the raw messages in S3.

SNS signs every message: SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA, over a canonical
string of selected fields. The signing certificate is fetched only from an https URL on the SNS
host of the topic's own region (`sns.<region>.amazonaws.com`), never from anywhere a forger
could point us to.
"""
from __future__ import annotations

import base64
import re
from urllib.parse import urlparse

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from shared.domain.errors import ForgedNotification

_SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token",
                                 "TopicArn", "Type"),
    "UnsubscribeConfirmation": ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token",
                                "TopicArn", "Type"),
}
_HASHES = {"1": hashes.SHA1, "2": hashes.SHA256}
_SNS_HOST = re.compile(r"^sns\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$")


def string_to_sign(notification: dict) -> bytes:
    """The canonical string SNS signs: `name\\nvalue\\n` for each present signed field."""
    kind = notification.get("Type", "")
    fields = _SIGNED_FIELDS.get(kind) if isinstance(kind, str) else None
    if fields is None:
        raise ForgedNotification(f"unknown message type {notification.get('Type')!r}")
    parts = []
    for name in fields:
        if name in notification and notification[name] is not None:
            parts.append(f"{name}\n{notification[name]}\n")
    return "".join(parts).encode("utf-8")


def _topic_region(topic_arn: str) -> str:
    parts = topic_arn.split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != "sns":
        raise ForgedNotification("not an SNS topic ARN")
    return parts[3]


def check_sns_url(url: str, region: str, certificate: bool = False) -> None:
    """An URL we may fetch: https on the SNS host of the topic's region, nothing else; for a
    signing certificate, a `.pem` path without a query."""
    try:
        parsed = urlparse(url or "")
        host, port = parsed.hostname or "", parsed.port
    except ValueError as exc:
        raise ForgedNotification(f"refusing URL {url!r}") from exc
    match = _SNS_HOST.match(host)
    if parsed.scheme != "https" or match is None or match.group(1) != region or \
            parsed.username or parsed.password or port not in (None, 443):
        raise ForgedNotification(f"refusing URL {url!r}")
    if certificate and (not parsed.path.endswith(".pem") or parsed.query or parsed.fragment):
        raise ForgedNotification(f"refusing certificate URL {url!r}")


class SnsSignatureVerifier:
    """NotificationVerifier for real SNS. `http_get(url) -> bytes` defaults to requests."""

    def __init__(self, allowed_topic_arn: str = "", http_get=None):
        self._allowed_topic = allowed_topic_arn
        self._http_get = http_get or _requests_get
        self._certificates: dict[str, x509.Certificate] = {}

    def verify(self, notification: dict) -> None:
        if not isinstance(notification, dict):
            raise ForgedNotification("not a JSON object")
        kind = notification.get("Type")  # JSON may make it a list or an object: unhashable
        fields = _SIGNED_FIELDS.get(kind) if isinstance(kind, str) else None
        if fields is None:
            raise ForgedNotification(f"unknown message type {notification.get('Type')!r}")
        for name in (*fields, "Signature", "SignatureVersion", "SigningCertURL"):
            if name in notification and not isinstance(notification[name], str):
                raise ForgedNotification(f"{name} is not a string")
        topic = str(notification.get("TopicArn", ""))
        region = _topic_region(topic)
        if self._allowed_topic and topic != self._allowed_topic:
            raise ForgedNotification(f"not our topic: {topic}")
        digest = _HASHES.get(str(notification.get("SignatureVersion", "")))
        if digest is None:
            raise ForgedNotification("unknown or missing SignatureVersion")
        url = str(notification.get("SigningCertURL", ""))
        check_sns_url(url, region, certificate=True)
        try:
            signature = base64.b64decode(notification.get("Signature", ""), validate=True)
        except ValueError as exc:
            raise ForgedNotification("signature is not base64") from exc
        key = self._certificate(url).public_key()
        try:
            key.verify(signature, string_to_sign(notification), padding.PKCS1v15(), digest())
        except (InvalidSignature, TypeError, ValueError) as exc:
            raise ForgedNotification("bad signature") from exc

    def confirm_subscription(self, notification: dict) -> None:
        url = str(notification.get("SubscribeURL", ""))
        check_sns_url(url, _topic_region(str(notification.get("TopicArn", ""))))
        self._http_get(url)

    def _certificate(self, url: str) -> x509.Certificate:
        if url not in self._certificates:
            try:
                pem = self._http_get(url)
            except Exception as exc:  # unreachable or 404: we cannot trust the message
                raise ForgedNotification(f"signing certificate unavailable: {exc}") from exc
            try:
                certificate = x509.load_pem_x509_certificate(pem)
            except ValueError as exc:
                raise ForgedNotification("signing certificate is not a PEM certificate") from exc
            if len(self._certificates) >= 16:  # SNS rotates rarely; keep the cache small
                self._certificates.pop(next(iter(self._certificates)))
            self._certificates[url] = certificate
        return self._certificates[url]


def _requests_get(url: str) -> bytes:
    import requests

    response = requests.get(url, timeout=10)
    response.raise_for_status()
    return response.content


class S3RawMail:
    """RawMailSource on Amazon S3. The client is built on first use."""

    def __init__(self, region: str, client=None):
        self._region = region
        self._client = client

    def fetch(self, bucket: str, key: str) -> bytes:
        from botocore.exceptions import ClientError

        if self._client is None:
            import boto3

            self._client = boto3.client("s3", region_name=self._region)
        try:
            return self._client.get_object(Bucket=bucket, Key=key)["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise KeyError(key) from exc
            raise
