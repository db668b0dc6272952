"""Fixtures shared by every test layer."""
from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

import pytest

from shared.adapters.clock import FixedClock
from shared.adapters.sqlite_store import SqliteCaseStore
from shared.settings import Settings

# A Saturday evening in Beijing: 2026-11-28 20:30 CST.
START = datetime(2026, 11, 28, 12, 30, tzinfo=UTC)


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        sqlite_path=tmp_path / "cases.sqlite3",
        attachment_folder=tmp_path / "attachments",
        local_mailbox=tmp_path / "mail",
        status_url="https://complaints.example.com/case_status",
    )


@pytest.fixture
def sqlite_store(tmp_path):
    return SqliteCaseStore(tmp_path / "store.sqlite3")


@pytest.fixture(scope="session")
def firestore_emulator():
    """The Firestore emulator on loopback for the whole session (tools/firestore-emulator)."""
    from tests.support.firestore_emulator import running_firestore_emulator

    with running_firestore_emulator() as host_port:
        previous = os.environ.get("FIRESTORE_EMULATOR_HOST")
        os.environ["FIRESTORE_EMULATOR_HOST"] = host_port
        yield host_port
        if previous is None:
            os.environ.pop("FIRESTORE_EMULATOR_HOST", None)
        else:
            os.environ["FIRESTORE_EMULATOR_HOST"] = previous


@pytest.fixture
def firestore_store(firestore_emulator):
    """A FirestoreCaseStore on a project of its own, so tests never see each other's data."""
    from shared.adapters.firestore_store import FirestoreCaseStore

    return FirestoreCaseStore(project=f"test-{uuid.uuid4().hex[:12]}")


@pytest.fixture(params=["sqlite", pytest.param("firestore", marks=pytest.mark.firestore)])
def store(request):
    """Every backend of the CaseStore port, for the one contract suite."""
    return request.getfixturevalue(f"{request.param}_store")


def pytest_collection_modifyitems(items):
    # A marker applied while a fixture runs is too late for `-m "not firestore"` to deselect:
    # mark every test that needs the emulator at collection time instead.
    for item in items:
        if "firestore_emulator" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.firestore)
