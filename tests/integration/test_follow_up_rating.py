"""Satisfaction follow-up (R17) from the person's side, on both stores: the closure notice's
signed rating link, composed by the real composer, opened on the `case_status` function; a
rating once per link; an unsatisfied one opens exactly one follow-up task, which the `follow_up`
queue lists; tampered, expired and other-case links change nothing."""
from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import functions_framework
import pytest

from shared import bootstrap
from shared.domain.cases import EventType, Status
from shared.domain.staff import Role
from shared.settings import PROJECT_ROOT
from tests.support.builders import a_decision_record
from tests.support.staff_desk import StaffDesk

LINK = re.compile(r"https://complaints\.example\.com/case_status\?\S*rate=\S+")


class Outgoing:
    """A mail transport that keeps what it is given."""

    def __init__(self):
        self.sent = []

    def send(self, message) -> list[str]:
        self.sent.append(message)
        return [message["Message-ID"]]


@pytest.fixture
def world(settings, store, clock, monkeypatch):
    """(the services on the store, the case_status test client, the mail sent, a staff desk)."""
    outgoing = Outgoing()
    app = bootstrap.build_services(dataclasses.replace(settings, follow_up_link_days=30),
                                   store=store, clock=clock, transport=outgoing)
    monkeypatch.setattr(bootstrap, "services", lambda: app)
    source = str(PROJECT_ROOT / "functions" / "case_status.py")
    client = functions_framework.create_app("case_status", source).test_client()
    return app, client, outgoing, StaffDesk(store, clock)


def closed_case(world, language: str = "zh-CN") -> tuple[str, str]:
    """A case decided and approved (the closure notice queued and sent): (number, its link)."""
    app, _, outgoing, desk = world
    handler = desk.member(Role.HANDLER, department="运营部")
    supervisor = desk.member(Role.SUPERVISOR, department="客服中心")
    number = desk.assigned_to(handler, language=language, subject="重复扣款未退")
    desk.cases.draft_decision(handler, number, **a_decision_record())
    desk.cases.approve_decision(supervisor, number)
    [queued] = [e for e in desk.events(number, EventType.NOTICE_QUEUED)
                if e.data["template"] == "case_closed"]
    app.delivery.deliver(queued.data["outbox_id"])
    mail = outgoing.sent[-1]
    [url] = LINK.findall(mail.get_body(("plain",)).get_content())
    return number, url


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"/?{parts.query}"


def form_of(url: str, **answer) -> dict:
    query = parse_qs(urlsplit(url).query)
    return {"action": "rate", "number": query["number"][0], "rate": query["rate"][0], **answer}


def rate(client, url: str, **answer):
    lang = parse_qs(urlsplit(url).query)["lang"][0]
    return client.post(f"/?lang={lang}", data=form_of(url, **answer))


def test_the_closure_notice_links_to_a_form_that_shows_nothing_personal(world):
    _, client, outgoing, _ = world
    number, url = closed_case(world)
    html = outgoing.sent[-1].get_body(("html",)).get_content()
    assert url.replace("&", "&amp;") in html  # the same link in both parts
    page = client.get(path_of(url))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert number in text and "重复扣款未退" in text and "评价我们的处理" in text
    assert not any(word in text for word in ("王小明", "wangxm", "13812345678"))


def test_a_satisfied_rating_is_recorded_once_and_opens_no_task(world):
    app, client, _, desk = world
    number, url = closed_case(world)
    answer = rate(client, url, rating="5", comment="处理及时，谢谢")
    assert answer.status_code == 200 and "感谢您的评价" in answer.get_data(as_text=True)
    case = app.store.get_case(number)
    assert case.follow_up["rating"] == 5 and case.follow_up["comment"] == "处理及时，谢谢"
    assert not case.follow_up.get("task_open")
    assert [e.data["rating"] for e in desk.events(number, EventType.HANDLING_RATED)] == [5]
    assert desk.events(number, EventType.FOLLOW_UP_NEEDED) == []


def test_an_unsatisfied_rating_opens_one_task_however_often_it_is_sent(world):
    app, client, _, desk = world
    number, url = closed_case(world)
    assert rate(client, url, rating="1", comment="没有解决问题").status_code == 200
    before = desk.snapshot(number)
    again = rate(client, url, rating="1", comment="没有解决问题")
    assert again.status_code == 409 and "此链接已经使用过" in again.get_data(as_text=True)
    reopened = client.get(path_of(url))
    assert reopened.status_code == 409 and "此链接已经使用过" in reopened.get_data(as_text=True)
    assert desk.snapshot(number) == before
    assert len(desk.events(number, EventType.FOLLOW_UP_NEEDED)) == 1
    assert len(desk.events(number, EventType.HANDLING_RATED)) == 1
    assert app.store.get_case(number).follow_up["task_open"] is True


def test_the_follow_up_queue_lists_open_tasks_oldest_first(world):
    app, client, _, desk = world
    clock = app.clock
    first, first_url = closed_case(world)
    satisfied, satisfied_url = closed_case(world)
    second, second_url = closed_case(world)
    rate(client, second_url, rating="2")
    clock.advance(timedelta(minutes=5))
    rate(client, first_url, rating="1")
    rate(client, satisfied_url, rating="4")
    clerk = desk.member(Role.CLERK)
    page = app.staff_queues.cases(clerk, queue="follow_up")
    assert [item["number"] for item in page["items"]] == [second, first]
    one = app.staff_queues.cases(clerk, queue="follow_up", limit=1)
    rest = app.staff_queues.cases(clerk, queue="follow_up", after=one["next_cursor"])
    assert [i["number"] for i in one["items"] + rest["items"]] == [second, first]
    assert app.staff_queues.cases(clerk, queue="follow_up", number=satisfied)["items"] == []
    # The call that closes the task takes the case out of the queue.
    desk.cases.record_follow_up(clerk, second, outcome="satisfied", note="已电话说明",
                                closes_task=True)
    page = app.staff_queues.cases(clerk, queue="follow_up")
    assert [item["number"] for item in page["items"]] == [first]


@pytest.mark.parametrize("spoil", ["tampered", "cut", "other_case", "no_number"])
def test_a_link_we_did_not_sign_as_it_is_changes_nothing(world, spoil):
    _, client, _, desk = world
    number, url = closed_case(world, language="en")
    other, other_url = closed_case(world, language="en")
    token = parse_qs(urlsplit(url).query)["rate"][0]
    forms = {
        "tampered": form_of(url, rating="1") | {"rate": token[:-3] + ("AAA" if token[-3:] != "AAA"
                                                                     else "BBB")},
        "cut": form_of(url, rating="1") | {"rate": token[:40]},
        "other_case": form_of(other_url, rating="1") | {"number": number},
        "no_number": form_of(url, rating="1") | {"number": ""},
    }
    before = desk.snapshot(number), desk.snapshot(other)
    answer = client.post("/?lang=en", data=forms[spoil])
    assert answer.status_code == 400
    assert "This rating link is not valid" in answer.get_data(as_text=True)
    shown = client.get("/?" + "&".join(f"{k}={v}" for k, v in forms[spoil].items()
                                       if k in ("number", "rate")) + "&lang=en")
    assert shown.status_code == 400
    assert (desk.snapshot(number), desk.snapshot(other)) == before


def test_an_expired_link_says_so_and_changes_nothing(world):
    app, client, _, desk = world
    number, url = closed_case(world, language="en")
    app.clock.advance(timedelta(days=30, seconds=1))
    before = desk.snapshot(number)
    answer = rate(client, url, rating="2")
    assert answer.status_code == 410 and "has expired" in answer.get_data(as_text=True)
    assert client.get(path_of(url)).status_code == 410
    assert desk.snapshot(number) == before


def test_a_link_works_until_its_last_day(world):
    app, client, _, _ = world
    number, url = closed_case(world, language="en")
    app.clock.advance(timedelta(days=29, hours=23))
    assert rate(client, url, rating="3").status_code == 200
    assert app.store.get_case(number).follow_up["rating"] == 3


@pytest.mark.parametrize("rating, comment, field", [
    ("", "", "rating"), ("0", "", "rating"), ("6", "", "rating"), ("五", "", "rating"),
    ("4", "很长" * 1001, "comment"),
])
def test_bad_input_comes_back_on_the_form_and_changes_nothing(world, rating, comment, field):
    _, client, _, desk = world
    number, url = closed_case(world)
    before = desk.snapshot(number)
    answer = rate(client, url, rating=rating, comment=comment)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'name="rating"' in html and ("意见过长" if field == "comment" else "请选择 1 到 5 分") in html
    assert desk.snapshot(number) == before


def test_a_case_under_appeal_cannot_be_rated_and_nothing_changes(world):
    app, client, _, desk = world
    number, url = closed_case(world, language="en")
    clerk = desk.member(Role.CLERK)
    desk.cases.register_appeal(clerk, number, "来电：不服处理结果")
    before = desk.snapshot(number)
    answer = rate(client, url, rating="1")
    assert answer.status_code == 409 and "cannot be rated now" in answer.get_data(as_text=True)
    assert desk.snapshot(number) == before
    assert app.store.get_case(number).status == Status.APPEALED


def test_a_file_from_before_the_follow_up_queue_lists_its_open_tasks(tmp_path):
    """Migration 8 fills `follow_up_at` from the case documents of an older file."""
    import sqlite3

    from shared.adapters import records
    from shared.adapters.sqlite_schema import CASE_COLUMNS, MIGRATIONS, case_columns, dump
    from shared.adapters.sqlite_store import SqliteCaseStore
    from shared.domain.queues import CaseQuery, QueueOrder
    from tests.conftest import START
    from tests.support.builders import a_case, unique_number

    path = tmp_path / "cases.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    before = MIGRATIONS.index(next(m for m in MIGRATIONS if m.__name__ == "_follow_up"))
    for version, migration in enumerate(MIGRATIONS[:before], 1):
        db.execute("BEGIN IMMEDIATE")
        migration(db)
        db.execute(f"PRAGMA user_version = {version}")
        db.execute("COMMIT")
    numbers = [unique_number(), unique_number()]
    for number, task in zip(numbers, (True, False), strict=True):
        case = a_case(number, START, status=Status.CLOSED)
        case.follow_up = {"rating": 1 if task else 5, "task_open": task,
                          **({"task_opened_at": START.isoformat()} if task else {})}
        db.execute(f"INSERT INTO cases (number, doc, {', '.join(CASE_COLUMNS)}) "
                   f"VALUES (?, ?{', ?' * len(CASE_COLUMNS)})",
                   (number, dump(records.case_to_record(case)), *case_columns(case, "")))
    db.close()
    store = SqliteCaseStore(path)
    queue = store.find_cases(CaseQuery(order=QueueOrder.FOLLOW_UP_OLDEST_FIRST))
    assert [c.number for c in queue.cases] == numbers[:1]
