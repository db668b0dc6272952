"""Cases stored before word search existed are found by their subject's words: a SQLite file of
schema version 5 after migration 6 (and one of the first version, through every migration), and
Firestore documents of schema 2 (no `search_terms`) after the schema upgrade or their next write."""
from __future__ import annotations

import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from shared.adapters import firestore_upgrade, records
from shared.adapters.sqlite_schema import (
    CASE_COLUMNS,
    MIGRATIONS,
    case_columns,
    dump,
    event_row,
)
from shared.adapters.sqlite_store import SqliteCaseStore
from shared.domain.cases import EventType, ReporterIdentity, TimelineEvent
from shared.domain.queues import CaseQuery, search_terms
from tests.conftest import START
from tests.support.builders import a_case, unique_number

OLD_SUBJECTS = {"TS-20261128-AAAAAA-0": "退款申请没有回复", "TS-20261128-BBBBBB-0": "Refund 退款",
                "JB-20261128-CCCCCC-0": "账号被盗"}


def found(store, typed: str) -> list[str]:
    return [c.number for c in store.find_cases(CaseQuery(words=search_terms(typed))).cases]


def write_version_5_file(path) -> None:
    """A file as version 5 left it: the first five migrations, then cases as its store wrote
    them (case row with its queue columns, events, private record), no word index."""
    db = sqlite3.connect(path, isolation_level=None)
    for version, migration in enumerate(MIGRATIONS[:5], 1):
        db.execute("BEGIN IMMEDIATE")
        migration(db)
        db.execute(f"PRAGMA user_version = {version}")
        db.execute("COMMIT")
    for minutes, (number, subject) in enumerate(OLD_SUBJECTS.items()):
        case = a_case(number, START + timedelta(minutes=minutes), subject=subject)
        db.execute(f"INSERT INTO cases (number, doc, {', '.join(CASE_COLUMNS)}) "
                   f"VALUES (?, ?{', ?' * len(CASE_COLUMNS)})",
                   (number, dump(records.case_to_record(case)), *case_columns(case, "")))
        db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [event_row(number, e) for e in case.new_events])
        db.execute("INSERT INTO reporter_identities VALUES (?, ?)",
                   (number, dump(records.identity_to_record(ReporterIdentity(number)))))
    db.close()


def test_a_version_5_file_opens_with_its_cases_found_by_their_words(tmp_path):
    path = tmp_path / "cases.sqlite3"
    write_version_5_file(path)
    store = SqliteCaseStore(path)
    assert store.schema_version == len(MIGRATIONS) >= 6
    numbers = list(OLD_SUBJECTS)
    assert found(store, "退款") == [numbers[1], numbers[0]]
    assert found(store, "refund") == [numbers[1]]
    assert found(store, "被盗") == [numbers[2]]
    store.update_case(numbers[2], lambda c: c.record(TimelineEvent(EventType.NOTE, START, text="x")))
    assert found(store, "被盗") == [numbers[2]]  # a later write keeps the migrated terms
    assert found(SqliteCaseStore(path), "退款申请") == [numbers[0]]  # opening again adds nothing


def test_a_migration_6_that_fails_leaves_version_5(tmp_path):
    path = tmp_path / "cases.sqlite3"
    write_version_5_file(path)
    db = sqlite3.connect(path)
    with db:  # a document that is not JSON: the backfill fails half-way
        db.execute("UPDATE cases SET doc = 'not json' WHERE number LIKE 'JB-%'")
    db.close()
    with pytest.raises(sqlite3.OperationalError):
        SqliteCaseStore(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 5
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'case_terms'").fetchone() is None


FIRST_VERSION_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "first_version.sqlite3"


def test_a_file_of_the_first_version_migrates_to_word_search(tmp_path):
    path = tmp_path / "cases.sqlite3"
    shutil.copyfile(FIRST_VERSION_FILE, path)  # a form complaint 旧的投诉, an email report 举报 诈骗
    store = SqliteCaseStore(path)
    assert found(store, "投诉") == ["TS-20261203-16MGKQ-T"]
    assert found(store, "诈骗") == found(store, "举报") == ["JB-20261203-4FFXBS-E"]


def put_schema_2_case(store, subject: str, minutes: int) -> str:
    """A case as schema 2 wrote it: the current document without `search_terms`."""
    number = unique_number()
    store.register(a_case(number, START + timedelta(minutes=minutes), subject=subject),
                   ReporterIdentity(number), [])
    document = store.client.collection("cases").document(number)
    stored = document.get().to_dict()
    del stored["search_terms"]
    document.set(stored)
    return number


def test_schema_2_documents_are_found_by_their_words_after_the_upgrade(firestore_store):
    store = firestore_store
    store.client.collection("meta").document("schema").set({"version": 2})
    old = [put_schema_2_case(store, subject, i) for i, subject in enumerate(OLD_SUBJECTS.values())]
    assert found(store, "退款") == []  # not in the word index yet

    report = firestore_upgrade.upgrade(store.client, page=2)
    assert (report.version_before, report.version, report.cases_upgraded) == (2, 3, 3)
    assert found(store, "退款") == [old[1], old[0]]
    assert found(store, "被盗") == [old[2]]
    assert firestore_upgrade.upgrade(store.client).cases_read == 0  # at its version: nothing


def test_a_schema_2_document_written_again_is_found_by_its_words(firestore_store):
    number = put_schema_2_case(firestore_store, "账号被盗", 0)
    firestore_store.update_case(number, lambda c: c.record(
        TimelineEvent(EventType.NOTE, START, text="called back")))
    assert found(firestore_store, "被盗") == [number]
