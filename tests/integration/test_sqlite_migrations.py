"""A database file written by the first version opens with today's code, every case intact."""
from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared.adapters.clock import FixedClock
from shared.adapters.folder_attachments import FolderAttachmentStore
from shared.adapters.sqlite_schema import MIGRATIONS
from shared.adapters.sqlite_store import SqliteCaseStore
from shared.domain.access_codes import hash_access_code
from shared.domain.cases import Channel, EventType, Kind, Severity, Status, TimelineEvent
from shared.domain.errors import CaseNotFound
from shared.domain.outbox import OutboxStatus, Template
from shared.domain.queues import CaseQuery, QueueOrder, reporter_email_hash
from shared.domain.rate_limits import CounterSlot
from shared.services.status_lookup import LookupLimits, StatusLookup
from tests.support.first_schema import first_case_document, first_event, write_first_database
from tests.support.timeline import events_of

T0 = "2026-11-28T12:30:00.000000Z"
T1 = "2026-11-28T12:31:00.000000Z"
T2 = "2026-11-29T02:00:00.000000Z"
OLD_OUTBOX = {"id": "m1", "case_number": "TS-20261128-AAAAAA-0", "template": "acknowledgment",
              "language": "zh-CN", "created_at": T0, "next_attempt_at": T0, "status": "pending",
              "attempts": 0, "lease_until": None, "sent_at": None, "last_error": "",
              "in_reply_to": "", "notes": [], "awaiting": True, "due_at": T0}


@pytest.fixture
def first_file(tmp_path):
    path = tmp_path / "cases.sqlite3"
    complaint = first_case_document("TS-20261128-AAAAAA-0", T0, [
        first_event("case_registered", T0, data={"channel": "web_form"}),
        first_event("acknowledgment_queued", T0, data={"outbox_id": "m1"}),
        first_event("acknowledgment_sent", T1),
        first_event("information_added", T2, text="补充：截图", data={"files": ["截图.png"]}),
    ])
    report = first_case_document("JB-20261128-BBBBBB-0", T1, [
        first_event("case_registered", T1, data={"channel": "email"}),
        first_event("note", T1, text="only the first 100 MIME parts were read"),
    ], kind="report", channel="email", category="fraud", anonymous=True, status="accepted",
        severity="hot", reporter_unreachable=True, attachments=[])
    write_first_database(path, [
        (complaint, {"case_number": complaint["number"], "name": "王小明",
                     "email": "XiaoMing@Example.com", "phone": ""}),
        (report, {"case_number": report["number"], "name": "", "email": "", "phone": ""}),
    ], outbox=[OLD_OUTBOX])
    return path


def test_a_first_version_file_opens_with_every_case_intact(first_file):
    store = SqliteCaseStore(first_file)
    assert store.schema_version == len(MIGRATIONS)

    complaint = store.get_case("TS-20261128-AAAAAA-0")
    assert (complaint.kind, complaint.channel, complaint.status) == \
        (Kind.COMPLAINT, Channel.WEB_FORM, Status.RECEIVED)
    assert complaint.subject == "订单 20261128-001" and complaint.desired_outcome == "退款"
    assert complaint.description == "客服三天没有回复我的退款申请。\n第二行"
    assert complaint.received_at == datetime(2026, 11, 28, 12, 30, tzinfo=UTC)
    assert complaint.next_due_at == complaint.review_due_at  # the deadline it had
    assert complaint.attachments[0].filename == "证据.png"
    assert (complaint.event_count, complaint.public_event_count) == (4, 3)
    events = events_of(store, complaint.number)
    assert [(e.seq, e.type, e.actor) for e in events] == [
        (1, EventType.CASE_REGISTERED, "system"), (2, EventType.ACKNOWLEDGMENT_QUEUED, "system"),
        (3, EventType.ACKNOWLEDGMENT_SENT, "system"), (4, EventType.INFORMATION_ADDED, "system")]
    assert events[3].text == "补充：截图" and events[3].data == {"files": ["截图.png"]}
    assert events[1].data == {"outbox_id": "m1"}
    assert [e.seq for e in store.case_events(complaint.number, public_only=True)] == [1, 3, 4]

    report = store.get_case("JB-20261128-BBBBBB-0")
    assert (report.kind, report.status, report.severity, report.anonymous,
            report.reporter_unreachable) == (Kind.REPORT, Status.ACCEPTED, Severity.HOT, True, True)
    assert [e.text for e in events_of(store, report.number)][1].startswith("only the first 100")

    assert store.get_identity(complaint.number).name == "王小明"
    assert store.get_outbox("m1").case_number == complaint.number
    assert store.find_mail("mid:<first@qq.com>").case_number == complaint.number
    assert store.read_counters([CounterSlot("submit-x@1", datetime.now(UTC))]) == [3]


def test_migrated_cases_are_in_their_queues_and_take_new_events(first_file):
    store = SqliteCaseStore(first_file)
    mine = CaseQuery(reporter_email_hash=reporter_email_hash("xiaoming@example.com"))
    assert [c.number for c in store.find_cases(mine).cases] == ["TS-20261128-AAAAAA-0"]
    newest = store.find_cases(CaseQuery(order=QueueOrder.NEWEST_FIRST)).cases
    assert [c.number for c in newest] == ["JB-20261128-BBBBBB-0", "TS-20261128-AAAAAA-0"]
    assert [c.number for c in store.find_cases(CaseQuery(status="accepted", kind="report")).cases] \
        == ["JB-20261128-BBBBBB-0"]

    later = datetime(2026, 11, 30, tzinfo=UTC)
    store.update_case("TS-20261128-AAAAAA-0", lambda c: c.record(
        TimelineEvent(EventType.NOTE, later, text="called back")))
    assert [e.seq for e in events_of(store, "TS-20261128-AAAAAA-0")] == [1, 2, 3, 4, 5]


def test_opening_again_migrates_nothing_more(first_file):
    SqliteCaseStore(first_file)
    SqliteCaseStore(first_file)  # a second start (or a second process) finds the version raised
    store = SqliteCaseStore(first_file)
    assert len(events_of(store, "TS-20261128-AAAAAA-0")) == 4


def test_a_migration_that_fails_leaves_the_file_as_it_was(first_file):
    db = sqlite3.connect(first_file)
    with db:
        db.execute("UPDATE cases SET doc = '{\"number\": \"broken\"}' WHERE number LIKE 'JB-%'")
    db.close()
    with pytest.raises(KeyError):
        SqliteCaseStore(first_file)
    db = sqlite3.connect(first_file)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1  # the first migration held
    columns = [row[1] for row in db.execute("PRAGMA table_info(cases)")]
    assert columns == ["number", "doc"]
    assert "timeline" in db.execute("SELECT doc FROM cases WHERE number LIKE 'TS-%'").fetchone()[0]
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'events'").fetchone() is None


def test_a_new_file_gets_the_current_schema(tmp_path):
    store = SqliteCaseStore(tmp_path / "new.sqlite3")
    assert store.schema_version == len(MIGRATIONS)
    assert store.find_cases(CaseQuery()).cases == []


# A file written by the real first version (commit a7958ab): a form complaint and an email report.
FIRST_VERSION_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "first_version.sqlite3"
FORM_CASE, FORM_ACCESS_CODE = "TS-20261203-16MGKQ-T", "2GG2-K712-N870-C2KM"
EMAIL_CASE = "JB-20261203-4FFXBS-E"


@pytest.fixture
def first_version_store(tmp_path):
    copy = tmp_path / "cases.sqlite3"
    shutil.copyfile(FIRST_VERSION_FILE, copy)  # never migrate the fixture itself
    return SqliteCaseStore(copy)


def test_a_file_written_by_the_first_version_opens_with_both_cases(first_version_store):
    store = first_version_store
    assert store.schema_version == len(MIGRATIONS)
    form = store.get_case(FORM_CASE)
    assert (form.kind, form.channel, form.status, form.subject, form.description) == \
        (Kind.COMPLAINT, Channel.WEB_FORM, Status.RECEIVED, "旧的投诉", "客服不回复我的退款申请")
    assert form.next_due_at == form.review_due_at
    email = store.get_case(EMAIL_CASE)
    assert (email.kind, email.channel, email.subject, email.description) == \
        (Kind.REPORT, Channel.EMAIL, "举报 诈骗", "有人冒充客服诈骗。")
    for number, channel in ((FORM_CASE, "web_form"), (EMAIL_CASE, "email")):
        events = events_of(store, number)
        assert [(e.seq, e.type) for e in events] == [
            (1, EventType.CASE_REGISTERED), (2, EventType.ACKNOWLEDGMENT_QUEUED)]
        assert events[0].data["channel"] == channel
        outbox = store.get_outbox(events[1].data["outbox_id"])
        assert (outbox.case_number, outbox.template, outbox.status) == \
            (number, Template.ACKNOWLEDGMENT, OutboxStatus.PENDING)
    assert store.get_outbox(events_of(store, EMAIL_CASE)[1].data["outbox_id"]).in_reply_to == \
        "<x1@qq.com>"
    assert (store.get_identity(FORM_CASE).email, store.get_identity(EMAIL_CASE).name) == \
        ("a@example.com", "小明")
    assert {m.case_number for m in store.due_outbox(datetime(2027, 1, 1, tzinfo=UTC), 10)} == \
        {FORM_CASE, EMAIL_CASE}


def test_first_version_cases_are_in_their_queues(first_version_store):
    store = first_version_store
    newest = store.find_cases(CaseQuery()).cases
    assert [c.number for c in newest] == [EMAIL_CASE, FORM_CASE]
    due = store.due_cases(datetime(2027, 1, 1, tzinfo=UTC), 10)
    assert [c.number for c in due] == [FORM_CASE, EMAIL_CASE]
    for number, address in ((FORM_CASE, "A@example.com"), (EMAIL_CASE, "xm@qq.com")):
        mine = CaseQuery(reporter_email_hash=reporter_email_hash(address))
        assert [c.number for c in store.find_cases(mine).cases] == [number]
    assert [c.number for c in store.find_cases(CaseQuery(kind="report", status="received")).cases] \
        == [EMAIL_CASE]


def test_the_first_version_access_code_still_opens_its_case(first_version_store, tmp_path):
    store = first_version_store
    assert store.get_case(FORM_CASE).access_code_hash == hash_access_code(FORM_CASE, FORM_ACCESS_CODE)
    lookup = StatusLookup(store, FolderAttachmentStore(tmp_path / "files"), FixedClock(datetime(
        2026, 12, 3, tzinfo=UTC)), LookupLimits(30, 20, timedelta(minutes=15)), 5, 1024)
    view = lookup.look_up(FORM_CASE, FORM_ACCESS_CODE.lower(), "203.0.113.9")
    assert (view.number, view.subject, view.timeline[0].type) == \
        (FORM_CASE, "旧的投诉", EventType.CASE_REGISTERED)
    with pytest.raises(CaseNotFound):
        lookup.look_up(FORM_CASE, "0000-0000-0000-0000", "203.0.113.9")
