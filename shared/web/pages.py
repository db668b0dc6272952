"""The hosted pages (form, receipt, status), rendered from templates/."""
from __future__ import annotations

import math
from datetime import timedelta
from urllib.parse import urlencode

from shared.domain.cases import Kind
from shared.domain.categories import COMPLAINT_TYPES, HARMFUL_INFORMATION, REPORT_CATEGORIES
from shared.domain.form_guard import TRAP_FIELD
from shared.domain.form_tokens import is_form_token, new_form_token
from shared.domain.remedies import remedies_of_case
from shared.services.appeal_refusals import AppealRefusal
from shared.services.intake import FormReceipt
from shared.services.status_lookup import CaseView

from .form_assets import asset_link
from .rendering import Renderer

# Every hosted page: never cached (receipts hold an access code), never framed, no sniffing,
# and no Referer carrying a case number to other sites.
PAGE_HEADERS = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
                "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer"}

FORM_FIELDS = ("category", "subject", "description", "desired_outcome", "files", "anonymous",
               "name", "email", "phone", "good_faith")  # in the order the form shows them


def minutes_until(delay: timedelta | None) -> int | None:
    """Whole minutes, rounded up, for "try again in N minutes"; None when unknown."""
    if delay is None:
        return None
    return max(1, math.ceil(delay.total_seconds() / 60))


def _category_groups(kind: str):
    if kind == Kind.REPORT:
        others = tuple(c for c in REPORT_CATEGORIES if c not in HARMFUL_INFORMATION)
        return [("harmful", HARMFUL_INFORMATION), ("other", others)]
    return [("", COMPLAINT_TYPES)]


class Pages:
    def __init__(self, renderer: Renderer, status_url: str, anonymous_kinds: frozenset[str],
                 max_files: int, max_file_bytes: int, public_pages_url: str = "",
                 max_total_bytes: int = 0):
        self._renderer = renderer
        self._status_url = status_url
        # The handling policy and the transparency page (R22), linked from the form and status.
        self._public = public_pages_url
        self._anonymous_kinds = anonymous_kinds
        # The page tells the real limits: a total below every file at its largest is shown too.
        total = max_total_bytes if 0 < max_total_bytes < max_files * max_file_bytes else 0
        self._limits = {"max_files": max_files, "max_mb": max_file_bytes // (1024 * 1024),
                        "total_mb": total // (1024 * 1024)}

    def form(self, lang: str, kind: str, values: dict | None = None,
             errors: dict | None = None, retry_minutes: int | None = None,
             challenge: str = "") -> str:
        """The form, with what was typed and what was wrong. A form shown again after an error
        keeps its token: it has not been registered, and sending it twice must still count once.
        With a `challenge` (JSON) it carries the proof-of-work widget (`form_guard`)."""
        kind = kind if kind in set(Kind) else Kind.COMPLAINT.value
        token = (values or {}).get("form_token", "")
        values = {name: (values or {}).get(name, "") for name in FORM_FIELDS}
        order = {name: i for i, name in enumerate(FORM_FIELDS)}
        errors = dict(sorted((errors or {}).items(), key=lambda item: order.get(item[0], -1)))
        return self._renderer.render(
            "form.html", lang, kind=kind, values=values, errors=errors or {},
            category_groups=_category_groups(kind), status_url=self._status_url,
            anonymous_allowed=kind in self._anonymous_kinds, retry_minutes=retry_minutes,
            form_token=token if is_form_token(token) else new_form_token(),
            public_pages=self._public, challenge=challenge, trap_field=TRAP_FIELD,
            asset=asset_link, **self._limits)

    def success(self, lang: str, registered: FormReceipt, link: str) -> str:
        """The receipt; its language switch keeps the link, and with it the access code."""
        return self._renderer.render("success.html", lang, registered=registered,
                                     status_url=self._status_url, receipt_link=link)

    def receipt_gone(self, lang: str, unavailable: bool = False) -> str:
        """An expired or forged receipt link; or (`unavailable`) a store that cannot be read now."""
        return self._renderer.render("receipt_gone.html", lang, status_url=self._status_url,
                                     unavailable=unavailable)

    def lookup(self, lang: str, number: str = "", error: str | None = None,
               retry_minutes: int | None = None, kept: str = "") -> str:
        """The lookup form; `kept` is text the person wrote that could not be saved (the store
        was unavailable), shown for them to copy."""
        return self._renderer.render("status.html", lang, view=None, number=number, error=error,
                                     retry_minutes=retry_minutes, public_pages=self._public,
                                     kept=kept)

    def case(self, lang: str, view: CaseView, code: str, notice: bool = False,
             errors: dict | None = None, text: str = "") -> str:
        """The case as its reporter sees it; an addition that failed keeps its `text`."""
        texts = self._renderer.texts(lang)
        remedies = remedies_of_case(view.kind, view.category, lang) if view.decision else []
        return self._renderer.render(
            "status.html", lang, view=view, code=code, errors=errors or {}, text=text,
            notice=texts["status"]["added"] if notice else "", remedies=remedies,
            public_pages=self._public, **self._limits)

    def appeal(self, lang: str, view: CaseView, code: str, *, lodged: bool = False,
               errors: dict | None = None, refusal: AppealRefusal | None = None,
               text: str = "") -> str:
        """The case after the person sent the appeal form (R16): lodged (a notice), refused by
        the case's rule (why, and when the window closed), or its text refused (kept)."""
        texts = self._renderer.texts(lang)
        remedies = remedies_of_case(view.kind, view.category, lang) if view.decision else []
        return self._renderer.render(
            "status.html", lang, view=view, code=code, errors={}, text="",
            notice=texts["appeal"]["lodged"] if lodged else "", remedies=remedies,
            appeal_errors=errors or {}, appeal_refusal=refusal, appeal_text=text,
            public_pages=self._public, **self._limits)

    def rating(self, lang: str, page, token: str) -> str:
        """The rating page of a closure notice's link (R17, `HandlingRatings`): the form, thanks,
        or why the link rates nothing now. Its language switch keeps the link."""
        keep = urlencode({"number": page.number, "rate": token}) + "&"
        return self._renderer.render("rate.html", lang, page=page, token=token, refused="",
                                     status_url=self._status_url, lang_query=keep)

    def rating_refused(self, lang: str, why: str) -> str:
        """A rating link that is not valid (`invalid`) or whose time is up (`expired`)."""
        return self._renderer.render("rate.html", lang, page=None, refused=why,
                                     status_url=self._status_url)
