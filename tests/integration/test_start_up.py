"""Start-up of a self-hosted stack: a reply key of its own (generated once, owner-only, reused),
and settings that make no sense or are unsafe stop `bin/serve` with a plain message."""
from __future__ import annotations

import os
import stat
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from shared.domain.case_numbers import new_case_number
from shared.domain.cases import Kind
from shared.domain.reply_tokens import case_from_reply_address, reply_address
from shared.reply_key_file import read_or_create_key
from shared.settings import DEVELOPMENT_REPLY_KEY, PROJECT_ROOT, ConfigurationError, Settings
from tests.support.mailbox import free_port

NUMBER = new_case_number(Kind.REPORT, date(2026, 11, 28))


def start(folder, **env) -> Settings:
    return Settings.from_environment({"CD_SQLITE_PATH": str(folder / "cases.sqlite3"), **env})


def test_without_a_key_one_is_generated_at_first_start_and_kept(tmp_path):
    first = start(tmp_path).reply_key
    assert first != DEVELOPMENT_REPLY_KEY.encode() and len(first) >= 32
    key_file = tmp_path / "reply_token.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # A later start signs and reads the same reply addresses.
    address = reply_address("report@example.com", first, NUMBER)
    later = start(tmp_path).reply_key
    assert case_from_reply_address(address, "report@example.com", later) == NUMBER
    assert start(tmp_path / "elsewhere").reply_key != first  # each installation its own


def test_the_key_file_can_be_placed_elsewhere(tmp_path):
    key = start(tmp_path, CD_REPLY_TOKEN_KEY_FILE=str(tmp_path / "secrets" / "reply.key")).reply_key
    assert (tmp_path / "secrets" / "reply.key").read_text().strip().encode() == key
    assert not (tmp_path / "reply_token.key").exists()


def test_processes_starting_at_once_agree_on_one_key(tmp_path):
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: read_or_create_key(tmp_path / "k.key"), range(16)))
    assert len(keys) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["k.key"]  # no drafts left behind


def test_a_key_file_others_can_read_is_refused(tmp_path):
    key_file = tmp_path / "reply_token.key"
    start(tmp_path).reply_key
    os.chmod(key_file, 0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        start(tmp_path).reply_key


def test_a_set_key_is_used_and_nothing_is_written(tmp_path):
    assert start(tmp_path, CD_REPLY_TOKEN_KEY="a-secret-from-the-operator").reply_key == \
        b"a-secret-from-the-operator"
    assert not (tmp_path / "reply_token.key").exists()


def serve(tmp_path, **env) -> subprocess.CompletedProcess:
    """`bin/serve` as an operator runs it; it must refuse before listening."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CD_")}
    environment.update({"CD_SQLITE_PATH": str(tmp_path / "cases.sqlite3"),
                        "CD_LOCAL_HTTP_PORT": str(free_port()), "CD_SMTP_PORT": str(free_port()),
                        "CD_LOCAL_INBOUND_SMTP_PORT": str(free_port()),
                        "CD_LOCAL_MAILBOX": str(tmp_path / "mail"), **env})
    return subprocess.run([str(PROJECT_ROOT / "bin" / "serve")], cwd=PROJECT_ROOT, env=environment,
                          capture_output=True, text=True, timeout=60)


def test_the_development_key_on_a_public_address_stops_start_up(tmp_path):
    result = serve(tmp_path, CD_REPLY_TOKEN_KEY=DEVELOPMENT_REPLY_KEY, CD_LOCAL_HTTP_HOST="0.0.0.0")
    assert result.returncode != 0
    assert "CD_REPLY_TOKEN_KEY" in result.stderr and "development key" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_nonsense_settings_stop_start_up_with_every_variable_named(tmp_path):
    result = serve(tmp_path, CD_CASE_STORE="postgres", CD_SMTP_PORT="eighty",
                   CD_TIMEZONE="Beijing")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    for expected in ("CD_CASE_STORE='postgres': must be sqlite or firestore",
                     "CD_SMTP_PORT='eighty': must be a whole number",
                     "CD_TIMEZONE='Beijing': must be an IANA time zone"):
        assert expected in result.stderr
    assert not (tmp_path / "cases.sqlite3").exists()  # nothing was started
