"""Receipt links: after a form is registered the browser is sent (303) to a receipt URL, so a
reload or Back never posts the form again. The URL carries the form's receipt id (an HMAC of the
form token, `shared.domain.form_tokens.receipt_id`), signed and dated, never the token itself;
the page finds the case by the id and derives its access code from it. The link works for a
short while only (it shows the access code), is never cached (`Cache-Control: no-store`) and
never sent on to other sites (`Referrer-Policy: no-referrer`).

A URL is written down in more places than a page: request logs, proxies, browser history. So the
link alone shows nothing: the 303 also sets a cookie (HttpOnly, SameSite=Strict, as long-lived as
the link) whose value is a MAC of the receipt id with the server's key, which nobody can compute
from the link, and the receipt is shown only to the browser that holds it. Nor can the link be
turned into the form: the id is one-way, and posted as a token it names another form. Each form
has its own cookie, so two tabs keep their own receipts."""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

RECEIPT_LIFETIME = timedelta(minutes=30)
# Links signed before receipt ids carried the form token under this salt. Such a link still opens
# its receipt in the browser holding its cookie (same MAC), and only there, until it expires.
_SALT = "form-receipt"


class ReceiptLinks:
    def __init__(self, key: bytes, lifetime: timedelta = RECEIPT_LIFETIME):
        self._key = key
        self._signer = URLSafeTimedSerializer(key, salt=_SALT)
        self._lifetime = lifetime

    @property
    def lifetime_seconds(self) -> int:
        return int(self._lifetime.total_seconds())

    def browser_cookie(self, receipt_id: str) -> tuple[str, str]:
        """The name and value of the cookie that lets this browser, and no other, open the
        receipt with this id."""
        name = "receipt_" + hashlib.sha256(receipt_id.encode()).hexdigest()[:16]
        value = hmac.new(self._key, f"receipt-browser:{receipt_id}".encode(),
                         hashlib.sha256).hexdigest()
        return name, value

    def held_by_browser(self, receipt_id: str, cookies) -> bool:
        """Whether the request's cookies hold this receipt's cookie."""
        name, value = self.browser_cookie(receipt_id)
        given = cookies.get(name, "").encode("utf-8", "surrogatepass")  # compare_digest refuses
        return hmac.compare_digest(given, value.encode())  # a str that is not ASCII: a 500

    def sign(self, receipt_id: str) -> str:
        return self._signer.dumps(receipt_id)

    def receipt_id(self, signed: str) -> str | None:
        """The receipt id of a receipt link, or None when it is forged or too old."""
        try:
            receipt = self._signer.loads(signed, max_age=self._lifetime.total_seconds())
        except BadSignature:  # SignatureExpired is one too
            return None
        return receipt if isinstance(receipt, str) else None
