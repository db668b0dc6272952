"""The staff API's HTTP edge (`functions/staff_api.py`): JSON in, JSON out, for signed-in staff.

`answer(services, request)` identifies the caller (a bearer token of the local sign-in, or IAP's
signed assertion in the cloud), finds the route (werkzeug's `Map`, `routes.py`), reads the JSON
body, calls one service and encodes its result; domain errors become HTTP answers with messages
in the person's language (`errors.py`). Nobody without a valid identity learns anything, not even
which routes exist: every path but the local sign-in answers 401 first."""
from .dispatch import answer

__all__ = ["answer"]
