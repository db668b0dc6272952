"""Schemathesis against the staff API (issue 12): requests generated from
docs/staff-api.openapi.yaml, positive and negative, sent in process to the real `staff_api`
function on SQLite as a member holding every role: no answer is a 5xx. A few per operation by
default; `CD_FUZZ_LONG=1` for 500 (`tests/support/fuzzing.py`)."""
from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis

from shared.domain.staff import Role
from tests.support import staff_api as api_fixtures
from tests.support.fuzzing import Progress, fuzz_settings

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = schemathesis.openapi.from_path(str(ROOT / "docs" / "staff-api.openapi.yaml"))
SENT = Progress("staff API")
sqlite_staff_api = api_fixtures.sqlite_staff_api


@pytest.fixture
def signed_in(sqlite_staff_api):
    """The staff function's WSGI app and a bearer token of a member holding every role."""
    _, token = sqlite_staff_api.member(*Role)
    return sqlite_staff_api.client.application, token


@SCHEMA.parametrize()
@fuzz_settings(default=2, long=500)
def test_no_generated_request_makes_the_staff_api_fail(case, signed_in):
    SENT.tick()
    app, token = signed_in
    response = case.call(app=app, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.status_code,
                                        response.text[:500])
