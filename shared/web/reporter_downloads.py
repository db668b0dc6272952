"""The status page's "your data" download (`ReporterData`): the reporter's case as a JSON file or
a readable HTML file, always saved (`Content-Disposition: attachment`, `file_answers`), never
shown in the page.

The JSON has every `<`, `>` and `&` written as a `\\u` escape (still the same JSON), so a file
opened in a browser anyway holds no markup; the HTML is escaped by autoescape, runs nothing and
loads nothing (its one stylesheet allowed by its hash, `sandbox` in the header's policy).
"""
from __future__ import annotations

import json

from shared.services.case_print_form import print_policy
from shared.services.reporter_data import FORMATS

from . import http_requests as decode
from .file_answers import FILE_HEADERS, content_disposition
from .pages import PAGE_HEADERS

CSS = ("body{font-family:sans-serif;margin:2em;line-height:1.4;color:#111}"
       "dt{font-weight:bold;margin-top:.4em}.long{white-space:pre-wrap}")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def download_answer(app, request, lang: str, number: str, code: str):
    """The file, or the lookup page for an unknown format (422). A wrong number or code
    (CaseNotFound) and too many tries (TooManyAttempts) are raised to `case_status`, which
    answers them as it answers a lookup."""
    fmt = request.form.get("format", "json")
    if fmt not in FORMATS:
        return app.pages.lookup(lang, number, "download_format"), 422, PAGE_HEADERS
    client = decode.client_address(request, app.settings.trusted_proxies)
    document = app.reporter_data.download(number, code, client, fmt)
    name = f"case-{document['case']['number']}-my-data.{fmt}"
    headers = {**FILE_HEADERS, "Content-Disposition": content_disposition("attachment", name)}
    if fmt == "json":
        return json_text(document).encode(), 200, {
            **headers, "Content-Type": "application/json; charset=utf-8"}
    html = app.renderer.render("reporter_data.html", lang, d=document, css=CSS,
                               csp=print_policy(CSS, in_page=True))
    return html.encode(), 200, {**headers, "Content-Type": "text/html; charset=utf-8",
                                "Content-Security-Policy": f"{print_policy(CSS)}; sandbox"}


def json_text(document: dict) -> str:
    """The document as JSON (UTF-8 text, indented), without a literal `<`, `>` or `&`."""
    text = json.dumps(document, ensure_ascii=False, indent=2)
    for char, escape in _JSON_ESCAPES.items():
        text = text.replace(char, escape)
    return text
