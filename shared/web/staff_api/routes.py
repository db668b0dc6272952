"""Every route of the staff API, in one table: path (werkzeug rule syntax), method and handler.
The Map built from it routes requests; docs/staff-api.openapi.yaml describes exactly these
routes (tests/integration/test_staff_api_openapi.py holds the two together)."""
from __future__ import annotations

from werkzeug.routing import Map, Rule

from . import staff_routes as staff

ROUTES = (
    ("/sign-in", "POST", staff.sign_in),
    ("/sign-out", "POST", staff.sign_out),
    ("/me", "GET", staff.me),
    ("/me/conflicts", "PUT", staff.declare_conflicts),
    ("/staff", "GET", staff.list_staff),
    ("/staff", "POST", staff.create_staff),
    ("/staff/<staff_id>", "GET", staff.get_staff),
    ("/staff/<staff_id>", "PATCH", staff.update_staff),
)

# Open without an identity, in the local mode only (behind IAP the route answers 404).
PUBLIC_ENDPOINTS = frozenset({"sign_in"})

HANDLERS = {handler.__name__: handler for _, _, handler in ROUTES}
# No redirects: `/me/` or `//me` is simply not a route (a redirect would leak the real one).
MAP = Map([Rule(path, methods=[method], endpoint=handler.__name__)
           for path, method, handler in ROUTES], strict_slashes=False, merge_slashes=False)
assert len(HANDLERS) == len(ROUTES), "each route has a handler of its own name"
