"""Schemathesis against the public functions (issue 12): requests generated from
docs/public-api.openapi.yaml — and from its negation (wrong types, missing and extra fields) —
sent to the local stack's one WSGI app in process (`build_app`, every function as deployed, on
SQLite): no answer is a 5xx and nothing raises. A few dozen per operation by default;
`CD_FUZZ_LONG=1` for 2 000 (`tests/support/fuzzing.py`)."""
from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis

from shared import bootstrap
from tests.support.fuzzing import Progress, fuzz_settings

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = schemathesis.openapi.from_path(str(ROOT / "docs" / "public-api.openapi.yaml"))
TOPIC = "arn:aws:sns:us-east-1:123456789012:inbound-mail"
SENT = Progress("public functions")


@pytest.fixture
def stack(tmp_path, mailbox, monkeypatch):
    """The local stack's WSGI app, configured as `bin/serve` is (SQLite, a folder for files, the
    loopback mailbox). No certificate is ever fetched from the internet: a request that gets
    as far as fetching one is refused as a forgery would be."""
    from shared.local.local_stack import build_app

    def offline(url):
        raise OSError(f"offline test: not fetching {url}")

    for name, value in {"CD_SQLITE_PATH": tmp_path / "fuzz.sqlite3",
                        "CD_ATTACHMENT_FOLDER": tmp_path / "files", "CD_SMTP_PORT": mailbox[0],
                        "CD_INBOUND_TOPIC_ARN": TOPIC, "CD_INBOUND_MAIL_BUCKET": "inbound-mail",
                        "CD_STATUS_URL": "https://complaints.example.com/case_status"}.items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.setattr("shared.adapters.amazon_inbound._requests_get", offline)
    bootstrap.services.cache_clear()
    yield build_app()
    bootstrap.services.cache_clear()


@SCHEMA.parametrize()
@fuzz_settings(default=25, long=2000)
def test_no_generated_request_makes_a_public_function_fail(case, stack):
    SENT.tick()
    response = case.call(app=stack)
    assert response.status_code < 500, (case.method, case.path, response.status_code,
                                        response.text[:500])


# -- what it found ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", [{}, [], ["Notification"], 1, None])
def test_an_sns_body_whose_type_is_not_text_is_refused_not_a_500(stack, kind):
    from werkzeug.test import Client

    answer = Client(stack).post("/receive_email", json={"Type": kind, "TopicArn": TOPIC})
    assert answer.status_code == 403  # it raised TypeError (unhashable) and answered 500
