"""The same CloudEvent (`deliver_mail`), SNS notification (`receive_email`) and Cloud Scheduler
call (`sweep_deadlines`) delivered twice at once (issue 12): each trigger is at-least-once, so
the functions are called concurrently with the same input from several threads, on both stores,
and each has one effect — one mail sent (a mailbox that keeps every copy), one case, each
sweep notice once."""
from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from datetime import timedelta

import pytest

from shared import bootstrap
from shared.adapters.google_oidc import CachedCertsRequest, SchedulerCallerVerifier
from shared.domain.cases import EventType
from shared.domain.staff import Role
from tests.integration.test_deliver_mail_function import firestore_created_event, post
from tests.integration.test_form_resubmission import form_token
from tests.integration.test_web_form import complaint_form, receipt
from tests.support.builders import a_case, an_identity, unique_number
from tests.support.fault_mail import every_copy_server
from tests.support.inbound_mail import corpus
from tests.support.oidc_tokens import AUDIENCE, INVOKER, GoogleCerts, GoogleKey
from tests.support.sns_webhook import signed_now, wired_webhook
from tests.support.staff_builders import staff_member
from tests.support.store_outage import all_cases
from tests.support.timeline import events_of

AT_ONCE = 4
GOOGLE = GoogleKey("google-dup")


@pytest.fixture(params=["sqlite", pytest.param("firestore", marks=pytest.mark.firestore)])
def wired(request, function_client, monkeypatch):
    """The functions on the store of the parameter, sending to a mailbox that keeps every copy.
    Yields (function_client, the mailbox's handler)."""
    if request.param == "firestore":
        request.getfixturevalue("firestore_emulator")
        monkeypatch.setenv("CD_CASE_STORE", "firestore")
        monkeypatch.setenv("CD_FIRESTORE_PROJECT", f"dup-{uuid.uuid4().hex[:10]}")
        monkeypatch.setenv("CD_REPLY_TOKEN_KEY", uuid.uuid4().hex)
    handler, server = every_copy_server()
    with server as port:
        monkeypatch.setenv("CD_SMTP_PORT", str(port))
        bootstrap.services.cache_clear()
        yield function_client, handler
    bootstrap.services.cache_clear()


def at_once(client, call, times: int = AT_ONCE) -> list:
    """`call(c)` from `times` threads released together, each with its own `c = client()`
    (made before the release: only the calls race); their answers."""
    start, answers = threading.Barrier(times), []
    clients = [client() for _ in range(times)]

    def run(own):
        start.wait()
        try:
            answers.append(call(own))
        except Exception as failed:  # shown in the assertion below, not lost in a thread
            answers.append(failed)

    threads = [threading.Thread(target=run, args=(own,)) for own in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == times and not [a for a in answers if isinstance(a, Exception)], answers
    return answers


def of_type(store, number, kind) -> list:
    return [e for e in events_of(store, number) if e.type == kind]


def test_the_same_cloudevent_delivered_at_once_sends_one_mail(wired):
    function_client, mailbox = wired
    form = function_client("submit_form")
    token = form_token(form.get("/").get_data(as_text=True))
    posted = form.post("/", data=complaint_form(form_token=token))
    number, _ = receipt(form.get("/" + posted.headers["Location"]).get_data(as_text=True))
    store = bootstrap.services().store
    [queued] = of_type(store, number, EventType.NOTICE_QUEUED)
    event = firestore_created_event(f"documents/outbox/{queued.data['outbox_id']}")
    answers = at_once(lambda: function_client("deliver_mail", "cloudevent"),
                      lambda client: post(client, event).status_code)
    # The losers found the entry leased and asked Eventarc to call again (500): it is sent.
    assert 200 in answers and set(answers) <= {200, 500}
    assert post(function_client("deliver_mail", "cloudevent"), event).status_code == 200
    assert list(mailbox.message_ids().values()) == [1]
    assert len(of_type(store, number, EventType.NOTICE_SENT)) == 1


def test_the_same_sns_notification_delivered_at_once_opens_one_case(wired):
    from tests.integration.test_receive_email import ses_notification

    function_client, _ = wired
    signer = wired_webhook(corpus("foxmail_gbk.eml"))
    app = bootstrap.services()
    ses = json.loads(ses_notification("inbound-mail", "msg-1"))
    ses["receipt"]["dmarcVerdict"] = {"status": "PASS"}  # a verified sender is acknowledged
    body = signed_now(signer, ses)
    answers = at_once(lambda: function_client("receive_email"),
                      lambda client: client.post("/", data=body).get_json())
    assert sorted(a["status"] for a in answers) == ["duplicate"] * (AT_ONCE - 1) + ["registered"]
    [case] = all_cases(app.store)
    assert len(of_type(app.store, case.number, EventType.NOTICE_QUEUED)) == 1  # one acknowledgment


def test_the_same_scheduler_call_delivered_at_once_tells_each_notice_once(wired, monkeypatch):
    function_client, mailbox = wired
    monkeypatch.setenv("CD_SWEEP_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("CD_SWEEP_INVOKER", INVOKER)
    bootstrap.services.cache_clear()
    app = bootstrap.services()
    app.sweep_caller = SchedulerCallerVerifier(AUDIENCE, INVOKER,
                                               CachedCertsRequest(GoogleCerts(GOOGLE)))
    app.store.put_staff(staff_member((Role.SUPERVISOR,)))
    numbers = [unique_number() for _ in range(3)]
    for number in numbers:  # received 40 days ago, never reviewed: overdue, major by time
        app.store.register(a_case(number, app.clock.now() - timedelta(days=40)),
                           an_identity(number), [])
    headers = {"Authorization": f"Bearer {GOOGLE.id_token()}"}
    answers = at_once(lambda: function_client("sweep_deadlines"),
                      lambda client: client.post("/", headers=headers))
    assert [a.status_code for a in answers] == [200] * AT_ONCE
    for number in numbers:
        queued = of_type(app.store, number, EventType.NOTICE_QUEUED)
        told = Counter(e.data["template"] for e in queued)  # one supervisor: each once
        assert "staff_overdue" in told and set(told.values()) == {1}, told
        raised = of_type(app.store, number, EventType.SEVERITY_SET)
        assert raised and len(raised) == len({e.data.get("rule") for e in raised})
    sent = app.delivery.deliver_due()  # whatever the runs left due
    assert all(r.outcome != "failed" for r in sent)
    copies = mailbox.message_ids()
    assert copies and set(copies.values()) == {1}
    assert len(copies) == sum(len(of_type(app.store, n, EventType.NOTICE_QUEUED)) for n in numbers)
