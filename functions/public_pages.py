"""HTTP function `public_pages`: the public pages of R22, no sign-in.

- `GET /policy`: the handling policy (用户举报和投诉处理制度), generated from the live settings and
  the policy files;
- `GET /policy.html`: the same document as a self-contained file to download and file (ICP);
- `GET /transparency?month=YYYY-MM`: the figures of a month and the major cases disclosed in it.
"""
import functions_framework

from shared.bootstrap import services
from shared.services.transparency import MonthNotValid
from shared.web import http_requests as decode
from shared.web.public_pages import POLICY_CACHE, transparency_cache


@functions_framework.http
def public_pages(request):
    app = services()
    lang = decode.language(request, app.settings.default_language)
    pages = app.public_pages
    if request.method not in ("GET", "HEAD"):
        return "method not allowed", 405, {"Allow": "GET, HEAD"}
    path = request.path.rstrip("/") or "/"
    if path in ("/", "/policy"):
        return pages.policy(lang, app.published_policy), 200, pages.headers(POLICY_CACHE)
    if path == "/policy.html":
        policy = app.published_policy
        name = f"handling-policy-{lang}-{policy.version}.html"
        return (pages.policy(lang, policy, standalone=True), 200,
                {**pages.headers(POLICY_CACHE),
                 "Content-Disposition": f'attachment; filename="{name}"'})
    if path == "/transparency":
        return _transparency(app, request, lang)
    return pages.not_found(lang), 404, pages.headers("no-store")


def _transparency(app, request, lang: str):
    """The month's page; a month that is malformed or not begun: 400, with the last complete
    month's figures below the message (never a 500, nothing else read)."""
    pages = app.public_pages
    asked = request.args.get("month", "")
    keep = "month=" + asked[:7] + "&" if asked else ""
    try:
        report = app.transparency.report(asked)
    except MonthNotValid as refused:
        page = pages.transparency(lang, app.transparency.report(), error=refused.code)
        return page, 400, pages.headers("no-store")
    page = pages.transparency(lang, report, lang_query=keep)
    return page, 200, pages.headers(transparency_cache(report.complete))
