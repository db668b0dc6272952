"""Decoding HTTP requests (Flask/werkzeug, as functions-framework hands them) into commands."""
from __future__ import annotations

from shared.services.attachments import UploadedFile
from shared.services.status_lookup import AddInformation
from shared.services.submissions import SubmitCase

from .rendering import LANGUAGES


def language(request, default: str = "zh-CN") -> str:
    """`?lang=` or the form's `lang` first, then Accept-Language, then the default."""
    asked = request.args.get("lang") or request.form.get("lang")
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


def client_address(request) -> str:
    """The caller's address for rate limits. Cloud Run appends the address it saw to whatever
    X-Forwarded-For the client sent, so only the last entry can be trusted."""
    forwarded = request.headers.get("X-Forwarded-For", "")
    return forwarded.split(",")[-1].strip() or request.remote_addr or "unknown"


def add_information(request) -> AddInformation:
    return AddInformation(
        number=request.form.get("number", ""),
        access_code=request.form.get("code", ""),
        client=client_address(request),
        text=request.form.get("text", ""),
        files=uploads(request),
    )
