"""Codes and tokens are compared in constant time, and no text an attacker sends makes the
comparison raise (issue 12). Two checks: every function that checks a secret against what a
client sent goes through `hmac.compare_digest` (watched by a spy), and no `==`/`!=` in the source
compares a name that holds a secret, except the few listed with why they are not a guess."""
from __future__ import annotations

import ast
import hmac
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared.adapters.clock import FixedClock
from shared.adapters.signed_links import SignedFollowUpLinks
from shared.domain.access_codes import access_code_matches, hash_access_code
from shared.domain.follow_up_links import FollowUpLink, LinkNotValid
from shared.domain.reply_tokens import case_from_reply_address, reply_address
from shared.web.console.protection import FormRefused, check_post, csrf_key, form_token
from shared.web.receipts import ReceiptLinks

ROOT = Path(__file__).resolve().parents[2]
KEY = b"k" * 32
NUMBER = "TS-20261128-PJEVMJ-E"
ODD = ["", "x", "\u00e9" * 16, "\udcc3\udca9", "中文" * 8, "\x00" * 16, "A" * 5000]


@pytest.fixture
def compared(monkeypatch):
    """Every call of hmac.compare_digest, with its arguments (the real one still answers)."""
    calls, real = [], hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    return calls


def test_access_codes_are_compared_in_constant_time(compared):
    stored = hash_access_code(NUMBER, "GT2J-7ERR-7H23-PGNB")
    assert access_code_matches(NUMBER, "gt2j 7err 7h23 pgnb", stored)
    assert not any(access_code_matches(NUMBER, odd, stored) for odd in ODD)
    assert len(compared) == 1 + len(ODD)


def test_reply_tokens_are_compared_in_constant_time_and_odd_text_is_no_token(compared):
    address = reply_address("report@example.com", KEY, NUMBER)
    assert case_from_reply_address(address, "report@example.com", KEY) == NUMBER
    base = address.split(".")[0]
    for odd in ODD:  # a non-ASCII token raised TypeError in compare_digest: intake crashed
        assert case_from_reply_address(f"{base}.{odd}@example.com", "report@example.com", KEY) is None
    assert len(compared) >= 1 + len(ODD) - 1  # ("" has no "." to split at, in some)


def test_receipt_cookies_are_compared_in_constant_time_and_odd_cookies_open_nothing(compared):
    links = ReceiptLinks(KEY)
    name, value = links.browser_cookie("R" * 43)
    assert links.held_by_browser("R" * 43, {name: value})
    for odd in ODD:  # a non-ASCII cookie value raised TypeError: the receipt page answered 500
        assert not links.held_by_browser("R" * 43, {name: odd})
    assert len(compared) == 1 + len(ODD)


def test_receipt_and_rating_links_are_checked_by_itsdangerous_in_constant_time(compared):
    links = ReceiptLinks(KEY)
    signed = links.sign("R" * 43)
    assert links.receipt_id(signed) == "R" * 43
    assert links.receipt_id(signed[:-2] + "xx") is None
    rating = SignedFollowUpLinks(KEY, FixedClock(datetime(2026, 11, 28, tzinfo=UTC)),
                                 timedelta(days=30))
    token = rating.sign(FollowUpLink(NUMBER, "o-1"))
    assert rating.read(token).number == NUMBER
    with pytest.raises(LinkNotValid):
        rating.read(token[:-2] + "xx")
    assert len(compared) >= 4


class _Request:
    host = "desk.example.com"
    headers = {"Origin": "https://desk.example.com"}


def test_console_form_tokens_are_compared_in_constant_time(compared):
    key = csrf_key(KEY)
    check_post(_Request(), {"csrf": form_token(key, "session-1")}, key, "session-1", secure=True)
    for odd in ODD:
        with pytest.raises(FormRefused):
            check_post(_Request(), {"csrf": odd}, key, "session-1", secure=True)
    assert len(compared) == 1 + len(ODD)


# -- the source: no secret compared with == ----------------------------------------------------

SECRET_NAME = re.compile(r"access_code|code_hash|token|digest|hmac|signature|csrf|secret|"
                         r"receipt|cookie|password|^mac$|_mac$|hash", re.IGNORECASE)
# Comparisons of such names that compare nothing a client could be guessing, and why: (file, a
# fragment of the comparison) -> reason.
NOT_A_GUESS = {
    ("shared/adapters/firestore_registration.py", "access_code_hash"):
        "two stored values: is this commit ours",
    ("shared/domain/audit.py", "event_hash("): "tamper evidence of stored events, no secret",
    ("shared/domain/audit.py", "prev_hash"): "the chain's links, no secret",
    ("shared/services/staff_queues.py", "reporter_email_hash"):
        "a signed-in staff member's search, no credential",
}


def _secret_comparisons():
    for path in sorted([*ROOT.glob("shared/**/*.py"), *ROOT.glob("functions/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Compare)
                    and any(isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops)):
                continue
            names = [n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(node)
                     if isinstance(n, (ast.Name, ast.Attribute))]
            if any(SECRET_NAME.search(name) for name in names):
                yield str(path.relative_to(ROOT)), ast.unparse(node)


def test_no_secret_is_compared_with_equals_in_the_source():
    found = set(_secret_comparisons())
    listed = {(path, text) for path, text in found
              if any(path == p and fragment in text for p, fragment in NOT_A_GUESS)}
    assert found - listed == set()
    for path, fragment in NOT_A_GUESS:  # the list names no comparison that is gone
        assert any(p == path and fragment in text for p, text in found), (path, fragment)
