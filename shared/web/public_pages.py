"""The public pages of R22, rendered from templates/public/: the handling policy (a page, and the same
document as a self-contained file to download) and the transparency page of a period.

Every answer carries a strict Content-Security-Policy: nothing is loaded from anywhere, no script
runs, and the one inline style block is allowed by its hash. The downloaded policy repeats the
policy in a `<meta>` tag, which still applies when the saved file is opened from disk.
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from shared.domain.published_policy import PublishedPolicy

from .rendering import Renderer

POLICY_CACHE = "public, max-age=300"  # a setting changes at a deploy: five minutes is soon enough


def transparency_cache(complete: bool) -> str:
    """A finished month changes little (a case reclassified, a disclosure withdrawn): an hour;
    the current month grows: five minutes, as the service's own cache of its figures."""
    return "public, max-age=3600" if complete else "public, max-age=300"


@dataclass(frozen=True)
class PublicLinks:
    """Absolute URLs of the public pages and the form (the pages link to each other, and the
    downloaded policy must still reach them)."""

    base: str  # of `public_pages`, without a trailing /
    form: str
    status: str

    @property
    def policy(self) -> str:
        return f"{self.base}/policy"

    @property
    def policy_download(self) -> str:
        return f"{self.base}/policy.html"

    @property
    def transparency(self) -> str:
        return f"{self.base}/transparency"


class PublicPages:
    def __init__(self, renderer: Renderer, templates_dir: Path, links: PublicLinks):
        self._renderer = renderer
        self._dir = Path(templates_dir)
        self._links = links

    @cached_property
    def css(self) -> str:
        return (self._dir / "public" / "public.css").read_text("utf-8")

    @cached_property
    def csp(self) -> str:
        """No script, nothing fetched; the style block by its hash; forms only to ourselves (the
        transparency page's period chooser); never framed."""
        digest = base64.b64encode(hashlib.sha256(self.css.encode("utf-8")).digest()).decode()
        return (f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; "
                "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

    def headers(self, cache: str) -> dict[str, str]:
        return {"Content-Type": "text/html; charset=utf-8", "Cache-Control": cache,
                "Content-Security-Policy": self.csp, "X-Frame-Options": "DENY",
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                "Vary": "Accept-Language"}  # the language may come from the header

    def policy(self, lang: str, policy: PublishedPolicy, *, standalone: bool = False) -> str:
        """The handling policy as a page, or (`standalone`) as the document to download and
        file: the same text, without the site's navigation."""
        return self._render("public/policy.html", lang, policy=policy, standalone=standalone)

    def transparency(self, lang: str, report, *, lang_query: str = "", error: str = "") -> str:
        """The figures and disclosed major cases of one month (`TransparencyReport`); `error`:
        why the month asked for is not shown (`MonthNotValid.code`)."""
        texts = self._renderer.texts(lang)["public"]
        return self._render("public/transparency.html", lang, report=report, standalone=False,
                            lang_query=lang_query, error=texts[f"month_{error}"] if error else "")

    def not_found(self, lang: str) -> str:
        return self._render("public/not_found.html", lang, standalone=False)

    def _render(self, template: str, lang: str, **context) -> str:
        return self._renderer.render(template, lang, css=self.css, csp=self.csp,
                                     links=self._links, names=_names, **context)


def _names(codes, table) -> list[str]:
    """The words of a text table for these codes, in their order (categories, kinds)."""
    return [table[code] for code in codes]
