"""Notices are general: every email to the reporter, whatever its template, is queued, sent, retried
or given up as a `notice_*` event naming the template, and the status page names that notice."""
from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest

from shared import bootstrap
from shared.bootstrap import build_services
from shared.domain.cases import PUBLIC_EVENTS, EventType, TimelineEvent
from shared.domain.outbox import Addressee, Template, queue_notice
from shared.services.mail_delivery import Outcome
from shared.settings import PROJECT_ROOT
from tests.integration.test_deliver_mail_function import firestore_created_event, post
from tests.integration.test_status_page import file_case, look_up
from tests.support.builders import a_case, an_identity, notice_details, unique_number
from tests.support.mailbox import RefusingHandler, free_port, read_mailbox, smtp_server
from tests.support.staff_builders import staff_member
from tests.support.timeline import events_of


def a_case_with_a_notice(store, clock, template: Template) -> tuple[str, str]:
    number = unique_number()
    store.register(a_case(number, clock.now()), an_identity(number), [])
    if template.addressee == Addressee.STAFF:  # told at the address the staff store has
        store.put_staff(staff_member(id=notice_details(template)["staff"]))
    queued = []

    def queue(case):
        queued.append(queue_notice(case, template, clock.now(), notes=["扫描件.exe (file_type, 5 bytes)"],
                                   details=notice_details(template)))
        return queued

    store.update_case(number, queue)
    return number, queued[0].id


def notice_events(store, number):
    return [(e.type, e.data["template"]) for e in events_of(store, number)
            if e.type.value.startswith("notice_")]


@pytest.mark.parametrize("template", list(Template))
def test_every_template_is_queued_and_sent_as_a_notice_on_both_stores(template, settings, clock,
                                                                      store, mailbox):
    port, folder = mailbox
    app = build_services(dataclasses.replace(settings, smtp_port=port), store=store, clock=clock)
    number, outbox_id = a_case_with_a_notice(store, clock, template)
    assert app.delivery.deliver(outbox_id).outcome == Outcome.SENT
    assert len(read_mailbox(folder)) == 1
    assert notice_events(store, number) == [(EventType.NOTICE_QUEUED, template.value),
                                            (EventType.NOTICE_SENT, template.value)]


def test_a_follow_up_notice_is_retried_and_given_up_as_that_notice_on_both_stores(settings, clock,
                                                                                  store):
    app = build_services(dataclasses.replace(settings, smtp_port=free_port(),
                                             delivery_max_attempts=2), store=store, clock=clock)
    number, outbox_id = a_case_with_a_notice(store, clock, Template.FOLLOW_UP_RECEIVED)
    assert app.delivery.deliver(outbox_id).outcome == Outcome.RETRYING
    clock.advance(timedelta(minutes=1))
    assert app.delivery.deliver(outbox_id).outcome == Outcome.FAILED
    assert notice_events(store, number) == [(EventType.NOTICE_QUEUED, "follow_up_received"),
                                            (EventType.NOTICE_RETRYING, "follow_up_received"),
                                            (EventType.NOTICE_FAILED, "follow_up_received")]
    failed = events_of(store, number)[-1]
    assert failed.data["outbox_id"] == outbox_id and failed.public and failed.text


def test_the_status_page_names_the_notice_that_failed(function_client, monkeypatch):
    number, code = file_case(function_client)
    store = bootstrap.services().store
    [sent] = bootstrap.services().delivery.deliver_due()  # the acknowledgment reaches them
    assert sent.outcome == Outcome.SENT
    follow_up = []
    store.update_case(number, lambda case: follow_up.append(
        queue_notice(case, Template.FOLLOW_UP_RECEIVED, store.get_outbox(sent.outbox_id).sent_at))
        or follow_up)
    with smtp_server(RefusingHandler()) as refusing_port:  # then their mailbox refuses mail
        monkeypatch.setenv("CD_SMTP_PORT", str(refusing_port))
        bootstrap.services.cache_clear()
        response = post(function_client("deliver_mail", "cloudevent"),
                        firestore_created_event(f"documents/outbox/{follow_up[0].id}"))
    assert response.status_code == 200  # given up: nothing for Eventarc to retry
    zh = look_up(function_client("case_status"), number, code).get_data(as_text=True)
    assert "登记通知已发送" in zh
    assert "补充邮件收悉通知邮件无法送达" in zh
    assert "登记通知邮件无法送达" not in zh  # not "the acknowledgment could not be delivered"
    en = look_up(function_client("case_status"), number, code, lang="en").get_data(as_text=True)
    assert "Acknowledgment sent by email" in en
    assert "Confirmation of your follow-up email could not be delivered" in en
    assert "Acknowledgment could not be delivered" not in en


def test_acknowledgment_events_of_an_older_database_read_as_acknowledgment_notices(function_client):
    number, code = file_case(function_client)
    store = bootstrap.services().store
    at = store.get_case(number).received_at

    def older_events(case):
        case.record(TimelineEvent(EventType.ACKNOWLEDGMENT_SENT, at, data={"outbox_id": "old1"}))
        case.record(TimelineEvent(EventType.ACKNOWLEDGMENT_FAILED, at, text="550",
                                  data={"outbox_id": "old2", "attempt": 1}))

    store.update_case(number, older_events)
    html = look_up(function_client("case_status"), number, code).get_data(as_text=True)
    assert "登记通知已发送" in html
    assert "登记通知邮件无法送达" in html


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_notice_and_every_public_event_has_words_in_each_language(lang):
    texts = json.loads((PROJECT_ROOT / "templates" / "i18n" / f"{lang}.json").read_text("utf-8"))
    assert {t.value for t in Template} <= set(texts["notices"])
    assert {e.as_current.value for e in PUBLIC_EVENTS} <= set(texts["events"])
    assert {e.as_current.value for e in EventType if e.value.startswith("notice_")} \
        <= set(texts["events"])
