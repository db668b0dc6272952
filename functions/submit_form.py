"""HTTP function `submit_form`: the hosted complaint and report form (R1-R4).

GET shows the form (each rendering with a fresh form token), or with `?receipt=` the receipt of a
registered form (the link names the form by its receipt id, never by its token, and opens only in
the browser holding the receipt's cookie). POST registers and answers 303 to the receipt, so a
reload never posts again. A store that is unavailable answers 503 with Retry-After: the form
again with what was typed and its token (sent again later, it still counts once), or the receipt
link's "try again" page.
"""
import functions_framework

from shared.adapters.store_outages import is_store_outage
from shared.bootstrap import services
from shared.domain.errors import InvalidSubmission, TooManyAttempts
from shared.web import http_requests as decode
from shared.web import request_bodies as bodies
from shared.web.pages import PAGE_HEADERS as HTML
from shared.web.pages import minutes_until
from shared.web.store_outage import logged, unavailable_headers


@functions_framework.http
def submit_form(request):
    app = services()
    lang = decode.language(request, app.settings.default_language)
    if request.method == "GET":
        if "receipt" in request.args:
            return _receipt(app, request, lang)
        return app.pages.form(lang, request.args.get("kind", "complaint")), 200, HTML
    if request.method != "POST":
        return "method not allowed", 405, {"Allow": "GET, POST"}
    # Until the body is read, the kind and the language come from the form's own URL.
    kind = request.args.get("kind", "complaint")
    settings = app.settings
    problem = bodies.read_form(request, bodies.body_limit(settings.max_attachments,
                                                          settings.max_attachment_bytes))
    if problem == bodies.GONE:
        return "", 400, HTML  # nobody is left to read an answer
    if problem:  # too large, or a text too long: nothing posted can be shown again
        return app.pages.form(lang, kind, errors={"submission": problem}), 413, HTML
    lang = decode.language(request, settings.default_language, request.form)
    return _register(app, request, lang, request.form.get("kind", kind))


def _register(app, request, lang: str, kind: str):
    values = decode.form_values(request)
    try:
        registered = app.intake.submit(
            decode.submit_case(request, lang),
            decode.client_address(request, app.settings.trusted_proxies))
    except InvalidSubmission as invalid:
        return app.pages.form(lang, kind, values, invalid.errors), 422, HTML
    except TooManyAttempts as refused:
        page = app.pages.form(lang, kind, values, {"submission": "too_many_attempts"},
                              retry_minutes=minutes_until(refused.retry_after))
        return page, 429, HTML
    except Exception as failed:
        if not is_store_outage(failed):
            raise
        logged("submit_form", failed)
        page = app.pages.form(lang, kind, values, {"submission": "store_unavailable"})
        return page, 503, unavailable_headers(HTML)
    links = app.receipt_links
    link = links.sign(registered.receipt_id)  # never the form token: URLs are logged
    cookie = decode.receipt_cookie(*links.browser_cookie(registered.receipt_id),
                                   links.lifetime_seconds, app.settings.public_status_url)
    return "", 303, {**HTML, "Location": f"?receipt={link}&lang={lang}", "Set-Cookie": cookie}


def _receipt(app, request, lang: str):
    link = request.args.get("receipt", "")
    receipt = app.receipt_links.receipt_id(link)
    held = receipt and app.receipt_links.held_by_browser(receipt, request.cookies)
    try:
        registered = app.intake.receipt(receipt) if held else None
    except Exception as failed:
        if not is_store_outage(failed):
            raise
        logged("submit_form receipt", failed)
        return app.pages.receipt_gone(lang, unavailable=True), 503, unavailable_headers(HTML)
    if registered is None:
        return app.pages.receipt_gone(lang), 404, HTML
    return app.pages.success(lang, registered, link), 200, HTML
