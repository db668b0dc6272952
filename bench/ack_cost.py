"""The CPU cost of one acknowledgment against the cost of registering its case (issue 12).

N complaints are posted to the hosted form's HTTP function (`submit_form`, in process through
its WSGI app: what a person's POST costs, the issue's yardstick), N more are registered through
its service alone (`Intake.submit`: the registration without the HTTP layer, a stricter one);
then their 2N acknowledgments are delivered by `MailDelivery` in the local worker's batches
(`deliver_due`) to a real SMTP server on loopback: the project's mailbox (`shared.local.mailbox`),
run in a child process so that its CPU (parsing and filing what it receives) is not counted as
ours. CPU is this process's (`time.process_time`: every thread, the store's client threads
included), per case and per acknowledgment, with the ratios ack / intake (the issue's target: at
most 1).

The acknowledgment's CPU is broken down by stage, each timed exclusively of the stages inside it
(the timers wrap the real objects' methods for the run; nothing in the services knows of them):

    due query         the batch's `due_outbox`, shared by its entries
    claim             the transaction that leases the entry (`update_outbox`, first call)
    identity read     the reporter's private record (`get_identity`)
    rendering         the three Jinja2 templates (`Renderer.render`)
    MIME building     the EmailMessage around them (`MailComposer.compose`, less rendering)
    serialising       the message to bytes (`email.generator.BytesGenerator.flatten`)
    SMTP              the conversation (`SmtpTransport.send`, less serialising)
    settle            the transaction that marks it sent (`update_outbox`, second call)
    mail_keys index   what a reply quoting it will be matched on (inside settle)
    delivery logic    the rest of `MailDelivery` (claim rules, events)

    .venv/bin/python -m bench.ack_cost [--cases 300] [--firestore-cases 60] [--no-firestore]
"""
from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import functions_framework

from bench.ack_stages import STAGES, timed_delivery
from bench.loopback_mailbox import loopback_mailbox
from shared import bootstrap
from shared.bootstrap import Services
from shared.services.submissions import SubmitCase
from shared.settings import PROJECT_ROOT

BATCH = 50  # the local worker's `deliver_due` limit


@dataclass
class Figures:
    backend: str
    cases: int  # by each way in: 2 × cases acknowledgments
    form: float  # CPU seconds per case posted to the form's HTTP function
    intake: float  # CPU seconds per case registered through the service alone
    ack: float  # CPU seconds per delivered acknowledgment
    stages: dict[str, float]  # CPU seconds per acknowledgment, by stage, exclusive
    delivered: int  # acknowledgments the delivery reported sent
    mailbox: float = 0.0  # the mailbox's CPU seconds per message it received and filed
    filed: int = 0  # messages the mailbox filed (the warm-up's not counted)


def measure(services: Services, form, cases: int, backend: str = "",
            mailbox_cpu: Callable[[], float] = lambda: 0.0) -> Figures:
    """Post `cases` complaints to the form (`form`: its WSGI test client), register `cases` more
    through the service, then deliver every acknowledgment: CPU per case and per acknowledgment
    (and the mailbox's, `mailbox_cpu` telling its CPU so far)."""
    intake, delivery = services.intake, services.delivery
    post(form, 0)  # warm up: templates compiled, connections open, on every path
    submit(intake, 0)
    delivery.deliver_due(limit=BATCH)
    posting = registering = 0.0
    for n in range(1, cases + 1):  # interleaved: a store that slows as it fills slows both
        started = time.process_time()
        post(form, n)
        posting += time.process_time() - started
        started = time.process_time()
        submit(intake, n)
        registering += time.process_time() - started
    per_post, per_case = posting / cases, registering / cases
    timer = timed_delivery(services)
    sent, received = 0, mailbox_cpu()
    started = time.process_time()
    try:
        while results := delivery.deliver_due(limit=BATCH):
            sent += sum(r.outcome == "sent" for r in results)
    finally:
        elapsed = time.process_time() - started
        timer.restore()
    received = mailbox_cpu() - received
    stages = {stage: timer.totals[stage] / max(sent, 1) for stage in STAGES}
    return Figures(backend, cases, per_post, per_case, elapsed / max(sent, 1), stages, sent,
                   mailbox=received / max(sent, 1))


FORM = {"kind": "complaint", "category": "service", "good_faith": "yes", "name": "王小明",
        "desired_outcome": "退款 199 元", "phone": "13800138000",
        "description": "我在 11 月 20 日申请退款 199 元，三周仍未到账，客服电话一直打不通。" * 3}


def post(form, n: int) -> None:
    """One complaint posted as a browser posts the form (it answers 303 to the receipt)."""
    answer = form.post("/", data={**FORM, "subject": f"退款三周未到账（表单第 {n} 次）",
                                  "email": f"reporter-{uuid.uuid4().hex[:10]}@example.com"})
    if answer.status_code != 303:
        raise RuntimeError(f"the form answered {answer.status_code}")


def submit(intake, n: int) -> None:
    """One complaint through the form's service (a fresh form token, its own address)."""
    intake.submit(SubmitCase(
        kind="complaint", category="service", subject=f"退款三周未到账（第 {n} 次）",
        description=FORM["description"], desired_outcome=FORM["desired_outcome"],
        name=FORM["name"], phone=FORM["phone"],
        email=f"reporter-{uuid.uuid4().hex[:10]}@example.com", good_faith=True),
        client=f"198.51.100.{n % 250}")


@contextmanager
def configured(store: str, folder: Path, smtp_port: int) -> Iterator[Services]:
    """The process's services (`bootstrap.services`, which the form's function uses) on `store`
    ("sqlite" or "firestore"), mailing the loopback mailbox, with the hourly limits out of the
    way; the environment is restored afterwards."""
    settings = {"CD_CASE_STORE": store, "CD_SQLITE_PATH": str(folder / "bench.sqlite3"),
                "CD_ATTACHMENT_FOLDER": str(folder / "files"), "CD_SMTP_PORT": str(smtp_port),
                "CD_SUBMISSIONS_PER_CLIENT_PER_HOUR": "1000000",
                "CD_ACKNOWLEDGMENTS_PER_SENDER_PER_HOUR": "1000000",
                "CD_REPLY_TOKEN_KEY": uuid.uuid4().hex * 2,
                "CD_FIRESTORE_PROJECT": f"bench-{uuid.uuid4().hex[:8]}"}
    before = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    bootstrap.services.cache_clear()
    try:
        yield bootstrap.services()
    finally:
        bootstrap.services.cache_clear()
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run(backend: str, store: str, cases: int, folder: Path) -> Figures:
    mail = folder / f"mail-{store}"
    with loopback_mailbox(mail) as mailbox, configured(store, folder, mailbox.port) as services:
        form = functions_framework.create_app(
            "submit_form", str(PROJECT_ROOT / "functions" / "submit_form.py"), "http").test_client()
        figures = measure(services, form, cases, backend, mailbox.cpu)
        getattr(services.delivery._transport, "close", lambda: None)()  # kept connections
    figures.filed = len(list(mail.glob("*.eml"))) - 2  # less the warm-up's two
    return figures


def report(figures: Figures) -> None:
    f = figures
    print(f"\n{f.backend}: {2 * f.cases} cases ({f.cases} by the form, {f.cases} by the "
          f"service), {f.delivered} acknowledgments sent, {f.filed} filed by the mailbox; "
          f"load {load()}")
    print(f"  intake, the form's POST        {f.form * 1000:6.2f} ms CPU per case")
    print(f"  intake, the registration alone {f.intake * 1000:6.2f} ms CPU per case")
    print(f"  acknowledgment                 {f.ack * 1000:6.2f} ms CPU   ratio ack/form "
          f"{f.ack / f.form:4.2f}, ack/registration {f.ack / f.intake:4.2f} (target <= 1)")
    for stage in STAGES:
        share = f.stages[stage] / f.ack if f.ack else 0.0
        print(f"    {stage:16} {f.stages[stage] * 1000:6.3f} ms  {share:5.1%}")
    print(f"  beside it, the loopback mailbox receiving and filing it (its own process; in the "
          f"local stack's): {f.mailbox * 1000:.2f} ms")


def load() -> str:
    """The machine's load (1, 5, 15 minutes): two cores shared, so figures are rough."""
    path = Path("/proc/loadavg")
    return " ".join(path.read_text().split()[:3]) if path.exists() else "?"


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--firestore-cases", type=int, default=60)
    parser.add_argument("--no-firestore", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        report(run("SQLite", "sqlite", args.cases, Path(folder)))
        if args.no_firestore:
            return
        from tests.support.firestore_emulator import running_firestore_emulator

        with running_firestore_emulator() as host_port:
            os.environ["FIRESTORE_EMULATOR_HOST"] = host_port
            report(run("Firestore emulator", "firestore", args.firestore_cases, Path(folder)))


if __name__ == "__main__":
    main()
