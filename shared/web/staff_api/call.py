"""One request to the staff API as its handlers see it: the services, the request, the person's
language, who is asking (None only for the local sign-in) and the body, read once on demand."""
from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.exceptions import NotFound

from shared.domain.staff import Requester
from shared.web.http_requests import client_address

from .bodies import Field, fields, leave_unread, read_json


@dataclass
class Call:
    app: object  # shared.bootstrap.Services
    request: object  # the werkzeug/Flask request
    lang: str
    who: Requester | None = None
    body_read: bool = field(default=False, init=False)

    @property
    def client(self) -> str:
        return client_address(self.request, self.app.settings.trusted_proxies)

    def body(self, *spec: Field) -> dict:
        """The JSON body's fields named by `spec`, type-checked (see `bodies.fields`)."""
        self.body_read = True
        return fields(read_json(self.request), *spec)

    def local_only(self) -> None:
        """Routes of the local sign-in do not exist behind IAP (sign-in is IAP's business)."""
        if self.app.settings.staff_identity != "local":
            raise NotFound()

    def finish(self) -> None:
        """A body nobody read stays unread (functions-framework would wait for all of it)."""
        if not self.body_read:
            leave_unread(self.request)
