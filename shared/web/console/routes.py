"""Every page and form of the console, in one table: path (werkzeug rule syntax, under
`/console`), method and handler; and the navigation, each entry shown only to members whose roles
allow its action. To add a page: a row here (and in NAV if it is a place to go), a handler, a
template under templates/console/ (docs/design.md, "Staff console")."""
from __future__ import annotations

from werkzeug.routing import Map, Rule

from shared.domain.permissions import Action

from . import case_actions as actions
from . import case_pages as cases
from . import file_pages as files
from . import queue_pages as queues
from . import sign_in_pages as sign_in
from . import static_files as static
from . import statistics_pages as statistics

ROUTES = (
    ("/", "GET", queues.home),
    ("/sign-in", "GET", sign_in.sign_in_form),
    ("/sign-in", "POST", sign_in.sign_in),
    ("/sign-out", "POST", sign_in.sign_out),
    ("/static/<name>", "GET", static.static_file),
    ("/cases", "GET", queues.queue),
    ("/cases/<number>", "GET", cases.case_page),
    ("/cases/<number>/identity", "POST", cases.reveal_identity),
    ("/cases/<number>/attachments/<index>", "GET", files.case_attachment),
    ("/cases/<number>/raw-mail", "GET", files.raw_mail_list),
    ("/cases/<number>/raw-mail/<index>", "GET", files.raw_mail),
    ("/cases/<number>/print", "GET", files.print_case),
    ("/cases/<number>/<action>", "POST", actions.case_action),
    ("/statistics", "GET", statistics.statistics),
    ("/statistics/export.xlsx", "GET", statistics.statistics_xlsx),
    ("/statistics/export.csv", "GET", statistics.statistics_csv),
)

# (path, text key under console.nav, the action a member needs to see it)
NAV = (
    ("/cases", "cases", Action.READ_QUEUES),
    ("/statistics", "statistics", Action.READ_STATISTICS),
)

OPEN_ENDPOINTS = frozenset({"static_file"})  # no identity needed: our stylesheet
LOCAL_ENDPOINTS = frozenset({"sign_in_form", "sign_in"})  # the local sign-in; 404 behind IAP

HANDLERS = {handler.__name__: handler for _, _, handler in ROUTES}
MAP = Map([Rule(path, methods=[method], endpoint=handler.__name__)
           for path, method, handler in ROUTES], strict_slashes=False, merge_slashes=False)
assert len(HANDLERS) == len(ROUTES), "each route has a handler of its own name"
