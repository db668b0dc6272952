"""The console's case page once the reporter's identity was purged after retention (issue 12):
it says so where the masked identity was, and offers no reveal."""
from __future__ import annotations

from shared.domain.cases import EventType
from shared.domain.identity_purge import purge
from shared.domain.staff import Role
from tests.support import console as console_fixtures
from tests.support import staff_api as api_fixtures
from tests.support.console import text_of
from tests.support.held_mail import requester
from tests.support.staff_desk import StaffDesk

staff_api, sqlite_staff_api = api_fixtures.staff_api, api_fixtures.sqlite_staff_api
console, sqlite_console = console_fixtures.console, console_fixtures.sqlite_console


def test_a_purged_reporter_is_said_so_and_cannot_be_revealed(sqlite_console):
    cases = StaffDesk(sqlite_console.store, sqlite_console.api.app.clock)
    number = cases.case()
    store, now = sqlite_console.store, cases.clock.now()
    sqlite_console.sign_in_as(Role.SUPERVISOR)
    before = sqlite_console.get(f"/console/cases/{number}?lang=en").get_data(as_text=True)
    assert 'id="action-reveal_identity"' in before and 'id="reporter-purged"' not in before
    identity = store.get_identity(number)
    store.update_case(number, lambda case: purge(case, identity, [], now) and None)
    page = sqlite_console.get(f"/console/cases/{number}?lang=en").get_data(as_text=True)
    assert 'id="reporter-purged"' in page and 'id="action-reveal_identity"' not in page
    assert "there is nothing left to reveal" in text_of(
        sqlite_console.get(f"/console/cases/{number}?lang=en"))
    assert "w***@qq.com" not in page and store.get_identity(number) is None
    assert [e.type for e in store.case_events(number, public_only=True, limit=50)][-1] == \
        EventType.IDENTITY_PURGED


def test_the_export_and_the_printed_form_say_the_reporter_was_purged(sqlite_console):
    cases = StaffDesk(sqlite_console.store, sqlite_console.api.app.clock)
    number = cases.case()
    store, now, app = sqlite_console.store, cases.clock.now(), sqlite_console.api.app
    identity = store.get_identity(number)
    store.update_case(number, lambda case: purge(case, identity, [], now) and None)
    boss = requester(Role.SUPERVISOR)
    exported = app.case_exports.export(boss, number, "en").data.decode()
    printed = app.case_print_forms.print_form(boss, number, "en").html
    for document in (exported, printed):
        assert 'id="reporter-purged"' in document and "nothing left to reveal" in document
