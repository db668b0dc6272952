"""The local stack killed with SIGKILL at the worst moments (issue 12), then started again on
the same database: nothing is lost, nothing is done twice. The faults are armed by
`tests/support/fault_stack.py` (test code that wraps one method of the real process so that it
kills itself at that point; nothing in production can arm one).

- Between storing a case and answering the form: the browser got no answer; it sends the same
  form again (its token) to the restarted stack and is shown the receipt of the one case.
- Between sending a mail and settling it: the restarted stack takes the entry over when the
  dead run's lease has run out and sends it again with the same Message-ID, settled once.
- In the middle of a sweep: the next run finishes the cases left, each notice once."""
from __future__ import annotations

import http.cookiejar
import signal
import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest

from shared.adapters.sqlite_store import SqliteCaseStore
from shared.domain.cases import EventType
from shared.domain.queues import CaseQuery
from shared.domain.staff import Role
from shared.settings import PROJECT_ROOT
from tests.integration.test_form_resubmission import form_token
from tests.integration.test_web_form import complaint_form, receipt
from tests.support.builders import a_case, an_identity, unique_number
from tests.support.local_stack import running_local_stack, stack_env, wait_for
from tests.support.mailbox import free_port
from tests.support.staff_builders import staff_member
from tests.support.timeline import events_of

pytestmark = pytest.mark.slow


def fault(name: str) -> list[str]:
    return [sys.executable, "-m", "tests.support.fault_stack", name]


class Browser:
    """One browser: it keeps its cookies across restarts (the receipt's cookie is per form)."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=20) as answer:
            return answer.read().decode()

    def post(self, url: str, form: dict) -> str:
        with self.opener.open(url, urllib.parse.urlencode(form).encode(), timeout=20) as answer:
            return answer.read().decode()


def killed(stack) -> None:
    wait_for(lambda: stack.process.poll() is not None, timeout=60)
    assert stack.process.returncode == -signal.SIGKILL


def count_cases(database) -> int:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT count(*) FROM cases").fetchone()[0]


def copies_in(folder) -> Counter:
    """How many copies of each Message-ID the mailbox received (fault_stack keeps each)."""
    return Counter(message_from_bytes(p.read_bytes(), policy=policy.default)["Message-ID"]
                   for p in folder.glob("*.eml"))


def test_killed_before_the_form_is_answered_the_same_form_shows_the_one_receipt(tmp_path):
    browser = Browser()
    with running_local_stack(tmp_path, fault("after-registration")) as stack:
        form = complaint_form(form_token=form_token(browser.get(stack.base_url + "/submit_form")))
        with pytest.raises(OSError):  # the connection dropped: no answer, no receipt
            browser.post(stack.base_url + "/submit_form?lang=zh-CN", form)
        killed(stack)
    assert count_cases(stack.database) == 1  # stored before the kill
    with running_local_stack(tmp_path, fault("none")) as stack:
        # The person sends the form again (Back and submit, or the browser's resend).
        page = browser.post(stack.base_url + "/submit_form?lang=zh-CN", form)
        number, code = receipt(page)
        assert count_cases(stack.database) == 1
        [stored] = SqliteCaseStore(stack.database).find_cases(CaseQuery(), 5).cases
        assert stored.number == number
        status = browser.post(stack.base_url + "/case_status?lang=zh-CN",
                              {"number": number, "code": code})
        assert number in status and "订单 20261128-77" in status


def test_killed_between_sending_and_settling_the_mail_is_sent_again_and_settled_once(tmp_path):
    browser = Browser()
    with running_local_stack(tmp_path, fault("before-settling")) as stack:
        form = complaint_form(form_token=form_token(browser.get(stack.base_url + "/submit_form")))
        number, _ = receipt(browser.post(stack.base_url + "/submit_form?lang=zh-CN", form))
        killed(stack)  # the worker sent the acknowledgment and died before settling it
    [(message_id, sent)] = copies_in(stack.mailbox).items()
    assert sent == 1
    store = SqliteCaseStore(stack.database)
    assert [e.type for e in events_of(store, number)].count(EventType.NOTICE_SENT) == 0
    with running_local_stack(tmp_path, fault("none")) as stack:
        wait_for(lambda: EventType.NOTICE_SENT in [e.type for e in events_of(store, number)],
                 timeout=30)
    assert copies_in(stack.mailbox) == {message_id: 2}  # the same Message-ID: mail collapses it
    assert [e.type for e in events_of(store, number)].count(EventType.NOTICE_SENT) == 1


def test_killed_in_the_middle_of_a_sweep_the_next_run_finishes_each_notice_once(tmp_path):
    store = SqliteCaseStore(tmp_path / "cases.sqlite3")
    supervisor = staff_member((Role.SUPERVISOR,))
    store.put_staff(supervisor)
    numbers = [unique_number() for _ in range(5)]
    for number in numbers:  # received 40 days ago, never reviewed: overdue, major by time
        store.register(a_case(number, datetime.now(UTC) - timedelta(days=40)),
                       an_identity(number), [])
    env = stack_env(tmp_path, free_port(), free_port(), free_port())
    with open(tmp_path / "local_stack.log", "ab") as log:
        process = subprocess.run(fault("mid-sweep"), cwd=PROJECT_ROOT, env=env, stdout=log,
                                 stderr=subprocess.STDOUT, timeout=120)
    assert process.returncode == -signal.SIGKILL

    def of_type(number, kind) -> list:
        return [e for e in events_of(store, number) if e.type == kind]

    def told(number) -> Counter:  # one supervisor: each notice is one template once
        return Counter(e.data["template"] for e in of_type(number, EventType.NOTICE_QUEUED))

    def settled(number) -> Counter:
        return Counter(e.data["outbox_id"] for e in of_type(number, EventType.NOTICE_SENT))

    assert sum(1 for n in numbers if told(n)) == 2  # killed after its second case
    with running_local_stack(tmp_path, fault("none")) as stack:
        wait_for(lambda: all(told(n) and len(settled(n)) == sum(told(n).values())
                             for n in numbers), timeout=60)
    queued = 0
    for number in numbers:
        assert "staff_overdue" in told(number)
        assert set(told(number).values()) == {1} and set(settled(number).values()) == {1}
        queued += len(told(number))
    # Every notice reached the mailbox (a mail the kill caught between sending and settling
    # arrives twice with one Message-ID: the test above).
    assert len(copies_in(stack.mailbox)) == queued
