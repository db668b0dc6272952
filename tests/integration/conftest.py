from __future__ import annotations

import dataclasses

import pytest

from shared.bootstrap import build_services
from shared.local.mailbox import MailboxHandler
from tests.support.mailbox import smtp_server


@pytest.fixture
def mailbox(tmp_path):
    """A real loopback SMTP server filing messages under tmp_path/mail; yields (port, folder)."""
    folder = tmp_path / "mail"
    with smtp_server(MailboxHandler(folder)) as port:
        yield port, folder


@pytest.fixture
def app(settings, mailbox, clock, sqlite_store):
    """Every service wired as in production, on SQLite, a real SMTP server and a fixed clock."""
    port, _ = mailbox
    return build_services(dataclasses.replace(settings, smtp_port=port), store=sqlite_store,
                          clock=clock)


@pytest.fixture
def function_client(tmp_path, mailbox, monkeypatch):
    """Test clients of the real entry points (functions-framework apps), configured through the
    environment exactly as in production: SQLite, a folder for files, the loopback mailbox."""
    import functions_framework

    from shared import bootstrap
    from shared.settings import PROJECT_ROOT

    port, _ = mailbox
    monkeypatch.setenv("CD_SQLITE_PATH", str(tmp_path / "fn.sqlite3"))
    monkeypatch.setenv("CD_ATTACHMENT_FOLDER", str(tmp_path / "files"))
    monkeypatch.setenv("CD_SMTP_PORT", str(port))
    monkeypatch.setenv("CD_STATUS_URL", "https://complaints.example.com/case_status")
    # As in the cloud: one proxy (Cloud Run's front end) appends the caller's address.
    monkeypatch.setenv("CD_TRUSTED_PROXIES", "1")
    bootstrap.services.cache_clear()

    def client(name: str, signature: str = "http"):
        source = str(PROJECT_ROOT / "functions" / f"{name}.py")
        return functions_framework.create_app(name, source, signature).test_client()

    yield client
    bootstrap.services.cache_clear()
