"""The CPU cost of one acknowledgment against the cost of registering its case (issue 12).

N complaints are registered through the form's service (`Intake.submit`, as the hosted form calls
it, minus the HTTP layer), then their N acknowledgments are delivered by `MailDelivery` in the
local worker's batches (`deliver_due`) to a real SMTP server on loopback: the project's mailbox
(`shared.local.mailbox`), run in a child process so that its CPU (parsing and filing what it
receives) is not counted as ours. CPU is this process's (`time.process_time`: every thread, the
store's client threads included), per case and per acknowledgment, and the ratio ack / intake —
the issue's target is at most 1.

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

    .venv/bin/python -m bench.ack_cost [--cases 300] [--no-firestore]
"""
from __future__ import annotations

import argparse
import email.generator
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from shared.adapters import firestore_inbound_mail, sqlite_inbound_mail
from shared.adapters.sqlite_store import SqliteCaseStore
from shared.bootstrap import Services, build_services
from shared.services.submissions import SubmitCase
from shared.settings import Settings
from tests.support.mailbox import free_port

STAGES = ("due query", "claim", "identity read", "rendering", "MIME building", "serialising",
          "SMTP", "settle", "mail_keys index", "delivery logic")
BATCH = 50  # the local worker's `deliver_due` limit


@dataclass
class Figures:
    backend: str
    cases: int
    intake: float  # CPU seconds per registered case
    ack: float  # CPU seconds per delivered acknowledgment
    stages: dict[str, float]  # CPU seconds per acknowledgment, by stage, exclusive
    delivered: int  # acknowledgments the delivery reported sent
    filed: int  # messages the mailbox filed

    @property
    def ratio(self) -> float:
        return self.ack / self.intake


class StageTimer:
    """Exclusive CPU time by stage: a stage's time excludes the stages timed inside it."""

    def __init__(self):
        self.totals: Counter[str] = Counter()
        self._local = threading.local()
        self._undo: list[Callable[[], None]] = []

    def wrap(self, owner, attribute: str, stage: str | Callable[[], str]) -> None:
        """Time every call of `owner.attribute` (an instance's, a class's or a module's) as
        `stage` (a name, or a function naming it at the call) until `restore`."""
        original = owner.__dict__[attribute] if attribute in vars(owner) else None
        inner = getattr(owner, attribute)

        def timed(*args, **kwargs):
            stack = self._local.__dict__.setdefault("stack", [])
            name = stage() if callable(stage) else stage
            stack.append(0.0)
            started = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                elapsed = time.process_time() - started
                self.totals[name] += elapsed - stack.pop()
                if stack:
                    stack[-1] += elapsed

        setattr(owner, attribute, timed)
        self._undo.append(lambda: setattr(owner, attribute, original) if original is not None
                          else delattr(owner, attribute))

    def restore(self) -> None:
        while self._undo:
            self._undo.pop()()


class Transactions:
    """Names each `update_outbox` call of a delivery: the first claims, the next settles."""

    def __init__(self):
        self._local = threading.local()

    def start(self) -> None:
        self._local.calls = 0

    def name(self) -> str:
        self._local.calls = getattr(self._local, "calls", 0) + 1
        return "claim" if self._local.calls == 1 else "settle"


def timed_delivery(services: Services) -> StageTimer:
    """Stage timers around the delivery's real objects (restored by the caller)."""
    timer, transactions = StageTimer(), Transactions()
    delivery, store = services.delivery, services.store

    def delivering(inner):
        def run(*args, **kwargs):
            transactions.start()
            return inner(*args, **kwargs)
        return run

    timer.wrap(delivery, "deliver_due", "delivery logic")
    timer.wrap(delivery, "deliver", "delivery logic")
    delivery.deliver = delivering(delivery.deliver)
    timer.wrap(store, "due_outbox", "due query")
    timer.wrap(store, "update_outbox", transactions.name)
    timer.wrap(store, "get_identity", "identity read")
    timer.wrap(services.renderer, "render", "rendering")
    timer.wrap(delivery._composer, "compose", "MIME building")
    timer.wrap(delivery._transport, "send", "SMTP")
    timer.wrap(email.generator.BytesGenerator, "flatten", "serialising")
    timer.wrap(sqlite_inbound_mail, "mark_sent", "mail_keys index")
    timer.wrap(firestore_inbound_mail, "mark_sent", "mail_keys index")
    return timer


def measure(services: Services, cases: int, mail_folder: Path) -> tuple[float, float, dict, int]:
    """Register `cases` complaints, then deliver their acknowledgments: CPU seconds per case,
    per acknowledgment, the stages per acknowledgment, and how many were sent."""
    intake, delivery = services.intake, services.delivery
    submit(intake, 0)  # warm up: templates compiled, connections open, on both paths
    delivery.deliver_due(limit=BATCH)
    started = time.process_time()
    for n in range(1, cases + 1):
        submit(intake, n)
    per_case = (time.process_time() - started) / cases
    timer = timed_delivery(services)
    sent = 0
    started = time.process_time()
    try:
        while True:
            results = delivery.deliver_due(limit=BATCH)
            sent += sum(r.outcome == "sent" for r in results)
            if not results:
                break
    finally:
        elapsed = time.process_time() - started
        timer.restore()
    per_ack = elapsed / max(sent, 1)
    stages = {stage: timer.totals[stage] / max(sent, 1) for stage in STAGES}
    return per_case, per_ack, stages, sent


def submit(intake, n: int) -> None:
    """One complaint as the hosted form sends it (a fresh form token, its own address)."""
    intake.submit(SubmitCase(
        kind="complaint", category="service", subject=f"退款三周未到账（第 {n} 次）",
        description="我在 11 月 20 日申请退款 199 元，三周仍未到账，客服电话一直打不通。" * 3,
        desired_outcome="退款 199 元", name="王小明", phone="13800138000",
        email=f"reporter-{uuid.uuid4().hex[:10]}@example.com", good_faith=True),
        client=f"198.51.100.{n % 250}")


def services_on(store, folder: Path, smtp_port: int) -> Services:
    settings = Settings(sqlite_path=folder / "unused.sqlite3", attachment_folder=folder / "files",
                        reply_token_key="bench-key-" + "x" * 32, smtp_port=smtp_port,
                        submissions_per_client_per_hour=1_000_000,
                        acknowledgments_per_sender_per_hour=1_000_000)
    return build_services(settings, store=store)


def run(backend: str, store, cases: int, folder: Path) -> Figures:
    mail = folder / f"mail-{backend}"
    with loopback_mailbox(mail) as port:
        services = services_on(store, folder, port)
        intake, ack, stages, sent = measure(services, cases, mail)
    filed = len(list(mail.glob("*.eml"))) - 1  # less the warm-up's
    return Figures(backend, cases, intake, ack, stages, sent, filed)


@contextmanager
def loopback_mailbox(folder: Path) -> Iterator[int]:
    """The local stack's mailbox (`start_mailbox`) in a child process on a free port."""
    port = free_port()
    code = ("import sys; from pathlib import Path; from shared.local.mailbox import start_mailbox; "
            f"c = start_mailbox(Path({str(folder)!r}), port={port}); print('ready', flush=True); "
            "sys.stdin.read(); c.stop()")
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    try:
        if child.stdout.readline().strip() != "ready":
            raise RuntimeError("the loopback mailbox did not start")
        yield port
    finally:
        child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def report(figures: Figures) -> None:
    f = figures
    print(f"\n{f.backend}: {f.cases} cases, {f.delivered} acknowledgments sent, "
          f"{f.filed} filed by the mailbox; load {load()}")
    print(f"  intake {f.intake * 1000:6.2f} ms CPU per case")
    print(f"  ack    {f.ack * 1000:6.2f} ms CPU per acknowledgment   ratio ack/intake "
          f"{f.ratio:4.2f} (target <= 1)")
    for stage in STAGES:
        share = f.stages[stage] / f.ack if f.ack else 0.0
        print(f"    {stage:16} {f.stages[stage] * 1000:6.3f} ms  {share:5.1%}")


def load() -> str:
    """The machine's load (1, 5, 15 minutes): two cores shared, so figures are rough."""
    path = Path("/proc/loadavg")
    return " ".join(path.read_text().split()[:3]) if path.exists() else "?"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--firestore-cases", type=int, default=100)
    parser.add_argument("--no-firestore", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        report(run("SQLite", SqliteCaseStore(folder / "bench.sqlite3"), args.cases, folder))
        if args.no_firestore:
            return
        from shared.adapters.firestore_store import FirestoreCaseStore
        from tests.support.firestore_emulator import running_firestore_emulator

        with running_firestore_emulator() as host_port:
            os.environ["FIRESTORE_EMULATOR_HOST"] = host_port
            store = FirestoreCaseStore(project=f"bench-{uuid.uuid4().hex[:8]}")
            report(run("Firestore emulator", store, args.firestore_cases, folder))


if __name__ == "__main__":
    main()
