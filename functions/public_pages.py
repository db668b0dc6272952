"""HTTP function `public_pages`: the public pages of R22, no sign-in.

- `GET /policy`: the handling policy (用户举报和投诉处理制度), generated from the live settings and
  the policy files;
- `GET /policy.html`: the same document as a self-contained file to download and file (ICP);
- `GET /transparency?month=YYYY-MM`: the figures of a month and the major cases disclosed in it.
"""
import functions_framework

from shared.bootstrap import services
from shared.web import http_requests as decode
from shared.web.public_pages import POLICY_CACHE


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
    pages = app.public_pages
    return pages.not_found(lang), 404, pages.headers("no-store")
