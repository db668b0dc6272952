"""Retention (issue 12, PIPL Art. 19): a set time after a case is archived the deadline sweep
purges its reporter's identity and every copy of it — the private record, the raw email, the
addresses in its timeline and outbox — once, on both stores. What remains: the anonymised case,
its status page (number and access code), its timeline with its audit chain holding, the
statistics, and the tallies of R21's marks."""
from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import pytest

from shared.adapters.clock import FixedClock
from shared.bootstrap import build_services
from shared.domain.case_numbers import new_case_number
from shared.domain.cases import SYSTEM, EventType, Kind, Status, TimelineEvent
from shared.domain.identity_purge import PURGED
from shared.domain.reply_tokens import derived_access_code
from shared.domain.staff import Role
from shared.services.audit_chain import all_events, check_case
from shared.services.deadline_sweep import DeadlineSweep
from shared.services.identity_retention import IdentityRetention
from shared.services.retention_clocks import ClocksStarted, start_retention_clocks
from shared.services.statistics_recount import StatisticsRecount
from tests.support.builders import a_case
from tests.support.closed_cases import close
from tests.support.held_mail import CLERK, held_complaint, requester, services_on
from tests.support.inbound_mail import first_case

ADDRESS = "87654321@qq.com"  # the corpus report's sender
HELD_SENDER = "wangfang@qq.com"  # held mail a clerk filed in the case
DAY = timedelta(days=1)
BOSS = requester(Role.SUPERVISOR)
YEARS = (date(2026, 1, 1), date(2028, 12, 31))


@pytest.fixture
def app(settings, mailbox, clock, store):
    return services_on(settings, mailbox, clock, store)


def at(app, moment):
    """The services as they run at `moment` (the sweep with the attachment storage)."""
    return build_services(app.settings, store=app.store, clock=FixedClock(moment),
                          attachments=app.attachments)


def archived_case_by_mail(app, clock):
    """A case opened by email, its acknowledgment sent, an SMTP error naming the address on its
    timeline (as delivery records one), held mail filed in it, marked unfounded, closed and
    archived by the sweep.
    (number, the moment it was archived)."""
    number = first_case(app)
    now = clock.now()

    def smtp_error(case):
        case.record(TimelineEvent(EventType.NOTICE_RETRYING, now, data={"template": "x"},
                                  text=f"450 4.2.0 <{ADDRESS}>: mailbox busy"))

    app.store.update_case(number, smtp_error)
    [ack] = [e.data["outbox_id"] for e in all_events(app.store, number)
             if e.type == EventType.NOTICE_QUEUED]

    def failed_once(message, _case):  # the entry keeps the last SMTP error, which names them
        message.last_error = f"550 5.1.1 <{ADDRESS}>: Recipient address rejected"
        return True

    app.store.update_outbox(ack, failed_once)
    app.held_mail_desk.attach(CLERK, held_complaint(app), number, "同一投诉人")
    app.case_marks.mark_report(BOSS, number, "unfounded", "明显不实")
    until = now + 30 * DAY
    close(app.store, number, now + DAY, appeal_until=until)
    at(app, until).deadline_sweep.run(60)
    assert app.store.get_case(number).status == Status.ARCHIVED
    return number, until


def everything_stored(app, number) -> str:
    """The case document and every event, as one text to search for copies."""
    events = [(e.text, e.data) for e in all_events(app.store, number)]
    return json.dumps([vars(app.store.get_case(number)).__repr__(), events], ensure_ascii=False)


def test_the_identity_is_purged_once_after_retention_and_the_case_and_figures_remain(app, clock):
    number, archived = archived_case_by_mail(app, clock)
    # Another case of the same reporter: R21's mark follows them by keyed hashes.
    other = new_case_number(Kind.COMPLAINT, clock.now().date())
    quiet = a_case(other, clock.now())
    quiet.next_due_at = None  # no deadline of its own: the sweeps below read only the first case
    app.store.register(quiet, app.store.get_identity(number), [])
    raw_keys = [e.data["raw"] for e in all_events(app.store, number) if "raw" in e.data]
    assert len(raw_keys) == 2 and ADDRESS in everything_stored(app, number)
    [held_id] = [e.data["held_id"] for e in all_events(app.store, number) if "held_id" in e.data]
    assert HELD_SENDER in everything_stored(app, number)
    figures = app.store.statistics_counts(*YEARS)
    history = app.case_marks.reporter_history(BOSS, other)
    retention = timedelta(days=app.settings.identity_retention_days)
    assert app.store.get_case(number).next_due_at == archived + retention

    early = at(app, archived + retention - timedelta(seconds=1)).deadline_sweep.run(60)
    assert early.cases_read == 0 and app.store.get_identity(number) is not None
    first = at(app, archived + retention).deadline_sweep.run(60)
    again = at(app, archived + retention + DAY).deadline_sweep.run(60)

    assert first.actions == {"identity_purge": 1, "staff_notices": 0}
    assert (again.cases_read, again.actions) == (0, {})
    assert app.store.get_identity(number) is None
    [purged] = [e for e in all_events(app.store, number) if e.type == EventType.IDENTITY_PURGED]
    assert (purged.actor, purged.public, purged.data["fields"]) == (
        SYSTEM, True, ["name", "email"])  # the corpus sender gives a name and an address
    case = app.store.get_case(number)
    assert case.identity_purged_at == archived + retention and case.next_due_at is None
    # No copy left: not in the timeline (the SMTP error), not in the raw email (deleted).
    stored = everything_stored(app, number)
    assert ADDRESS not in stored and HELD_SENDER not in stored and PURGED in stored
    assert app.store.get_held_mail(held_id).mail.sender == PURGED
    errors = [app.store.get_outbox(e.data["outbox_id"]).last_error
              for e in all_events(app.store, number) if e.type == EventType.NOTICE_QUEUED]
    assert errors and all(ADDRESS not in error for error in errors) and PURGED in errors[0]
    for key in raw_keys:
        with pytest.raises(KeyError):
            app.attachments.get(key)
    assert check_case(app.store, case) is None  # the audit chain holds over the rewritten event
    # The anonymised case remains, for its reporter too; the figures do not move.
    code = derived_access_code(app.settings.reply_key, number)
    view = app.status.look_up(number, code, "203.0.113.9")
    assert view.status == "archived" and EventType.IDENTITY_PURGED in [e.type for e in view.timeline]
    mine = app.reporter_data.download(number, code, "203.0.113.9", "html")
    assert mine["private_record"] == {"purged_at": case.identity_purged_at.isoformat()}
    assert ADDRESS not in json.dumps(mine, ensure_ascii=False)
    page = app.renderer.render("reporter_data.html", "en", d=mine, css="", csp="")
    assert "Your name and contact details were deleted on" in page
    assert app.store.statistics_counts(*YEARS) == figures
    StatisticsRecount(app.store, app.store.statistics_zone).run()
    assert app.store.statistics_counts(*YEARS) == figures  # the scrubbed timeline recounts the same
    assert app.case_marks.reporter_history(BOSS, other) == history
    assert history["unfounded"] == 1
    # Staff: nothing to reveal, nothing read, nothing recorded.
    before = app.store.get_case(number).event_count
    revealed = app.staff_cases.reveal_identity(BOSS, number, "核实")
    assert (revealed["revealed"], revealed["email"], bool(revealed["purged_at"])) == (
        False, "", True)
    assert app.staff_cases.view(BOSS, number).reporter["purged_at"]
    assert app.store.get_case(number).event_count == before


class StaleReads:
    """The store, but `due_cases` answers the page read earlier: a sweep that read the case
    before another sweep purged it."""

    def __init__(self, store, page):
        self._store, self._page = store, page

    def due_cases(self, now, limit):
        page, self._page = self._page, []
        return page

    def __getattr__(self, name):
        return getattr(self._store, name)


def test_two_sweeps_that_read_the_case_together_purge_it_once(app, clock):
    number, archived = archived_case_by_mail(app, clock)
    moment = archived + timedelta(days=app.settings.identity_retention_days)
    pages = [app.store.due_cases(moment, 10), app.store.due_cases(moment, 10)]
    assert [c.number for c in pages[0]] == [number]
    reports = [DeadlineSweep(StaleReads(app.store, page), FixedClock(moment),
                             retention=IdentityRetention(app.store, app.attachments)).run(60)
               for page in pages]
    purges = [e for e in all_events(app.store, number) if e.type == EventType.IDENTITY_PURGED]
    assert len(purges) == 1
    assert [r.actions.get("identity_purge", 0) for r in reports] == [1, 0]
    assert check_case(app.store, app.store.get_case(number)) is None


def test_the_published_policy_states_the_retention_it_applies(settings):
    shorter = build_services(dataclasses.replace(settings, identity_retention_days=200))
    page = shorter.public_pages.policy("zh-CN", shorter.published_policy)
    english = shorter.public_pages.policy("en", shorter.published_policy)
    assert "案件归档 200 天后" in page and "deleted 200 days after the case is archived" in english
    assert shorter.published_policy.version != build_services(settings).published_policy.version


def test_cases_archived_before_the_clock_existed_get_it_once_and_are_purged(app, clock):
    number, archived = archived_case_by_mail(app, clock)

    def as_archived_before(case):  # what archiving left before this version
        case.next_due_at = None

    app.store.update_case(number, as_archived_before)
    later = archived + DAY
    assert start_retention_clocks(app.store, FixedClock(later)) == ClocksStarted(1, 1)
    assert start_retention_clocks(app.store, FixedClock(later)) == ClocksStarted(1, 0)
    at(app, later).deadline_sweep.run(60)  # reads it once and sets its purge moment
    retention = timedelta(days=app.settings.identity_retention_days)
    assert app.store.get_case(number).next_due_at == archived + retention
    at(app, archived + retention).deadline_sweep.run(60)
    assert app.store.get_identity(number) is None
