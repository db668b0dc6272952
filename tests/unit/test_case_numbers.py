import re
from datetime import date

from shared.domain import crockford
from shared.domain.access_codes import access_code_matches, hash_access_code, new_access_code
from shared.domain.case_numbers import new_case_number, parse_case_number
from shared.domain.cases import Kind


def test_case_number_shows_kind_and_local_date():
    number = new_case_number(Kind.REPORT, date(2026, 11, 29))
    assert number.startswith("JB-20261129-")
    assert new_case_number(Kind.COMPLAINT, date(2026, 1, 2)).startswith("TS-20260102-")


def test_case_numbers_are_not_sequential_and_rarely_repeat():
    numbers = {new_case_number(Kind.COMPLAINT, date(2026, 11, 29)) for _ in range(2000)}
    assert len(numbers) >= 1999


def test_a_typed_number_is_forgiving_about_case_separators_and_look_alikes():
    number = new_case_number(Kind.COMPLAINT, date(2026, 11, 29))
    typed = number.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert parse_case_number(typed) == number


def test_every_single_character_mistake_is_caught_by_the_check_symbol():
    number = new_case_number(Kind.COMPLAINT, date(2026, 11, 29))
    compact = number.replace("-", "")
    for position in range(10, len(compact)):
        for symbol in crockford.ALPHABET:
            if symbol == compact[position]:
                continue
            wrong = compact[:position] + symbol + compact[position + 1 :]
            assert parse_case_number(wrong) is None, wrong


def test_garbage_is_not_a_case_number():
    for text in ["", "TS", "XX-20261129-ABCDEF-G", "TS-2026112-ABCDEF-G", "TS-20261129-ABCDEU-0"]:
        assert parse_case_number(text) is None


def test_access_code_has_80_bits_in_groups_of_four():
    code = new_access_code()
    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4]
    assert all(ch in crockford.ALPHABET for ch in "".join(groups))
    assert len({new_access_code() for _ in range(1000)}) == 1000


def test_access_code_is_checked_against_its_hash_only():
    code = new_access_code()
    stored = hash_access_code("TS-20261129-ABCDEF-0", code)
    # The hash is hex, the code Crockford upper case: compare both in one case, or it cannot fail.
    assert code.replace("-", "").lower() not in stored.lower()
    assert re.fullmatch(r"[0-9a-f]{64}", stored)  # a SHA-256, nothing else
    assert access_code_matches("TS-20261129-ABCDEF-0", code.lower(), stored)
    assert not access_code_matches("TS-20261129-ABCDEF-0", new_access_code(), stored)
    assert not access_code_matches("JB-20261129-ABCDEF-0", code, stored)
