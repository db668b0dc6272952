"""Every field code a service can refuse with has a message in each language of the staff API
(found in the services' source, so a new code without its words fails here)."""
from __future__ import annotations

import re

from shared.settings import PROJECT_ROOT
from shared.web.staff_api.messages import ERRORS, FIELDS

_CODE = re.compile(r'(?:errors\[[^]]+\] = |InvalidCommand\(\{[^:]+: |fail\([^,]+, |'
                   r'setdefault\([^,]+, |self\.errors\[field\] = )"([a-z_]+)"')


def _codes() -> set[str]:
    found = set()
    for folder in ("shared/services", "shared/domain"):
        for path in (PROJECT_ROOT / folder).glob("*.py"):
            found |= set(_CODE.findall(path.read_text(encoding="utf-8")))
    return found


def test_the_services_field_codes_are_found():
    assert {"required", "too_long", "invalid_case_number", "in_future"} <= _codes()


def test_every_field_code_has_words_in_every_language():
    for lang, catalog in FIELDS.items():
        missing = sorted(_codes() - set(catalog))
        assert not missing, f"{lang}: field codes without a message: {missing}"


def test_both_languages_say_the_same_things():
    assert set(ERRORS["zh-CN"]) == set(ERRORS["en"])
    assert set(FIELDS["zh-CN"]) == set(FIELDS["en"])


_REFUSAL = re.compile(r'return "([a-z_]+)", ')  # `refusal_on` in the domain's commands


def test_every_rule_that_refuses_a_command_has_words_in_every_language():
    found = set()
    for path in (PROJECT_ROOT / "shared" / "domain").glob("*.py"):
        found |= set(_REFUSAL.findall(path.read_text(encoding="utf-8")))
    assert {"own_draft", "appeal_window_closed"} <= found
    for lang, catalog in ERRORS.items():
        assert not sorted(found - set(catalog)), f"{lang}: refusals without a message"
