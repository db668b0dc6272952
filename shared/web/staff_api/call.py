"""One request to the staff API as its handlers see it: the services, the request, the person's
language, who is asking (None only for the local sign-in) and the body, read once on demand."""
from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.exceptions import NotFound

from shared.domain.errors import InvalidCommand
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

    def json(self) -> dict:
        """The whole JSON body, for a service that checks every field itself."""
        self.body_read = True
        return read_json(self.request)

    def query(self, *names: str, numbers: tuple[str, ...] = ()) -> dict:
        """The query parameters named (given once each; `lang` is always allowed), those in
        `numbers` as whole numbers (ASCII digits, at most 18). Raises InvalidCommand for an
        unknown, repeated or malformed parameter: a typo must not silently widen a list."""
        args = self.request.args
        errors = {name: "unknown_field" for name in args if name not in names and name != "lang"}
        errors.update({name: "invalid" for name in names if len(args.getlist(name)) > 1})
        values = {name: args[name] for name in names if name in args and name not in errors}
        for name in numbers:
            if name in values:
                text = values[name]
                if text.isascii() and text.isdigit() and len(text) <= 18:  # int() of 5 000 digits raises
                    values[name] = int(text)
                else:
                    errors[name] = "invalid"
        if errors:
            raise InvalidCommand(errors)
        return values

    def local_only(self) -> None:
        """Routes of the local sign-in do not exist behind IAP (sign-in is IAP's business)."""
        if self.app.settings.staff_identity != "local":
            raise NotFound()

    def finish(self) -> None:
        """A body nobody read stays unread (functions-framework would wait for all of it)."""
        if not self.body_read:
            leave_unread(self.request)
