"""Decoding HTTP requests (Flask/werkzeug, as functions-framework hands them) into commands."""
from __future__ import annotations

from shared.services.attachments import UploadedFile
from shared.services.status_lookup import AddInformation
from shared.services.submissions import SubmitCase

from .rendering import LANGUAGES


def language(request, default: str = "zh-CN", form=None) -> str:
    """`?lang=` or the posted `form`'s `lang` first, then Accept-Language, then the default.
    The form only when given: it is passed once read safely (`request_bodies.read_form`),
    since reading it here would read a body that may be refused."""
    asked = request.args.get("lang") or (form or {}).get("lang")
    if asked in LANGUAGES:
        return asked
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    if best is None:
        return default
    return "en" if best == "en" else "zh-CN"


def uploads(request, field: str = "files") -> list[UploadedFile]:
    return [UploadedFile(f.filename or "", f.read()) for f in request.files.getlist(field)
            if f.filename or f.content_length]


def form_values(request) -> dict:
    return {key: request.form.get(key, "") for key in request.form}


def submit_case(request, lang: str) -> SubmitCase:
    form = request.form
    return SubmitCase(
        kind=form.get("kind", ""),
        category=form.get("category", ""),
        subject=form.get("subject", ""),
        description=form.get("description", ""),
        desired_outcome=form.get("desired_outcome", ""),
        name=form.get("name", ""),
        email=form.get("email", ""),
        phone=form.get("phone", ""),
        anonymous=form.get("anonymous") == "yes",
        good_faith=form.get("good_faith") == "yes",
        language=lang,
        files=uploads(request),
        form_token=form.get("form_token", ""),
    )


CURSOR_DIGITS = 9  # a case never holds a billion events; longer cursors are not ours


def timeline_cursor(request) -> int:
    """The status page's `after` field (the sequence number its timeline page ends at) as a
    non-negative int; anything else — negative, not ASCII digits, over nine digits — means the
    first page. Anyone can post anything, and int() of 5 000 digits raises."""
    after = request.form.get("after", "")
    if after.isascii() and after.isdigit() and len(after) <= CURSOR_DIGITS:
        return int(after)
    return 0


def client_address(request, trusted_proxies: int) -> str:
    """The caller's address for rate limits. Each proxy in front of us appends the address it
    saw to whatever X-Forwarded-For the client sent, so with N trusted proxies (Cloud Run's front
    end: 1; the local stack: 0) only the Nth entry from the right is the client's; everything to
    its left was written by the client. Without proxies only the socket's peer counts."""
    hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
    if trusted_proxies and len(hops) >= trusted_proxies and hops[-trusted_proxies]:
        return hops[-trusted_proxies]
    return request.remote_addr or "unknown"


def add_information(request, trusted_proxies: int) -> AddInformation:
    return AddInformation(
        number=request.form.get("number", ""),
        access_code=request.form.get("code", ""),
        client=client_address(request, trusted_proxies),
        text=request.form.get("text", ""),
        files=uploads(request),
    )


def receipt_cookie(name: str, value: str, max_age: int, public_url: str) -> str:
    """The Set-Cookie value binding a receipt to the browser that posted the form: never sent
    cross-site, never readable by scripts, over HTTPS only when we are served over HTTPS."""
    secure = "; Secure" if public_url.startswith("https://") else ""
    return f"{name}={value}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Strict{secure}"
