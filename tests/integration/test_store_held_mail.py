"""The CaseStore contract for the staff's held-mail queue, the same on both stores: the open
entries newest first in keyset pages (ties on the time broken by id), one entry by id, and
settling an entry once (atomic; a second settle changes nothing)."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from shared.domain.cases import HeldMail
from shared.domain.held_mail import (
    HeldMailAction,
    HeldMailNotFound,
    HeldMailSettled,
    Resolution,
)
from tests.conftest import START

# Minutes after START for each held message: several share a time, so paging must break ties.
MINUTES = [0, 0, 0, 1, 2, 2, 3, 3, 3, 3, 4]


def hold(store, minutes: int, sender="mailer-daemon@qq.com") -> HeldMail:
    held = HeldMail(uuid.uuid4().hex, START + timedelta(minutes=minutes), sender, "退信",
                    "automated: auto-replied", f"mail/{uuid.uuid4().hex}.eml")
    store.hold_mail(held, [f"mid:{uuid.uuid4().hex}"])
    return held


def dismissed(by="s-clerk", reason="垃圾邮件") -> Resolution:
    return Resolution(HeldMailAction.DISMISSED, by, START + timedelta(hours=1), reason,
                      client="198.51.100.7")


def all_pages(store, limit):
    pages, after = [], None
    while True:
        page = store.open_held_mail(limit, after)
        pages.append([e.mail.id for e in page.entries])
        if page.next_cursor is None:
            return pages
        after = page.next_cursor


def test_open_held_mail_pages_newest_first_without_repeating_or_skipping_ties(store):
    held = [hold(store, m) for m in MINUTES]
    expected = [h.id for h in sorted(held, key=lambda h: (h.received_at, h.id), reverse=True)]
    pages = all_pages(store, 3)
    assert [len(p) for p in pages] == [3, 3, 3, 2]
    assert sum(pages, []) == expected
    assert all_pages(store, 50) == [expected]


def test_a_settled_entry_leaves_the_queue_and_keeps_its_resolution(store):
    first, second, third = hold(store, 0), hold(store, 1), hold(store, 2)
    settled = store.settle_held_mail(second.id, dismissed())
    assert not settled.open and settled.resolution == dismissed()
    assert [e.mail.id for e in store.open_held_mail(50).entries] == [third.id, first.id]
    stored = store.get_held_mail(second.id)
    assert stored.mail == second and stored.resolution == dismissed()
    assert store.get_held_mail(first.id).open
    assert [h.id for h in store.held_mail(10)] == [third.id, second.id, first.id]  # all, still


def test_an_entry_is_settled_once_and_a_second_settle_changes_nothing(store):
    held = hold(store, 0)
    opened = Resolution(HeldMailAction.OPENED_CASE, "s-clerk", START, "", "TS-20261128-ABCDEF-0",
                        "203.0.113.9")
    store.settle_held_mail(held.id, opened)
    for _ in range(2):
        with pytest.raises(HeldMailSettled) as refused:
            store.settle_held_mail(held.id, dismissed(by="s-other"))
        assert refused.value.entry.resolution == opened
    assert store.get_held_mail(held.id).resolution == opened


def test_unknown_entries_are_none_and_cannot_be_settled(store):
    hold(store, 0)
    for unknown in (uuid.uuid4().hex, "", "a/b", "../x", "x" * 2000):
        assert store.get_held_mail(unknown) is None
        with pytest.raises(HeldMailNotFound):
            store.settle_held_mail(unknown, dismissed())


@pytest.mark.parametrize("cursor", ["garbage", "2026-11-28|x", "|", "2026-11-28T12:30:00.000000Z"])
def test_a_malformed_cursor_is_an_error_not_a_page(store, cursor):
    hold(store, 0)
    with pytest.raises(ValueError):
        store.open_held_mail(10, cursor)


def test_a_page_size_outside_the_stores_range_is_an_error(store):
    for size in (0, -1, 10_000):
        with pytest.raises(ValueError):
            store.open_held_mail(size)


def test_settling_one_entry_twice_at_once_settles_it_once(store):
    from concurrent.futures import ThreadPoolExecutor

    held = hold(store, 0)

    def settle(i):
        try:
            return store.settle_held_mail(held.id, dismissed(by=f"s-{i}")).resolution.staff_id
        except HeldMailSettled:
            return None

    with ThreadPoolExecutor(4) as pool:
        winners = [w for w in pool.map(settle, range(4)) if w]
    assert len(winners) == 1
    assert store.get_held_mail(held.id).resolution.staff_id == winners[0]


@pytest.mark.firestore
def test_firestore_held_documents_from_before_the_queue_join_it_after_the_upgrade(
        firestore_store):
    from shared.adapters import firestore_inbound_mail, records

    old = HeldMail(uuid.uuid4().hex, START, "bob@example.com", "Out of office", "automated",
                   "mail/old.eml")
    firestore_store.client.collection("held_mail").document(old.id).set(
        records.held_to_record(old))  # as written before held mail could be settled
    new = hold(firestore_store, 5)
    assert [e.mail.id for e in firestore_store.open_held_mail(50).entries] == [new.id]
    assert firestore_store.get_held_mail(old.id).open
    assert firestore_inbound_mail.upgrade_held_mail(firestore_store.client, page=1) == 1
    assert firestore_inbound_mail.upgrade_held_mail(firestore_store.client, page=1) == 0
    assert [e.mail.id for e in firestore_store.open_held_mail(50).entries] == [new.id, old.id]
    assert firestore_store.get_held_mail(old.id).mail == old


@pytest.mark.firestore
def test_the_deploy_upgrade_brings_old_held_documents_into_the_queue(firestore_store):
    from shared.adapters import firestore_upgrade, records

    old = HeldMail(uuid.uuid4().hex, START, "bob@example.com", "Out of office", "automated",
                   "mail/old.eml")
    firestore_store.client.collection("held_mail").document(old.id).set(
        records.held_to_record(old))
    firestore_upgrade.upgrade(firestore_store.client)
    assert [e.mail.id for e in firestore_store.open_held_mail(50).entries] == [old.id]
