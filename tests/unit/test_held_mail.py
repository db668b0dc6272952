"""Held mail entries: open until settled, settled once, named by ids that are safe to look up."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.cases import HeldMail
from shared.domain.held_mail import (
    HeldEntry,
    HeldMailAction,
    HeldMailSettled,
    Resolution,
    filing_key,
    is_held_id,
)

AT = datetime(2026, 11, 28, 12, 30, tzinfo=UTC)
MAIL = HeldMail("5f2b8c0e9d4a4f7b8a1c2d3e4f5a6b7c", AT, "bob@example.com", "Out of office",
                "Auto-Submitted: auto-replied", "mail/x.eml")


def test_an_entry_is_open_until_settled_and_settled_once():
    entry = HeldEntry(MAIL)
    dismissed = Resolution(HeldMailAction.DISMISSED, "s-1", AT, "自动回复")
    settled = entry.settled(dismissed)
    assert entry.open and not settled.open and settled.resolution == dismissed
    with pytest.raises(HeldMailSettled) as refused:
        settled.settled(Resolution(HeldMailAction.ATTACHED, "s-2", AT, case_number="TS-1"))
    assert refused.value.entry.resolution == dismissed


@pytest.mark.parametrize("text, valid", [
    (MAIL.id, True), ("a-b_C9", True), ("", False), ("a/b", False), ("..", False),
    ("x" * 65, False), ("名字", False), (None, False), (7, False), ("a\n", False)])
def test_only_plain_ids_name_held_mail(text, valid):
    assert is_held_id(text) is valid


def test_the_filing_key_is_one_per_message():
    assert filing_key(MAIL.id) == f"held:{MAIL.id}" != filing_key("other")
