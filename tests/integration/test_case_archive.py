"""The archive (R18) through StaffCases and CaseExports, on both stores: a closed case is archived
once its appeal window is over (inside it only when forced, with a reason), once; an archived case
is read-only, found by year, kind, category and words; its export holds everything that happened
and is recorded; its raw emails come out as they arrived, each download recorded."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.folder_attachments import FolderAttachmentStore
from shared.domain.cases import EventType, Kind, Status, TimelineEvent
from shared.domain.errors import CommandRefused, InvalidCommand, TransitionNotAllowed
from shared.domain.lifecycle import TRANSITIONS
from shared.domain.permissions import Forbidden
from shared.domain.staff import Role
from shared.services.case_exports import CaseExports, RawMailNotFound
from shared.services.staff_queues import StaffQueues
from shared.settings import Settings
from shared.web.rendering import Renderer
from tests.support.builders import a_decision_record
from tests.support.staff_desk import StaffDesk
from tests.support.tampering import alter_event

RAW = (b"From: =?utf-8?b?546L5bCP5piO?= <wangxm@qq.com>\r\nTo: complaints@example.com\r\n"
       b"Subject: refund\r\nMessage-ID: <a1@qq.com>\r\n\r\nPlease refund.\r\n")


@pytest.fixture
def desk(store, clock):
    return StaffDesk(store, clock)


@pytest.fixture
def files(tmp_path):
    return FolderAttachmentStore(tmp_path / "files")


@pytest.fixture
def exports(desk, files):
    settings = Settings()
    renderer = Renderer(settings.templates_dir, "Asia/Shanghai", "示例平台")
    return CaseExports(desk.store, desk.clock, files, renderer, desk.cases._policy)


def closed_case(desk, *, window_left: timedelta = -timedelta(days=1), **fields) -> str:
    """A closed case whose appeal window ends `window_left` from now (past by default)."""
    now = desk.clock.now()
    record = a_decision_record()
    return desk.case(Status.CLOSED, decision={"record": record, "sent": record, "sent_round": 0,
                                              "drafted_by": "h1", "approved_by": "s1"},
                     closed_at=now - timedelta(days=200), appeal_until=now + window_left,
                     **fields)


def with_raw_mail(desk, files, number: str, raw: bytes = RAW, subject: str = "refund") -> str:
    """A reply by email recorded on the case, its raw message stored as intake stores it."""
    key = f"mail/{hashlib.sha256(raw).hexdigest()}.eml"
    files.put(key, raw, "message/rfc822")

    def reply(case):
        case.record(TimelineEvent(EventType.REPORTER_REPLIED, desk.clock.now(), text="Please",
                                  data={"raw": key, "subject": subject}, actor="reporter"))

    desk.store.update_case(number, reply)
    return key


def test_a_closed_case_is_archived_after_its_appeal_window_once(desk):
    number = closed_case(desk)
    supervisor = desk.member(Role.SUPERVISOR)
    view = desk.cases.archive(supervisor, number)
    assert view.status == "archived" and view.archived_at is not None
    [event] = desk.events(number, EventType.CASE_ARCHIVED)
    assert event.actor == f"staff:{supervisor.member.id}" and event.data["from"]
    before = desk.snapshot(number)
    with pytest.raises(TransitionNotAllowed):
        desk.cases.archive(supervisor, number)
    assert desk.snapshot(number) == before


def test_inside_the_appeal_window_archiving_is_refused_unless_forced_with_a_reason(desk):
    number = closed_case(desk, window_left=timedelta(days=30))
    supervisor = desk.member(Role.SUPERVISOR)
    before = desk.snapshot(number)
    with pytest.raises(CommandRefused) as refused:
        desk.cases.archive(supervisor, number)
    assert refused.value.code == "appeal_window_open"
    with pytest.raises(InvalidCommand) as invalid:
        desk.cases.archive(supervisor, number, force=True)
    assert invalid.value.errors == {"reason": "required"}
    with pytest.raises(InvalidCommand) as invalid:
        desk.cases.archive(supervisor, number, force="yes", reason="r")
    assert invalid.value.errors == {"force": "invalid"}
    assert desk.snapshot(number) == before
    desk.cases.archive(supervisor, number, force=True, reason="法院调卷")
    [event] = desk.events(number, EventType.CASE_ARCHIVED)
    assert event.text == "法院调卷" and event.data["forced"] is True
    assert event.data["appeal_until"]


def test_an_open_case_or_one_with_replies_waiting_is_not_archived(desk):
    supervisor = desk.member(Role.SUPERVISOR)
    with pytest.raises(TransitionNotAllowed):
        desk.cases.archive(supervisor, desk.case(Status.IN_PROGRESS))
    number = closed_case(desk, replies=[{"id": "r1", "text": "您好", "drafted_by": "h1"}])
    with pytest.raises(CommandRefused) as refused:
        desk.cases.archive(supervisor, number, force=True, reason="r")
    assert refused.value.code == "replies_waiting"
    assert desk.store.get_case(number).status == Status.CLOSED
    number = closed_case(desk, corrective_actions=[{"id": "1", "text": "修订流程", "owner": "h1",
                                                    "due_on": "2026-12-15", "done_on": ""}])
    with pytest.raises(CommandRefused) as refused:
        desk.cases.archive(supervisor, number, force=True, reason="r")
    assert refused.value.code == "corrective_actions_open"
    assert desk.store.get_case(number).status == Status.CLOSED


def test_only_supervisors_archive(desk):
    number = closed_case(desk)
    for role in (Role.CLERK, Role.HANDLER, Role.LEADER, Role.AUDITOR, Role.ADMIN):
        with pytest.raises(Forbidden):
            desk.cases.archive(desk.member(role), number)
    assert desk.store.get_case(number).status == Status.CLOSED


def test_an_archived_case_is_read_only(desk):
    """The table allows nothing on an archived case but what records a read (notes, reveals,
    confidentiality, confidential reads, exports); reading, the timeline and the chain work."""
    allowed = {name for (status, name) in TRANSITIONS if status == Status.ARCHIVED}
    assert allowed == {"add_note", "reveal_identity", "set_confidentiality",
                       "record_confidential_read", "record_export",
                       "withdraw_disclosure"}  # what was published of it can be withdrawn (R22)
    number = closed_case(desk)
    supervisor = desk.member(Role.SUPERVISOR)
    desk.cases.archive(supervisor, number)
    before = desk.snapshot(number)
    for command in (lambda: desk.cases.classify(supervisor, number, category="billing",
                                                reason="r"),
                    lambda: desk.cases.set_severity(supervisor, number, "hot", "r"),
                    lambda: desk.cases.message_reporter(supervisor, number, "你好"),
                    lambda: desk.cases.refer_out(supervisor, number, authority="cac",
                                                 referred_on="2026-11-28"),
                    lambda: desk.cases.assign(supervisor, number, assignee="x", reason="r")):
        with pytest.raises((TransitionNotAllowed, InvalidCommand)):
            command()
    assert desk.snapshot(number) == before
    view = desk.cases.view(supervisor, number)
    assert set(view.allowed_actions) <= {"add_note", "reveal_identity", "set_confidential",
                                         "audit", "export"}
    assert desk.cases.timeline(supervisor, number)[-1]["type"] == "case_archived"
    assert desk.cases.audit(desk.member(Role.AUDITOR), number)["intact"] is True


def test_archived_cases_are_found_by_year_kind_category_and_words(desk):
    supervisor = desk.member(Role.SUPERVISOR)
    queues = StaffQueues(desk.store, "Asia/Shanghai")
    now = desk.clock.now()
    # 2025-12-31 20:00 in UTC is 2026-01-01 04:00 in Beijing: a case of 2026 there.
    new_year = datetime(2025, 12, 31, 20, 0, tzinfo=UTC)
    old = closed_case(desk, received_at=datetime(2025, 6, 1, tzinfo=UTC), subject="退款 发票")
    edge = closed_case(desk, received_at=new_year, subject="退款 物流")
    this = closed_case(desk, kind=Kind.REPORT, category="fraud", subject="诈骗 退款")
    for number in (old, edge, this):
        desk.cases.archive(supervisor, number)
    assert now.year == 2026

    def found(**query):
        return [item["number"] for item in queues.cases(supervisor, **query)["items"]]

    assert found(status="archived", year="2025") == [old]
    assert found(status="archived", year=2026) == [this, edge]
    assert found(status="archived", year="2026", words="退款") == [this, edge]
    assert found(status="archived", year="2025", words="退款") == [old]
    assert found(year="2026", kind="report", category="fraud") == [this]
    assert found(status="archived", words="物流") == [edge]
    assert found(year="2024") == []
    assert found(number=edge, year="2026") == [edge]
    assert found(number=edge, year="2025") == []
    assert found(queue="new", year="2026") == []  # newest first: received cases of that year
    page = queues.cases(supervisor, status="archived", year="2026", limit=1)
    assert [i["number"] for i in page["items"]] == [this]
    rest = queues.cases(supervisor, status="archived", year="2026", after=page["next_cursor"])
    assert [i["number"] for i in rest["items"]] == [edge] and rest["next_cursor"] is None
    for bad, code in (("1999", "out_of_range"), ("20x6", "invalid_type"), (True, "invalid_type"),
                      ("9" * 5000, "out_of_range")):
        with pytest.raises(InvalidCommand) as refused:
            queues.cases(supervisor, year=bad)
        assert refused.value.errors == {"year": code}
    with pytest.raises(InvalidCommand) as refused:
        queues.cases(supervisor, year="2026", order="most_urgent_first")
    assert refused.value.errors == {"order": "year_newest_first"}


def test_the_export_holds_the_whole_case_escaped_and_is_recorded(desk, exports, files):
    number = closed_case(desk, subject="<script>alert(1)</script> 退款",
                         respondent="seller-<b>42</b>")
    with_raw_mail(desk, files, number)
    for i in range(60):  # more than a page of events
        desk.store.update_case(number, lambda case, i=i: case.record(TimelineEvent(
            EventType.NOTE_ADDED, desk.clock.now(), text=f"note {i} <img src=x>",
            actor="staff:h1")))
    supervisor = desk.member(Role.SUPERVISOR)
    desk.cases.archive(supervisor, number)
    auditor = desk.member(Role.AUDITOR)
    exported = exports.export(auditor, number, "en")
    html = exported.data.decode("utf-8")
    assert exported.filename == f"case-{number}.html"
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "seller-&lt;b&gt;42&lt;/b&gt;" in html
    assert "Content-Security-Policy" in html and "default-src &#39;none&#39;" in html
    events = desk.events(number)
    [recorded] = desk.events(number, EventType.CASE_EXPORTED)
    assert recorded.actor == f"staff:{auditor.member.id}" and recorded.data["exported"] == "case"
    assert recorded.data["through_seq"] == recorded.seq == len(events)
    assert all(f'id="event-{e.seq}"' in html for e in events)  # every page of the timeline
    assert "note 59 &lt;img src=x&gt;" in html
    assert "The second charge is refunded." in html  # the decision's statement of reasons
    assert "Refund" in html and "Apology" in html  # its measures, worded
    assert "证据.png" in html and "68" in html  # the attachments listed
    assert hashlib.sha256(RAW).hexdigest() in html  # the raw email listed with its digest
    assert "王**" in html and "w***@qq.com" in html and "wangxm" not in html
    assert "Intact: the" in html
    chinese = exports.export(auditor, number, "zh-CN").data.decode("utf-8")
    assert "案件档案导出" in chinese and "审计链校验" in chinese
    assert len(desk.events(number, EventType.CASE_EXPORTED)) == 2


def test_the_export_shows_a_broken_chain(desk, exports):
    number = closed_case(desk)
    desk.cases.add_note(desk.member(Role.SUPERVISOR), number, "备注")
    alter_event(desk.store, number, 1, lambda record: record.update(text="rewritten"))
    html = exports.export(desk.member(Role.AUDITOR), number, "en").data.decode("utf-8")
    assert "Broken at event 1 (altered)" in html


def test_who_may_export(desk, exports):
    number = closed_case(desk)
    for role in (Role.CLERK, Role.HANDLER, Role.ADMIN):
        with pytest.raises(Forbidden):
            exports.export(desk.member(role), number, "en")
    assert desk.events(number, EventType.CASE_EXPORTED) == []
    exports.export(desk.member(Role.LEADER), number, "zh-CN")


def test_raw_emails_are_listed_and_downloaded_as_they_arrived_each_download_recorded(
        desk, exports, files):
    number = closed_case(desk)
    key = with_raw_mail(desk, files, number)
    second = with_raw_mail(desk, files, number, RAW.replace(b"refund", b"again"), "again")
    with_raw_mail(desk, files, number)  # the same message referred to again: listed once
    clerk = desk.member(Role.CLERK)
    listed = exports.raw_mail_list(clerk, number)["items"]
    assert [(m["index"], m["subject"]) for m in listed] == [(1, "refund"), (2, "again")]
    assert listed[0]["sha256"] == key[5:-4] and listed[0]["filename"] == f"{number}-mail-1.eml"
    assert "wangxm" not in str(listed) and "mail/" not in str(listed)
    assert desk.events(number, EventType.CASE_EXPORTED) == []  # a list is no download
    with pytest.raises(Forbidden):
        exports.raw_mail(clerk, number, 1)
    auditor = desk.member(Role.AUDITOR)
    got = exports.raw_mail(auditor, number, 2)
    assert got.data == files.get(second) and got.filename == f"{number}-mail-2.eml"
    [recorded] = desk.events(number, EventType.CASE_EXPORTED)
    assert recorded.data == {**recorded.data, "exported": "raw_mail", "index": 2, "raw": second}
    for index in (0, 3, -1, "1", True):
        with pytest.raises(RawMailNotFound):
            exports.raw_mail(auditor, number, index)
    assert len(desk.events(number, EventType.CASE_EXPORTED)) == 1
    conflicted = desk.member(Role.SUPERVISOR, conflicts=("seller-9",))
    desk.store.update_case(number, lambda case: setattr(case, "respondent", "seller-9"))
    with pytest.raises(CommandRefused):
        exports.raw_mail(conflicted, number, 1)


def test_a_confidential_case_s_raw_mail_list_is_a_recorded_read(desk, exports, files):
    number = closed_case(desk, confidential=True)
    with_raw_mail(desk, files, number)
    exports.raw_mail_list(desk.member(Role.SUPERVISOR), number)
    [read] = desk.events(number, EventType.CONFIDENTIAL_CASE_READ)
    assert read.data["read"] == "raw_mail"
