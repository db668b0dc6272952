"""Schemathesis against the staff API (issue 12): requests generated from
docs/staff-api.openapi.yaml, positive and negative, sent in process to the real `staff_api`
function on SQLite as a member holding every role: no answer is a 5xx. A few per operation by
default; `CD_FUZZ_LONG=1` for 500 (`tests/support/fuzzing.py`)."""
from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis

from shared.domain.staff import Role
from tests.support.fuzzing import Progress, fuzz_settings

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = schemathesis.openapi.from_path(str(ROOT / "docs" / "staff-api.openapi.yaml"))
SENT = Progress("staff API")


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory):
    """The staff function's WSGI app on SQLite, built once for every operation (as
    `function_client` builds it), and a bearer token of a member holding every role."""
    import functions_framework

    from shared import bootstrap
    from shared.local.mailbox import MailboxHandler
    from shared.settings import PROJECT_ROOT
    from tests.support.mailbox import smtp_server
    from tests.support.staff_api import StaffApi

    folder = tmp_path_factory.mktemp("staff-fuzz")
    with pytest.MonkeyPatch.context() as env, smtp_server(MailboxHandler(folder / "mail")) as port:
        env.setenv("CD_SQLITE_PATH", str(folder / "fn.sqlite3"))
        env.setenv("CD_ATTACHMENT_FOLDER", str(folder / "files"))
        env.setenv("CD_SMTP_PORT", str(port))
        env.setenv("CD_STATUS_URL", "https://complaints.example.com/case_status")
        bootstrap.services.cache_clear()
        app = functions_framework.create_app(
            "staff_api", str(PROJECT_ROOT / "functions" / "staff_api.py"), "http")
        _, token = StaffApi(app.test_client(), bootstrap.services()).member(*Role)
        yield app, token
        bootstrap.services.cache_clear()


@SCHEMA.parametrize()
@fuzz_settings(default=2, long=500)
def test_no_generated_request_makes_the_staff_api_fail(case, signed_in):
    SENT.tick()
    app, token = signed_in
    response = case.call(app=app, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.status_code,
                                        response.text[:500])
