"""HTTP function `staff_api`: the staff API (JSON) and, under `/console`, the staff console
(HTML pages), for signed-in staff only.

Locally `POST /sign-in` gives a bearer token (the console has its own sign-in page); in the cloud
Identity-Aware Proxy stands in front and signs every request it lets through. Everything else is
in `shared/web/staff_api/` and `shared/web/console/`: identity, routes, errors; each route calls
one service.
"""
import functions_framework

from shared.bootstrap import services
from shared.web import console
from shared.web.staff_api import answer


@functions_framework.http
def staff_api(request):
    if console.is_console_path(request.path):
        return console.answer(services(), request)
    return answer(services(), request)
