"""Every route of the staff API, in one table: path (werkzeug rule syntax), method and handler.
The Map built from it routes requests; docs/staff-api.openapi.yaml describes exactly these
routes (tests/integration/test_staff_api_openapi.py holds the two together)."""
from __future__ import annotations

from werkzeug.routing import Map, Rule

from . import appeal_routes as appeals
from . import archive_routes as archive
from . import case_routes as cases
from . import clock_routes as clocks
from . import deadline_routes as deadlines
from . import decision_routes as decisions
from . import disclosure_routes as disclosures
from . import file_routes as files
from . import follow_up_routes as follow_ups
from . import held_routes as held
from . import mail_routes as mail
from . import mark_routes as marks
from . import misuse_routes as misuse
from . import respondent_routes as respondents
from . import staff_routes as staff
from . import statistics_file_routes as statistics_files
from . import statistics_routes as statistics

ROUTES = (
    ("/sign-in", "POST", staff.sign_in),
    ("/sign-out", "POST", staff.sign_out),
    ("/me", "GET", staff.me),
    ("/me/conflicts", "PUT", staff.declare_conflicts),
    ("/staff", "GET", staff.list_staff),
    ("/staff", "POST", staff.create_staff),
    ("/staff/<staff_id>", "GET", staff.get_staff),
    ("/staff/<staff_id>", "PATCH", staff.update_staff),
    ("/cases", "GET", cases.case_queue),
    ("/cases", "POST", cases.register_case),
    ("/cases/<number>", "GET", cases.case),
    ("/cases/<number>/events", "GET", cases.case_events),
    ("/cases/<number>/accept", "POST", cases.accept_case),
    ("/cases/<number>/reject", "POST", cases.reject_case),
    ("/cases/<number>/reopen", "POST", cases.reopen_case),
    ("/cases/<number>/classification", "POST", cases.classify_case),
    ("/cases/<number>/severity", "POST", cases.set_severity),
    ("/cases/<number>/matter", "POST", cases.set_matter),
    ("/cases/<number>/assignment", "POST", cases.assign_case),
    ("/cases/<number>/start", "POST", cases.start_work),
    ("/cases/<number>/notes", "POST", cases.add_note),
    ("/cases/<number>/messages", "POST", cases.message_reporter),
    ("/cases/<number>/reporter-answers", "POST", cases.record_reporter_answer),
    ("/cases/<number>/referrals", "POST", cases.refer_case),
    ("/cases/<number>/identity/reveal", "POST", cases.reveal_identity),
    ("/cases/<number>/confidentiality", "POST", cases.set_confidentiality),
    ("/cases/<number>/audit", "GET", cases.case_audit),
    ("/cases/<number>/archive", "POST", archive.archive_case),
    ("/cases/<number>/export", "GET", archive.export_case),
    ("/cases/<number>/raw-mail", "GET", archive.raw_mail_list),
    ("/cases/<number>/raw-mail/<index>", "GET", archive.raw_mail),
    ("/cases/<number>/attachments/<index>", "GET", files.case_attachment),
    ("/cases/<number>/print", "GET", files.print_case),
    ("/cases/<number>/follow-ups", "POST", follow_ups.record_follow_up),
    ("/cases/<number>/contacts", "POST", clocks.record_contact),
    ("/cases/<number>/compensation/materials-complete", "POST", clocks.record_materials_complete),
    ("/cases/<number>/mark", "POST", marks.mark_report),
    ("/cases/<number>/reporter-history", "GET", marks.reporter_history),
    ("/cases/<number>/rewards", "POST", marks.record_reward),
    ("/rewards", "GET", marks.reward_ledger),
    ("/cases/<number>/release-hold", "POST", misuse.release_held_report),
    ("/cases/<number>/reporter-standing/lift", "POST", misuse.lift_misuse_standing),
    ("/statistics", "GET", statistics.bulletin),
    ("/cases/<number>/appeal", "POST", appeals.register_appeal),
    ("/cases/<number>/decision", "POST", decisions.draft_decision),
    ("/cases/<number>/decision/compensation-approval", "POST", decisions.approve_compensation),
    ("/cases/<number>/decision/approve", "POST", decisions.approve_decision),
    ("/cases/<number>/decision/send-back", "POST", decisions.send_back_decision),
    ("/cases/<number>/decision-deadline/extension", "GET", deadlines.extension),
    ("/cases/<number>/decision-deadline/extension", "POST", deadlines.request_extension),
    ("/cases/<number>/decision-deadline/extension/approve", "POST", deadlines.approve_extension),
    ("/cases/<number>/decision-deadline/extension/refuse", "POST", deadlines.refuse_extension),
    ("/cases/<number>/replies/<reply_id>/approve", "POST", decisions.approve_reply),
    ("/cases/<number>/replies/<reply_id>/send-back", "POST", decisions.send_back_reply),
    ("/cases/<number>/respondent-notice", "POST", respondents.notify_respondent),
    ("/cases/<number>/corrective-actions", "POST", respondents.record_corrective_action),
    ("/cases/<number>/corrective-actions/<action_id>/done", "POST",
     respondents.complete_corrective_action),
    ("/cases/<number>/disclosure", "POST", disclosures.propose_disclosure),
    ("/cases/<number>/disclosure/approve", "POST", disclosures.approve_disclosure),
    ("/cases/<number>/disclosure/refuse", "POST", disclosures.refuse_disclosure),
    ("/cases/<number>/disclosure/withdraw", "POST", disclosures.withdraw_disclosure),
    ("/held-mail", "GET", held.held_mail_queue),
    ("/held-mail/<held_id>", "GET", held.held_mail),
    ("/held-mail/<held_id>/raw", "GET", held.held_mail_raw),
    ("/held-mail/<held_id>/open-case", "POST", held.open_case_from_held_mail),
    ("/held-mail/<held_id>/attach", "POST", held.attach_held_mail),
    ("/held-mail/<held_id>/dismiss", "POST", held.dismiss_held_mail),
    ("/mail/failed", "GET", mail.failed_mail),
    ("/mail/<outbox_id>/retry", "POST", mail.retry_mail),
    ("/statistics/export.xlsx", "GET", statistics_files.statistics_xlsx),
    ("/statistics/export.csv", "GET", statistics_files.statistics_csv),
)

# Open without an identity, in the local mode only (behind IAP the route answers 404).
PUBLIC_ENDPOINTS = frozenset({"sign_in"})

HANDLERS = {handler.__name__: handler for _, _, handler in ROUTES}
# No redirects: `/me/` or `//me` is simply not a route (a redirect would leak the real one).
MAP = Map([Rule(path, methods=[method], endpoint=handler.__name__)
           for path, method, handler in ROUTES], strict_slashes=False, merge_slashes=False)
assert len(HANDLERS) == len(ROUTES), "each route has a handler of its own name"
