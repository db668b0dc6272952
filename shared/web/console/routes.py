"""Every page and form of the console, in one table: path (werkzeug rule syntax, under
`/console`), method and handler; and the navigation, each entry shown only to members whose roles
allow its action. To add a page: a row here (and in NAV if it is a place to go), a handler, a
template under templates/console/ (docs/design.md, "Staff console")."""
from __future__ import annotations

from werkzeug.routing import Map, Rule

from shared.domain.permissions import Action, allowed
from shared.services.approvals_inbox import APPROVED_BY

from . import approval_pages as approvals
from . import archive_pages as archive
from . import audit_pages as audit
from . import board_pages as board
from . import case_actions as actions
from . import case_pages as cases
from . import failed_mail_pages as failed
from . import file_pages as files
from . import held_mail_pages as held
from . import queue_pages as queues
from . import sign_in_pages as sign_in
from . import staff_pages as staff
from . import static_files as static
from . import statistics_pages as statistics

APPROVING = tuple(APPROVED_BY.values())

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
    # The other pages (console-pages): each calls the service its API route calls.
    ("/cases/<number>/export", "GET", archive.export_case),
    ("/held-mail", "GET", held.held_mail_queue),
    ("/held-mail/<held_id>", "GET", held.held_mail_message),
    ("/held-mail/<held_id>/raw", "GET", held.held_mail_raw),
    ("/held-mail/<held_id>/<form>", "POST", held.settle_held_mail),
    ("/approvals", "GET", approvals.approvals),
    ("/major-cases", "GET", board.major_case_board),
    ("/archive", "GET", archive.archive_search),
    ("/mail/failed", "GET", failed.failed_mail),
    ("/mail/<outbox_id>/retry", "POST", failed.retry_mail),
    ("/staff", "GET", staff.staff_list),
    ("/staff", "POST", staff.create_staff),
    ("/staff/<staff_id>", "GET", staff.staff_member_page),
    ("/staff/<staff_id>", "POST", staff.update_staff),
    ("/me", "GET", staff.my_page),
    ("/me/conflicts", "POST", staff.declare_conflicts),
    ("/audit", "GET", audit.audit_check),
)

# (path, text key under console.nav, the action a member needs to see it: one, any of several,
# or None for every member)
NAV = (
    ("/cases", "cases", Action.READ_QUEUES),
    ("/statistics", "statistics", Action.READ_STATISTICS),
    ("/held-mail", "held_mail", Action.READ_HELD_MAIL),
    ("/approvals", "approvals", APPROVING),
    ("/major-cases", "major_cases", Action.READ_MAJOR_CASE_BOARD),
    ("/archive", "archive", Action.READ_QUEUES),
    ("/mail/failed", "failed_mail", Action.READ_FAILED_MAIL),
    ("/staff", "staff", Action.MANAGE_STAFF),
    ("/audit", "audit", Action.READ_AUDIT_CHAIN),
    ("/me", "me", None),
)



def may_go(member, action) -> bool:
    """Whether a NAV entry is the member's: its action, any of several, or None for everyone."""
    if action is None:
        return True
    if isinstance(action, tuple):
        return any(allowed(member, one) for one in action)
    return allowed(member, action)


OPEN_ENDPOINTS = frozenset({"static_file"})  # no identity needed: our stylesheet
LOCAL_ENDPOINTS = frozenset({"sign_in_form", "sign_in"})  # the local sign-in; 404 behind IAP

HANDLERS = {handler.__name__: handler for _, _, handler in ROUTES}
MAP = Map([Rule(path, methods=[method], endpoint=handler.__name__)
           for path, method, handler in ROUTES], strict_slashes=False, merge_slashes=False)
assert len(HANDLERS) == len(ROUTES), "each route has a handler of its own name"
