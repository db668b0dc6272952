"""HTTP function `submit_form`: the hosted complaint and report form (R1-R4)."""
import functions_framework

from shared.bootstrap import services
from shared.domain.errors import InvalidSubmission, TooManyAttempts
from shared.web import http_requests as decode
from shared.web.pages import PAGE_HEADERS as HTML


@functions_framework.http
def submit_form(request):
    app = services()
    lang = decode.language(request, app.settings.default_language)
    if request.method == "GET":
        return app.pages.form(lang, request.args.get("kind", "complaint")), 200, HTML
    if request.method != "POST":
        return "method not allowed", 405, {"Allow": "GET, POST"}
    limit = app.settings.max_attachments * app.settings.max_attachment_bytes + 1024 * 1024
    if (request.content_length or 0) > limit:
        return app.pages.form(lang, "complaint", errors={"files": "file_too_large"}), 413, HTML
    kind, values = request.form.get("kind", ""), decode.form_values(request)
    try:
        registered = app.intake.submit(decode.submit_case(request, lang),
                                       decode.client_address(request))
    except InvalidSubmission as invalid:
        return app.pages.form(lang, kind, values, invalid.errors), 422, HTML
    except TooManyAttempts:
        return app.pages.form(lang, kind, values, {"submission": "too_many_attempts"}), 429, HTML
    return app.pages.success(lang, registered), 201, HTML
