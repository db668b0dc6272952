"""HTTP function `staff_api`: the staff API (JSON), for signed-in staff only.

Locally `POST /sign-in` gives a bearer token; in the cloud Identity-Aware Proxy stands in front
and signs every request it lets through. Everything else is in `shared/web/staff_api/`: identity,
routes, bodies, errors; each route calls one service.
"""
import functions_framework

from shared.bootstrap import services
from shared.web.staff_api import answer


@functions_framework.http
def staff_api(request):
    return answer(services(), request)
