"""`sweep_deadlines`, the HTTP function Cloud Scheduler calls with an OIDC token: only the
scheduler's valid token starts a run; a run sweeps once within the configured budget, then
delivers the due mail once, and answers what it did. Google's certificates come from a fake
transport; the sweep's rules are another slice's (a counting sweep stands in for them here)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from shared import bootstrap
from shared.adapters.google_oidc import CachedCertsRequest, SchedulerCallerVerifier
from shared.domain.cases import EventType
from tests.integration.test_web_form import complaint_form, receipt
from tests.support.builders import a_case, an_identity, unique_number
from tests.support.mailbox import free_port, read_mailbox
from tests.support.oidc_tokens import AUDIENCE, INVOKER, GoogleCerts, GoogleKey
from tests.support.timeline import events_of

GOOGLE = GoogleKey("google-1")


@dataclass
class Report:
    cases_read: int
    actions: dict
    more_due: bool


@dataclass
class CountingSweep:
    """The sweep's interface (`run(budget_seconds) -> report`), counting its runs."""
    budgets: list = field(default_factory=list)
    fails: bool = False

    def run(self, budget_seconds):
        self.budgets.append(budget_seconds)
        if self.fails:
            raise RuntimeError("a rule failed")
        return Report(cases_read=2, actions={"reminded": 1}, more_due=False)


@dataclass
class Wired:
    client: object
    sweep: CountingSweep
    certs: GoogleCerts
    deliveries: list
    folder: object


@pytest.fixture
def sweep_env(monkeypatch):
    monkeypatch.setenv("CD_SWEEP_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("CD_SWEEP_INVOKER", INVOKER)


def wire(function_client, mailbox, monkeypatch, caller=True) -> Wired:
    """The function's services as configured by the environment, with the counting sweep, the
    fake certificates, and deliver_due counted (and run for real)."""
    client = function_client("sweep_deadlines")
    app = bootstrap.services()
    sweep, certs, deliveries = CountingSweep(), GoogleCerts(GOOGLE), []
    app.deadline_sweep = sweep
    if caller:
        app.sweep_caller = SchedulerCallerVerifier(AUDIENCE, INVOKER, CachedCertsRequest(certs))
    deliver_due = app.delivery.deliver_due

    def counted(*args, **kwargs):
        deliveries.append(args)
        return deliver_due(*args, **kwargs)

    monkeypatch.setattr(app.delivery, "deliver_due", counted)
    return Wired(client, sweep, certs, deliveries, mailbox[1])


def file_a_complaint(function_client) -> str:
    number, _ = receipt(function_client("submit_form")
                        .post("/", data=complaint_form(), follow_redirects=True)
                        .get_data(as_text=True))
    return number


def call(wired, token=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return wired.client.post("/", headers=headers, **kwargs)


def test_the_schedulers_call_sweeps_once_then_sends_the_due_mail(function_client, mailbox,
                                                                 monkeypatch, sweep_env):
    number = file_a_complaint(function_client)
    wired = wire(function_client, mailbox, monkeypatch)
    # Nothing a caller sends sets the time or the work.
    answer = call(wired, GOOGLE.id_token(), query_string={"now": "2099-01-01T00:00:00Z"},
                  json={"now": "2099-01-01T00:00:00Z", "budget_seconds": 9999})
    assert answer.status_code == 200
    assert answer.get_json() == {"cases_read": 2, "actions": {"reminded": 1}, "more_due": False,
                                 "mail": {"sent": 1}, "mail_given_up": 0,
                                 "mail_failed_open": 0}
    assert wired.sweep.budgets == [240.0]
    assert len(wired.deliveries) == 1
    [mail] = read_mailbox(wired.folder)
    assert number in mail["Subject"]


def test_a_second_call_sends_nothing_twice(function_client, mailbox, monkeypatch, sweep_env):
    file_a_complaint(function_client)
    wired = wire(function_client, mailbox, monkeypatch)
    assert call(wired, GOOGLE.id_token()).get_json()["mail"] == {"sent": 1}
    assert call(wired, GOOGLE.id_token()).get_json()["mail"] == {}
    assert len(read_mailbox(wired.folder)) == 1
    assert len(wired.certs.fetches) == 1  # Google's certificates are kept between calls


def test_the_budget_is_the_settings(function_client, mailbox, monkeypatch, sweep_env):
    monkeypatch.setenv("CD_SWEEP_BUDGET_SECONDS", "12.5")
    wired = wire(function_client, mailbox, monkeypatch)
    assert call(wired, GOOGLE.id_token()).status_code == 200
    assert wired.sweep.budgets == [12.5]


# Tokens are minted when the test runs, not when it is collected: a token minted at collection
# (valid 10 minutes) has run out by the time a long suite reaches it.
@pytest.mark.parametrize("token, status", [
    (lambda: None, 401),
    (lambda: "not-a-token", 401),
    (lambda: GoogleKey("google-1").id_token(), 401),  # forged
    (lambda: GOOGLE.id_token(lifetime=-3600), 401),  # expired
    (lambda: GOOGLE.id_token(
        aud="https://asia-east1-complaint-desk.cloudfunctions.net/staff-api"), 401),
    (lambda: GOOGLE.id_token(email="cd-staff-api@complaint-desk.iam.gserviceaccount.com"), 403),
], ids=["none", "garbage", "forged", "expired", "wrong_audience", "wrong_account"])
def test_other_callers_are_refused_and_nothing_runs(function_client, mailbox, monkeypatch,
                                                   sweep_env, token, status):
    file_a_complaint(function_client)
    wired = wire(function_client, mailbox, monkeypatch)
    answer = call(wired, token())
    assert answer.status_code == status
    assert "error" in answer.get_json()
    assert wired.sweep.budgets == [] and wired.deliveries == []
    assert read_mailbox(wired.folder) == []


def test_without_googles_certificates_it_is_our_failure_and_nothing_runs(
        function_client, mailbox, monkeypatch, sweep_env):
    wired = wire(function_client, mailbox, monkeypatch)
    wired.certs.status = 503
    answer = call(wired, GOOGLE.id_token())
    assert answer.status_code == 503
    assert answer.get_json() == {"error": "keys_unavailable"}
    assert wired.sweep.budgets == [] and wired.deliveries == []


def test_unconfigured_it_refuses_every_caller(function_client, mailbox, monkeypatch):
    wired = wire(function_client, mailbox, monkeypatch, caller=False)  # no CD_SWEEP_* set
    answer = call(wired, GOOGLE.id_token())
    assert answer.status_code == 503
    assert answer.get_json() == {"error": "not_configured"}
    assert wired.sweep.budgets == [] and wired.deliveries == []


def test_only_post_is_answered(function_client, mailbox, monkeypatch, sweep_env):
    wired = wire(function_client, mailbox, monkeypatch)
    answer = wired.client.get("/", headers={"Authorization": f"Bearer {GOOGLE.id_token()}"})
    assert answer.status_code == 405
    assert wired.sweep.budgets == []


def test_mail_given_up_is_counted_and_shown_on_the_case(function_client, mailbox, monkeypatch,
                                                       sweep_env):
    monkeypatch.setenv("CD_SMTP_PORT", str(free_port()))  # nothing listens there
    monkeypatch.setenv("CD_DELIVERY_MAX_ATTEMPTS", "1")
    number = file_a_complaint(function_client)
    wired = wire(function_client, mailbox, monkeypatch)
    body = call(wired, GOOGLE.id_token()).get_json()
    assert body["mail"] == {"failed": 1} and body["mail_given_up"] == 1
    assert body["mail_failed_open"] == 1  # until staff send it again
    assert call(wired, GOOGLE.id_token()).get_json()["mail_failed_open"] == 1
    store = bootstrap.services().store
    assert EventType.NOTICE_FAILED in [e.type for e in events_of(store, number)]


def test_a_failing_sweep_still_sends_the_due_mail(function_client, mailbox, monkeypatch,
                                                  sweep_env):
    file_a_complaint(function_client)
    wired = wire(function_client, mailbox, monkeypatch)
    wired.sweep.fails = True
    assert call(wired, GOOGLE.id_token()).status_code == 500  # the scheduler's log shows it
    assert len(wired.deliveries) == 1
    assert len(read_mailbox(wired.folder)) == 1


def test_the_real_sweep_acts_once_on_an_overdue_case(function_client, mailbox, monkeypatch,
                                                     sweep_env):
    """With the sweep's own rules (no stand-in): a case received long ago is acted on by the
    first call, and a second call (the scheduler delivers at least once) does nothing again."""
    client = function_client("sweep_deadlines")
    app = bootstrap.services()
    app.sweep_caller = SchedulerCallerVerifier(AUDIENCE, INVOKER, CachedCertsRequest(
        GoogleCerts(GOOGLE)))
    number = unique_number()
    received = app.clock.now() - timedelta(days=40)
    app.store.register(a_case(number, received), an_identity(number), [])
    headers = {"Authorization": f"Bearer {GOOGLE.id_token()}"}
    first = client.post("/", headers=headers).get_json()
    assert first["cases_read"] >= 1 and sum(first["actions"].values()) >= 1
    events = len(events_of(app.store, number))
    second = client.post("/", headers=headers).get_json()
    assert second["actions"] == {} and second["more_due"] is False
    assert len(events_of(app.store, number)) == events
