"""HTTP function `submit_form`: the hosted complaint and report form (R1-R4).

GET shows the form (each rendering with a fresh form token), or with `?receipt=` the receipt of a
registered form (the link names the form by its receipt id, never by its token, and opens only in
the browser holding the receipt's cookie), or with `?asset=` one of the form's own files (its
stylesheet, the proof-of-work widget). POST registers and answers 303 to the receipt, so a reload
never posts again; a post that fills the trap field, or lacks the proof of work its source owes,
gets the form back with what was typed (`form_guard`). A store that is unavailable answers 503
with Retry-After: the form again with what was typed and its token (sent again later, it still
counts once), or the receipt link's "try again" page.
"""
import functions_framework

from shared.adapters.store_outages import is_store_outage
from shared.bootstrap import services
from shared.domain.errors import InvalidSubmission, TooManyAttempts
from shared.domain.form_guard import SOLUTION_FIELD, TRAP_FIELD, TRAPPED
from shared.web import form_assets
from shared.web import http_requests as decode
from shared.web import request_bodies as bodies
from shared.web.pages import PAGE_HEADERS, minutes_until
from shared.web.store_outage import logged, unavailable_headers

# A refused proof of work: asked for (429, like the limit it stands in for), or failed (403).
_GUARD_STATUS = {TRAPPED: 422, "challenge_required": 429, "challenge_expired": 429}


@functions_framework.http
def submit_form(request):
    app = services()
    html = {**PAGE_HEADERS,
            "Content-Security-Policy": form_assets.form_policy(app.settings.templates_dir)}
    lang = decode.language(request, app.settings.default_language)
    if request.method == "GET":
        if "asset" in request.args:
            return _asset(request.args["asset"])
        if "receipt" in request.args:
            return _receipt(app, request, lang, html)
        page = app.pages.form(lang, request.args.get("kind", "complaint"),
                              challenge=_challenge(app, request))
        return page, 200, html
    if request.method != "POST":
        return "method not allowed", 405, {"Allow": "GET, POST"}
    # Until the body is read, the kind and the language come from the form's own URL.
    kind = request.args.get("kind", "complaint")
    settings = app.settings
    problem = bodies.read_upload_form(request, settings)
    if problem == bodies.GONE:
        return "", 400, html  # nobody is left to read an answer
    if problem:  # cut off: the texts read before the cut-off are shown again, never the files
        lang = decode.language(request, settings.default_language, request.form)
        field = "files" if problem in bodies.FILE_PROBLEMS else "submission"
        return _again(app, request, lang, request.form.get("kind", kind), {field: problem}), \
            413, html
    lang = decode.language(request, settings.default_language, request.form)
    kind = request.form.get("kind", kind)
    try:
        return _guarded(app, request, lang, kind, html)
    except Exception as failed:
        if not is_store_outage(failed):
            raise
        logged("submit_form", failed)
        # The form again without asking the store for a challenge: it cannot be reached.
        page = app.pages.form(lang, kind, decode.form_values(request),
                              {"submission": "store_unavailable"})
        return page, 503, unavailable_headers(html)


def _guarded(app, request, lang: str, kind: str, html: dict):
    form = request.form
    refusal = app.form_guard.check(_client(app, request), form.get(TRAP_FIELD, ""),
                                   form.get(SOLUTION_FIELD, ""), form.get("form_token", ""))
    if refusal:
        return _again(app, request, lang, kind, {"submission": refusal}), \
            _GUARD_STATUS.get(refusal, 403), html
    return _register(app, request, lang, kind, html)


def _challenge(app, request):
    """The proof of work the client owes, if any; none while the store cannot be read (the
    form still shows, and its post is answered 503 until the store is back)."""
    try:
        return app.form_guard.challenge_for(_client(app, request))
    except Exception as failed:
        if not is_store_outage(failed):
            raise
        logged("submit_form challenge", failed)
        return None


def _register(app, request, lang: str, kind: str, html: dict):
    try:
        registered = app.intake.submit(decode.submit_case(request, lang), _client(app, request))
    except InvalidSubmission as invalid:
        return _again(app, request, lang, kind, invalid.errors), 422, html
    except TooManyAttempts as refused:
        page = _again(app, request, lang, kind, {"submission": "too_many_attempts"},
                      retry_minutes=minutes_until(refused.retry_after))
        return page, 429, html
    links = app.receipt_links
    link = links.sign(registered.receipt_id)  # never the form token: URLs are logged
    cookie = decode.receipt_cookie(*links.browser_cookie(registered.receipt_id),
                                   links.lifetime_seconds, app.settings.public_status_url)
    return "", 303, {**html, "Location": f"?receipt={link}&lang={lang}", "Set-Cookie": cookie}


def _again(app, request, lang: str, kind: str, errors: dict, retry_minutes=None) -> str:
    """The form shown again with what was typed, and a fresh challenge if its source owes one."""
    return app.pages.form(lang, kind, decode.form_values(request), errors,
                          retry_minutes=retry_minutes,
                          challenge=app.form_guard.challenge_for(_client(app, request)))


def _client(app, request) -> str:
    return decode.client_address(request, app.settings.trusted_proxies)


def _asset(name: str):
    found = form_assets.asset(name)
    if found is None:
        return "not found", 404, {"Content-Type": "text/plain; charset=utf-8"}
    return found


def _receipt(app, request, lang: str, html: dict):
    link = request.args.get("receipt", "")
    receipt = app.receipt_links.receipt_id(link)
    held = receipt and app.receipt_links.held_by_browser(receipt, request.cookies)
    try:
        registered = app.intake.receipt(receipt) if held else None
    except Exception as failed:
        if not is_store_outage(failed):
            raise
        logged("submit_form receipt", failed)
        return app.pages.receipt_gone(lang, unavailable=True), 503, unavailable_headers(html)
    if registered is None:
        return app.pages.receipt_gone(lang), 404, html
    return app.pages.success(lang, registered, link), 200, html
