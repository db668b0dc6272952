"""HTTP function `case_status`: the reporter's status page (number + access code). A store that
is unavailable answers 503 with Retry-After, the number and what the person wrote kept."""
import functions_framework

from shared.adapters.store_outages import is_store_outage
from shared.bootstrap import services
from shared.domain.errors import CaseNotFound, TooManyAttempts
from shared.domain.follow_up_links import LinkExpired, LinkNotValid
from shared.web import form_assets
from shared.web import http_requests as decode
from shared.web import request_bodies as bodies
from shared.web.pages import PAGE_HEADERS as HTML
from shared.web.pages import minutes_until
from shared.web.reporter_downloads import download_answer
from shared.web.store_outage import logged, unavailable_headers


@functions_framework.http
def case_status(request):
    app = services()
    try:
        answer = _answer(app, request)
    except Exception as failed:
        if not is_store_outage(failed):
            raise
        answer = _unavailable(app, request, failed)
    return _with_page_policy(app, answer)


def _with_page_policy(app, answer):
    """Every page carries a strict Content-Security-Policy (the form's: no inline script runs,
    styles only the page's own block and the decision's attributes): a text a reporter or staff
    wrote that escaped its escaping still does nothing. A download keeps the policy it set."""
    body, status, headers = answer
    if "Content-Security-Policy" in headers:
        return answer
    policy = form_assets.status_policy(app.settings.templates_dir)
    return body, status, {**headers, "Content-Security-Policy": policy}


def _unavailable(app, request, failed):
    """The store cannot be read or written now: 503, the lookup page with the number, and
    what the person wrote (an addition, an appeal, a rating's comment) shown for them to copy."""
    logged("case_status", failed)
    given = request.form if request.method == "POST" else request.args
    lang = decode.language(request, app.settings.default_language, given)
    number = given.get("number", "") or request.args.get("number", "")
    kept = given.get("text", "") or given.get("comment", "")
    page = app.pages.lookup(lang, number, "store_unavailable_lookup", kept=kept)
    return page, 503, unavailable_headers(HTML)


def _answer(app, request):
    lang = decode.language(request, app.settings.default_language)
    if request.method == "GET" and "rate" in request.args:
        return _rating(app, lang, request.args)
    if request.method == "GET":
        return app.pages.lookup(lang, request.args.get("number", "")), 200, HTML
    if request.method != "POST":
        return "method not allowed", 405, {"Allow": "GET, POST"}
    unread = _unread_body(app, request, lang)
    if unread:
        return unread
    lang = decode.language(request, app.settings.default_language, request.form)
    if request.form.get("action") == "rate":
        return _rating(app, lang, request.form, rate=True)
    number, code = request.form.get("number", ""), request.form.get("code", "")
    try:
        if request.form.get("action") == "add":
            added = app.status.add_information(
                decode.add_information(request, app.settings.trusted_proxies))
            # What was typed stays in the box when the addition was refused.
            page = app.pages.case(lang, added.view, code, notice=not added.errors,
                                  errors=added.errors,
                                  text=request.form.get("text", "") if added.errors else "")
            return page, 422 if added.errors else 200, HTML
        if request.form.get("action") == "appeal":
            return _appeal(app, request, lang, number, code)
        if request.form.get("action") == "download":  # the reporter's own data (issue 12)
            return download_answer(app, request, lang, number, code)
        view = app.status.look_up(number, code,
                                  decode.client_address(request, app.settings.trusted_proxies),
                                  decode.timeline_cursor(request))
    except CaseNotFound:
        return app.pages.lookup(lang, number, "not_found"), 404, HTML
    except TooManyAttempts as refused:
        page = app.pages.lookup(lang, number, "too_many_attempts",
                                retry_minutes=minutes_until(refused.retry_after))
        return page, 429, HTML
    return app.pages.case(lang, view, code), 200, HTML


def _appeal(app, request, lang: str, number: str, code: str):
    """The person's appeal (R16): lodged (200), its text refused and kept in the box (422), or
    refused by the case's rule, nothing changed (409)."""
    typed = request.form.get("text", "")
    outcome = app.reporter_appeals.lodge(
        number, code, decode.client_address(request, app.settings.trusted_proxies), typed)
    page = app.pages.appeal(lang, outcome.view, code, lodged=outcome.lodged,
                            errors=outcome.errors, refusal=outcome.refusal,
                            text="" if outcome.lodged else typed)
    return page, 200 if outcome.lodged else 422 if outcome.errors else 409, HTML


# The rating page's answer by state (R17): a link used already or a case that cannot be rated
# now changed nothing (409); bad input comes back on the form (422).
_RATING_STATUS = {"form": 200, "rated": 200, "already_rated": 409, "not_open": 409}


def _rating(app, lang: str, given, rate: bool = False):
    """A closure notice's rating link opened (GET) or its form sent (POST `action=rate`). A link
    we did not sign as it is, or for another case: 400; one whose time is up: 410."""
    number, token = given.get("number", ""), given.get("rate", "")
    try:
        if rate:
            page = app.handling_ratings.rate(number, token, given.get("rating"),
                                             given.get("comment"))
        else:
            page = app.handling_ratings.open(number, token)
    except LinkNotValid:
        return app.pages.rating_refused(lang, "invalid"), 400, HTML
    except LinkExpired:
        return app.pages.rating_refused(lang, "expired"), 410, HTML
    status = 422 if page.errors else _RATING_STATUS[page.state.value]
    return app.pages.rating(lang, page, token), status, HTML


def _unread_body(app, request, lang: str):
    """The answer to a body we cannot read (too large, a text too long for the parser, a client
    gone), or None once the form is read. What was posted is not kept, but the add form's URL
    names the case, so the lookup page comes back with its number filled in."""
    number = request.args.get("number", "")
    problem = bodies.read_upload_form(request, app.settings)
    if problem == bodies.GONE:
        return "", 400, HTML  # nobody is left to read an answer
    if problem:
        return app.pages.lookup(lang, number, f"addition_{problem}"), 413, HTML
    return None
