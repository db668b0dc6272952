"""Mail given up on, on both stores: the CaseStore contract of `failed_outbox` (newest failure
first, keyset-paged, given-up entries only) and `count_failed_outbox`; delivery giving up an
entry whose last attempt never finished; sending one again."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from shared.bootstrap import build_services
from shared.domain.cases import EventType
from shared.domain.errors import CommandRefused
from shared.domain.failed_mail import INTERRUPTED, send_again
from shared.domain.outbox import OutboxStatus
from shared.services.mail_delivery import Outcome
from tests.conftest import START
from tests.support.builders import a_case, an_identity, an_outbox_message, unique_number
from tests.support.timeline import events_of

MINUTE = timedelta(minutes=1)


def entry(store, status=OutboxStatus.PENDING, failed_minutes=None, **fields):
    """A case with one outbox entry in `status`; given up `failed_minutes` after START."""
    number = unique_number()
    message = an_outbox_message(number, START, status=status, **fields)
    if failed_minutes is not None:
        message.failed(START + failed_minutes * MINUTE, "SMTP 554: 'refused'", None)
    store.register(a_case(number, START), an_identity(number), [message])
    return message.id


def listed(store, limit=50, after=None) -> tuple[list[str], str | None]:
    page = store.failed_outbox(limit, after)
    return [m.id for m in page.entries], page.next_cursor


def every_page(store, limit) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        ids, cursor = listed(store, limit, cursor)
        pages.append(ids)
        if cursor is None:
            return pages


def test_given_up_entries_are_listed_newest_failure_first_and_paged(store):
    failed = {entry(store, failed_minutes=m): m for m in (5, 30, 5, 10)}
    entry(store)  # pending
    entry(store, OutboxStatus.SENT)
    entry(store, OutboxStatus.SENDING, lease_until=START)
    newest_first = sorted(failed, key=lambda i: (failed[i], i), reverse=True)  # ties by id
    assert listed(store) == (newest_first, None)
    for limit in (1, 2, 3):
        pages = every_page(store, limit)
        assert sum(pages, []) == newest_first and all(len(p) == limit for p in pages[:-1])
    assert store.count_failed_outbox() == 4


def test_an_entry_sent_again_leaves_the_list_and_is_sent_again_once(store):
    first, second = entry(store, failed_minutes=1), entry(store, failed_minutes=2)
    now = START + timedelta(hours=1)

    def again(message, case):
        send_again(message, case, "staff:s-1", "邮件服务器已修复", now, source="203.0.113.9")
        return True
    written = store.update_outbox(first, again)
    assert (written.status, written.next_attempt_at, written.failed_at) == (
        OutboxStatus.PENDING, now, None)
    assert listed(store) == ([second], None) and store.count_failed_outbox() == 1
    assert first in [m.id for m in store.due_outbox(now, 10)]
    event = events_of(store, written.case_number)[-1]
    assert (event.type, event.actor, event.text, event.public) == (
        EventType.NOTICE_REQUEUED, "staff:s-1", "邮件服务器已修复", False)
    assert event.data == {"outbox_id": first, "template": "acknowledgment", "attempt": 0,
                          "from": "203.0.113.9"}
    with pytest.raises(CommandRefused) as refused:
        store.update_outbox(first, again)
    assert refused.value.code == "mail_not_failed"


def test_a_malformed_cursor_or_page_size_is_refused(store):
    for cursor in ("", "yesterday|x", "2026-11-28T12:30:00.000000Z"):
        with pytest.raises(ValueError):
            store.failed_outbox(10, cursor)
    with pytest.raises(ValueError):
        store.failed_outbox(0)


@pytest.fixture
def on_both_stores(settings, clock, store):
    return lambda **changes: build_services(dataclasses.replace(settings, **changes),
                                            store=store, clock=clock)


def test_an_entry_whose_last_attempt_never_finished_is_given_up_and_listed(on_both_stores,
                                                                           clock, mailbox):
    app = on_both_stores(smtp_port=mailbox[0], delivery_max_attempts=3)
    now = clock.now()
    stuck = entry(app.store, OutboxStatus.SENDING, attempts=3, lease_until=now - MINUTE)
    leased = entry(app.store, OutboxStatus.SENDING, attempts=3, lease_until=now + MINUTE)
    early = entry(app.store, OutboxStatus.SENDING, attempts=1, lease_until=now - MINUTE)
    outcomes = {r.outbox_id: r.outcome for r in app.delivery.deliver_due()}
    assert outcomes == {stuck: Outcome.FAILED, early: Outcome.SENT}
    assert listed(app.store) == ([stuck], None)
    given_up = app.store.get_outbox(stuck)
    assert (given_up.status, given_up.attempts, given_up.last_error, given_up.failed_at) == (
        OutboxStatus.FAILED, 3, INTERRUPTED, now)
    assert events_of(app.store, given_up.case_number)[-1].type == EventType.NOTICE_FAILED
    assert app.store.get_outbox(leased).status == OutboxStatus.SENDING  # still in its attempt
    assert app.delivery.deliver_due() == []


def test_a_file_from_before_the_failed_mail_list_lists_its_given_up_mail(tmp_path):
    """The migration adding `failed_key` fills it for the entries given up before (their last
    scheduled attempt standing for when: they kept no `failed_at`)."""
    import sqlite3

    from shared.adapters import records
    from shared.adapters.sqlite_schema import MIGRATIONS, dump
    from shared.adapters.sqlite_store import SqliteCaseStore

    path = tmp_path / "cases.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    before = MIGRATIONS.index(next(m for m in MIGRATIONS if m.__name__ == "_failed_mail"))
    for version, migration in enumerate(MIGRATIONS[:before], 1):
        db.execute("BEGIN IMMEDIATE")
        migration(db)
        db.execute(f"PRAGMA user_version = {version}")
        db.execute("COMMIT")
    old = [an_outbox_message("TS-1", START, status=OutboxStatus.FAILED,
                             next_attempt_at=START + m * MINUTE) for m in (1, 2)]
    pending = an_outbox_message("TS-1", START)
    for message in (*old, pending):
        record = records.outbox_to_record(message)
        record.pop("failed_key", None)  # as written before
        db.execute("INSERT INTO outbox (id, case_number, awaiting, due_at, doc) "
                   "VALUES (?, ?, ?, ?, ?)", (message.id, "TS-1", record["awaiting"],
                                              record["due_at"], dump(record)))
    db.close()
    store = SqliteCaseStore(path)
    assert listed(store) == ([old[1].id, old[0].id], None)
    assert store.count_failed_outbox() == 2
