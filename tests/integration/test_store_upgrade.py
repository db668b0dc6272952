"""Firestore cases of the first schema (timeline inside, no queue keys, no reporter email hash)
after the schema upgrade (`firestore_upgrade`, run by `python -m tools.upgrade_store`) and after
being written again: in every queue, in `due_cases` and in their reporter's list, their events
paged, on the emulator. The upgrade is paged, resumable and changes nothing the second time."""
from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from google.cloud.firestore_v1.batch import WriteBatch
from google.cloud.firestore_v1.transaction import Transaction

from shared.adapters import firestore_upgrade
from shared.domain.cases import EventType, TimelineEvent
from shared.domain.queues import CaseQuery, QueueOrder, reporter_email_hash
from tests.conftest import START
from tests.support.builders import a_case, an_identity, unique_number
from tests.support.first_schema import first_case_document, first_event
from tests.support.timeline import events_of

LONG = 1200  # embedded events: more than one commit may write
LATER = datetime(2027, 1, 1, tzinfo=UTC)
FIRST_VERSION_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "first_version.sqlite3"


def a_timeline(length: int, start: str = "2026-11-28T12:30:00.000000Z") -> list[dict]:
    """case_registered, then replies the reporter sees and notes they do not, alternately."""
    return [first_event("case_registered", start, data={"channel": "web_form"}), *(
        first_event("reporter_replied" if i % 2 else "note", f"2026-11-28T13:{i % 60:02d}:00.000000Z",
                    text=f"第{i}条") for i in range(1, length))]


@pytest.fixture
def commit_sizes(monkeypatch) -> list[int]:
    """The number of writes of every commit. Firestore refuses more than 500 in one; the test
    emulator does not, so the tests count them."""
    sizes: list[int] = []
    for cls, name in ((WriteBatch, "commit"), (Transaction, "_commit")):
        def counted(self, *args, real=getattr(cls, name), **kwargs):
            sizes.append(len(self._write_pbs))
            return real(self, *args, **kwargs)
        monkeypatch.setattr(cls, name, counted)
    return sizes


def put_first_schema_case(store, email: str, length: int = 3, **overrides) -> str:
    """A case document and private record as the first version wrote them."""
    number = overrides.pop("number", None) or unique_number()
    client = store.client
    client.collection("cases").document(number).set(
        first_case_document(number, "2026-11-28T12:30:00.000000Z", a_timeline(length), **overrides))
    client.collection("reporter_identities").document(number).set(
        {"case_number": number, "name": "王小明" if email else "", "email": email, "phone": ""})
    return number


def mine(email: str) -> CaseQuery:
    return CaseQuery(reporter_email_hash=reporter_email_hash(email))


def numbers(page) -> list[str]:
    return [case.number for case in page.cases]


def everything(store) -> dict[str, dict]:
    """Every case, event and private record of the store's project, by path (the emulator
    cannot list collections)."""
    found = {}
    for name in ("cases", "reporter_identities", "outbox", "mail_index"):
        for snapshot in store.client.collection(name).stream():
            found[snapshot.reference.path] = snapshot.to_dict()
            if name == "cases":
                found.update({s.reference.path: s.to_dict()
                              for s in snapshot.reference.collection("events").stream()})
    return found


def test_a_first_schema_case_written_again_is_in_its_reporters_list(firestore_store):
    number = put_first_schema_case(firestore_store, "XiaoMing@Example.com")
    firestore_store.update_case(number, lambda c: c.record(
        TimelineEvent(EventType.NOTE, START + timedelta(days=1), text="called back")))
    assert numbers(firestore_store.find_cases(mine("xiaoming@example.com"))) == [number]
    assert numbers(firestore_store.find_cases(CaseQuery(assignee=""))) == [number]
    assert [c.number for c in firestore_store.due_cases(LATER, 10)] == [number]


def test_a_first_schema_case_too_long_for_one_commit_takes_its_next_change(firestore_store,
                                                                          commit_sizes):
    number = put_first_schema_case(firestore_store, "a@example.com", length=LONG)
    updated = firestore_store.update_case(number, lambda c: c.record(
        TimelineEvent(EventType.NOTE, START + timedelta(days=1), text="later")))
    assert updated.event_count == LONG + 1
    events = events_of(firestore_store, number)
    assert [e.seq for e in events] == list(range(1, LONG + 2))
    assert (events[1].text, events[-1].text) == ("第1条", "later")
    stored = firestore_store.client.collection("cases").document(number).get().to_dict()
    assert "timeline" not in stored and stored["event_count"] == LONG + 1
    assert 0 < max(commit_sizes) <= firestore_upgrade.WRITES_PER_BATCH


@pytest.mark.slow
def test_the_upgrade_puts_every_first_schema_case_in_its_queues(firestore_store, commit_sizes):
    store = firestore_store
    long = put_first_schema_case(store, "Long@Example.com", length=LONG)
    short = put_first_schema_case(store, "xm@qq.com", kind="report", status="accepted")
    anonymous = put_first_schema_case(store, "", anonymous=True)
    current = unique_number()
    store.register(a_case(current, START), an_identity(current), [])
    assert numbers(store.find_cases(CaseQuery())) == [current]  # before: only the current one

    report = firestore_upgrade.upgrade(store.client, page=2)
    assert (report.version_before, report.version, report.cases_read, report.cases_upgraded,
            report.events_moved) == (1, firestore_upgrade.SCHEMA_VERSION, 4, 3, LONG + 3 + 3)
    assert max(commit_sizes) <= firestore_upgrade.WRITES_PER_BATCH

    newest = numbers(store.find_cases(CaseQuery(), limit=2))
    assert len(newest) == 2
    assert set(numbers(store.find_cases(CaseQuery(), limit=10))) == {long, short, anonymous, current}
    urgent = store.find_cases(CaseQuery(order=QueueOrder.MOST_URGENT_FIRST), limit=10)
    assert set(numbers(urgent)) == {long, short, anonymous, current}
    assert {c.number for c in store.due_cases(LATER, 10)} == {long, short, anonymous, current}
    assert numbers(store.find_cases(mine("long@example.com"))) == [long]
    assert numbers(store.find_cases(mine("XM@qq.com"))) == [short]
    assert numbers(store.find_cases(CaseQuery(status="accepted", kind="report"))) == [short]

    events = events_of(store, long)
    assert [e.seq for e in events] == list(range(1, LONG + 1))
    assert events[0].type == EventType.CASE_REGISTERED and events[LONG - 1].text == f"第{LONG - 1}条"
    public = events_of(store, long, public_only=True)
    assert [e.seq for e in public] == [1, *range(2, LONG + 1, 2)]
    page = store.case_events(long, public_only=True, after_seq=public[49].seq, limit=50)
    assert page == public[50:100]
    case = store.get_case(long)
    assert (case.event_count, case.public_event_count) == (LONG, 1 + LONG // 2)
    stored = store.client.collection("cases").document(long).get().to_dict()
    assert "timeline" not in stored and stored["event_count"] == LONG
    schema = store.client.collection("meta").document("schema").get()
    assert schema.get("version") == firestore_upgrade.SCHEMA_VERSION

    before = everything(store)
    assert len(before) > LONG  # the 1 200 events among them
    assert firestore_upgrade.upgrade(store.client).cases_read == 0  # at its version: nothing
    store.client.collection("meta").document("schema").delete()
    again = firestore_upgrade.upgrade(store.client, page=3)
    assert (again.cases_read, again.cases_upgraded, again.events_moved) == (4, 0, 0)
    after = everything(store)
    assert after == before  # a second full run changes nothing


def test_an_interrupted_upgrade_resumes_where_it_stopped(firestore_store, monkeypatch):
    store = firestore_store
    emails = {put_first_schema_case(store, f"r{i}@example.com"): f"r{i}@example.com"
              for i in range(5)}
    cases = sorted(emails)
    upgrade_case = firestore_upgrade.upgrade_case
    done: list[str] = []

    def stops_after_three(client, number, snapshot=None):
        if len(done) == 3:
            raise ConnectionError("the operator's connection dropped")
        done.append(number)
        return upgrade_case(client, number, snapshot)

    monkeypatch.setattr(firestore_upgrade, "upgrade_case", stops_after_three)
    with pytest.raises(ConnectionError):
        firestore_upgrade.upgrade(store.client, page=2)
    assert store.client.collection("meta").document("schema").get().to_dict() == \
        {"version": 1, "resume_after": cases[1]}
    monkeypatch.setattr(firestore_upgrade, "upgrade_case", upgrade_case)

    report = firestore_upgrade.upgrade(store.client, page=2)
    assert (report.cases_read, report.cases_upgraded) == (3, 2)  # from the third case on
    for number, email in emails.items():
        assert numbers(store.find_cases(mine(email))) == [number]


def test_a_case_changed_while_it_is_upgraded_is_upgraded_again(firestore_store, monkeypatch):
    store = firestore_store
    number = put_first_schema_case(store, "a@example.com", length=5)
    snapshot = store.client.collection("cases").document(number).get()
    store.client.collection("cases").document(number).update(  # the first version, still running
        {"timeline": [*snapshot.get("timeline"), first_event("note", "2026-11-29T00:00:00.000000Z",
                                                              text="late")]})
    assert firestore_upgrade.upgrade_case(store.client, number, snapshot) == 6
    assert [e.text for e in events_of(store, number)][-1] == "late"


def test_the_operator_command_upgrades_the_configured_store(firestore_store, monkeypatch, capsys):
    from tools import upgrade_store

    number = put_first_schema_case(firestore_store, "cmd@example.com")
    monkeypatch.setenv("CD_CASE_STORE", "firestore")
    monkeypatch.setenv("CD_FIRESTORE_PROJECT", firestore_store.client.project)
    assert upgrade_store.main() == 0
    assert "1 upgraded" in capsys.readouterr().out
    assert numbers(firestore_store.find_cases(mine("cmd@example.com"))) == [number]


def test_the_operator_command_migrates_a_sqlite_file(tmp_path, monkeypatch, capsys):
    from shared.adapters.sqlite_schema import MIGRATIONS
    from tools import upgrade_store

    path = tmp_path / "cases.sqlite3"
    shutil.copyfile(FIRST_VERSION_FILE, path)
    monkeypatch.setenv("CD_SQLITE_PATH", str(path))
    assert upgrade_store.main() == 0
    assert f"schema version {len(MIGRATIONS)}" in capsys.readouterr().out  # every migration ran
