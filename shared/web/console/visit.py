"""One request to the console as its handlers see it: the services, the request, the person's
language, who they are, the form (read once), and how to answer (a page, a redirect)."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from shared.domain.staff import Requester
from shared.web.http_requests import client_address

from .protection import TOKEN_FIELD, csrf_key, form_token

HTML = "text/html; charset=utf-8"


@dataclass
class Visit:
    app: object  # shared.bootstrap.Services
    request: object  # the werkzeug/Flask request
    lang: str
    root: str  # where the console is mounted: "/console", or "/staff_api/console" locally
    secure: bool  # served over HTTPS: cookies are Secure
    who: Requester | None = None
    binding: str = ""  # what this browser's form tokens are bound to (`identity.py`)
    cookies: list[str] = field(default_factory=list)  # Set-Cookie values of the answer
    form: MultiDict = field(default_factory=MultiDict)
    # The page's own address (under the root) for the language switch; a page answering a POST
    # names the GET page it shows, since the POST's address is no page to go back to.
    here: str = ""

    @property
    def client(self) -> str:
        return client_address(self.request, self.app.settings.trusted_proxies)

    @property
    def texts(self) -> dict:
        return self.app.renderer.texts(self.lang)

    @property
    def csrf(self) -> str:
        return form_token(csrf_key(self.app.settings.reply_key), self.binding) \
            if self.binding else ""

    def url(self, path: str = "/", **query) -> str:
        """A console address: `path` under the console's root, with the query given."""
        shown = {name: value for name, value in query.items() if value not in (None, "")}
        return f"{self.root}{path}" + (f"?{urlencode(shown)}" if shown else "")

    def page(self, template: str, status: int = 200, **context) -> Response:
        """A console page (`templates/console/…`) with the layout's context."""
        body = self.app.renderer.render(template, self.lang, console=self._layout(), **context)
        return Response(body, status, {"Content-Type": HTML})

    def redirect(self, path: str, **query) -> Response:
        """After a POST: the browser GETs the page (303), so a reload sends nothing again."""
        return Response("", 303, {"Location": self.url(path, **query)})

    def _layout(self) -> dict:
        from .routes import NAV, may_go  # the route table imports the handlers, which import this

        member = self.who.member if self.who else None
        other = "en" if self.lang == "zh-CN" else "zh-CN"
        get = self.request.method == "GET"
        query = [(k, v) for k, v in self.request.args.items(multi=True)
                 if k != "lang" and get and not self.here]
        here = self.here or (self._sub_path() if get else "/cases")
        switch = f"{self.root}{here}?" + urlencode([*query, ("lang", other)])
        return {
            "root": self.root, "csrf": self.csrf, "csrf_field": TOKEN_FIELD, "member": member,
            "roles": sorted(role.value for role in member.roles) if member else [],
            "other_lang": other, "switch_url": switch, "local": self._local,
            "nav": [{"path": path, "key": key, "current": self._sub_path().startswith(path)}
                    for path, key, action in NAV if member and may_go(member, action)],
        }

    @property
    def _local(self) -> bool:
        return self.app.settings.staff_identity == "local"

    def _sub_path(self) -> str:
        path = self.request.path
        return path[path.index("/console") + len("/console"):] or "/"

