"""Receipt links: after a form is registered the browser is sent (303) to a receipt URL, so a
reload or Back never posts the form again. The URL carries the form token signed and dated; the
page derives the case and its access code from the token. The link works for a short while only
(it shows the access code), is never cached (`Cache-Control: no-store`) and never sent on to other
sites (`Referrer-Policy: no-referrer`).

A URL is written down in more places than a page: request logs, proxies, browser history. So the
link alone shows nothing: the 303 also sets a cookie (HttpOnly, SameSite=Strict, as long-lived as
the link) whose value is a MAC of the form token that the URL does not carry, and the receipt is
shown only to the browser that holds it. Each form has its own cookie, so two tabs keep their own
receipts."""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

RECEIPT_LIFETIME = timedelta(minutes=30)
_SALT = "form-receipt"


class ReceiptLinks:
    def __init__(self, key: bytes, lifetime: timedelta = RECEIPT_LIFETIME):
        self._key = key
        self._signer = URLSafeTimedSerializer(key, salt=_SALT)
        self._lifetime = lifetime

    @property
    def lifetime_seconds(self) -> int:
        return int(self._lifetime.total_seconds())

    def browser_cookie(self, form_token: str) -> tuple[str, str]:
        """The name and value of the cookie that lets this browser, and no other, open the
        receipt of the form that carried `form_token`."""
        name = "receipt_" + hashlib.sha256(form_token.encode()).hexdigest()[:16]
        value = hmac.new(self._key, f"receipt-browser:{form_token}".encode(),
                         hashlib.sha256).hexdigest()
        return name, value

    def held_by_browser(self, form_token: str, cookies) -> bool:
        """Whether the request's cookies hold this form's receipt cookie."""
        name, value = self.browser_cookie(form_token)
        return hmac.compare_digest(cookies.get(name, ""), value)

    def sign(self, form_token: str) -> str:
        return self._signer.dumps(form_token)

    def form_token(self, signed: str) -> str | None:
        """The form token of a receipt link, or None when it is forged or too old."""
        try:
            token = self._signer.loads(signed, max_age=self._lifetime.total_seconds())
        except BadSignature:  # SignatureExpired is one too
            return None
        return token if isinstance(token, str) else None
