"""The form's own files — its stylesheet, the ALTCHA widget, its worker and our few lines that
register them — served by `submit_form` at `?asset=<name>`, and the form page's
Content-Security-Policy, which allows scripts, workers and styles from our own origin only (the
base template's one style block by its hash): no CDN, no inline script or style attribute."""
from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "form_static"
JS = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"
# Name in `?asset=` → (file under form_static/, content type); nothing else is served.
ASSETS = {
    "form.css": ("form.css", CSS),
    "form-challenge.js": ("form-challenge.js", JS),
    "altcha.js": ("altcha/altcha.min.js", JS),
    "altcha.css": ("altcha/altcha.css", CSS),
    "altcha-pbkdf2.js": ("altcha/pbkdf2.js", JS),
}
# Versioned by content in the page's links, so a day's cache never mixes old and new files.
ASSET_CACHE = "public, max-age=86400"


@cache
def asset(name: str) -> tuple[bytes, dict[str, str]] | None:
    """The file served as `?asset=<name>` and its headers, or None for any other name."""
    if name not in ASSETS:
        return None
    path, content_type = ASSETS[name]
    return (STATIC / path).read_bytes(), {"Content-Type": content_type,
                                          "Cache-Control": ASSET_CACHE,
                                          "X-Content-Type-Options": "nosniff"}


@cache
def asset_version(name: str) -> str:
    """A short hash of the file, for `?asset=<name>&v=<hash>` links."""
    return hashlib.sha256(asset(name)[0]).hexdigest()[:12]


def asset_link(name: str) -> str:
    """The page's relative link to an asset (`?asset=…&v=…`), wherever the form is mounted."""
    return f"?asset={name}&v={asset_version(name)}"


@cache
def form_policy(templates_dir: Path) -> str:
    """The Content-Security-Policy of the form's pages."""
    base = (Path(templates_dir) / "base.html").read_text("utf-8")
    block = re.search(r"<style>(.*?)</style>", base, re.S)
    digest = base64.b64encode(hashlib.sha256(block.group(1).encode()).digest()).decode()
    return (f"default-src 'none'; script-src 'self'; worker-src 'self'; "
            f"style-src 'self' 'sha256-{digest}'; img-src 'self' data:; form-action 'self'; "
            "base-uri 'none'; frame-ancestors 'none'")


@cache
def status_policy(templates_dir: Path) -> str:
    """The status pages' policy: the form's, plus the decision's own `style` attributes (the
    macro serves mail too, where a class would not reach), each allowed by its hash alone."""
    macros = (Path(templates_dir) / "decision_macros.html").read_text("utf-8")
    hashes = " ".join(sorted({f"'sha256-{_digest(v)}'"
                              for v in re.findall(r'style="([^"]*)"', macros)}))
    attributes = f"; style-src-attr 'unsafe-hashes' {hashes}" if hashes else ""
    return form_policy(templates_dir) + attributes


def _digest(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

