"""Receipt links: after a form is registered the browser is sent (303) to a receipt URL, so a
reload or Back never posts the form again. The URL carries the form token signed and dated; the
page derives the case and its access code from the token. The link works for a short while only
(it shows the access code), is never cached (`Cache-Control: no-store`) and never sent on to other
sites (`Referrer-Policy: no-referrer`)."""
from __future__ import annotations

from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

RECEIPT_LIFETIME = timedelta(minutes=30)
_SALT = "form-receipt"


class ReceiptLinks:
    def __init__(self, key: bytes, lifetime: timedelta = RECEIPT_LIFETIME):
        self._signer = URLSafeTimedSerializer(key, salt=_SALT)
        self._lifetime = lifetime

    def sign(self, form_token: str) -> str:
        return self._signer.dumps(form_token)

    def form_token(self, signed: str) -> str | None:
        """The form token of a receipt link, or None when it is forged or too old."""
        try:
            token = self._signer.loads(signed, max_age=self._lifetime.total_seconds())
        except BadSignature:  # SignatureExpired is one too
            return None
        return token if isinstance(token, str) else None
