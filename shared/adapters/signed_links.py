"""Rating links signed with itsdangerous (`FollowUpLinks`, R17).

The key is derived from the reply-token key for this purpose only (HMAC-SHA256 of a label), and
the salt names the purpose too, so a receipt link or any other token signed with the reply key
never reads as a rating link, nor the other way round. The time in the token is the clock's, not
the machine's, so that tests move it and a link expires `valid_for` after it was signed."""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from shared.domain.follow_up_links import FollowUpLink, LinkExpired, LinkNotValid
from shared.domain.ports import Clock

SALT = "follow-up-rating-link"
MAX_TOKEN = 400  # a real token is about 120 characters; a huge one is not worth decoding


def purpose_key(reply_key: bytes) -> bytes:
    """The signing key of rating links, derived from the reply-token key."""
    return hmac.new(reply_key, b"purpose:follow-up-rating-link", hashlib.sha256).digest()


class SignedFollowUpLinks:
    def __init__(self, reply_key: bytes, clock: Clock, valid_for: timedelta):
        class ClockSigner(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(clock.now().timestamp())

        self._serializer = URLSafeTimedSerializer(purpose_key(reply_key), salt=SALT,
                                                  signer=ClockSigner)
        self._valid_for = valid_for

    def sign(self, link: FollowUpLink) -> str:
        return self._serializer.dumps([link.number, link.outbox_id, link.round])

    def read(self, token: str) -> FollowUpLink:
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
            raise LinkNotValid("not a rating link")
        try:
            payload = self._serializer.loads(token, max_age=self._valid_for.total_seconds())
        except SignatureExpired:
            raise LinkExpired("the rating link has expired") from None
        except BadSignature:
            raise LinkNotValid("not a rating link we signed") from None
        if not (isinstance(payload, list) and len(payload) == 3
                and all(isinstance(part, str) and part for part in payload[:2])
                and payload[2] in (0, 1) and not isinstance(payload[2], bool)):
            raise LinkNotValid("a rating link of another shape")
        return FollowUpLink(payload[0], payload[1], payload[2])
