"""Store operations of a whole lifecycle (issue 9): a complaint from the form to its closure
notice, rated from the notice's link, appealed on the status page and decided finally by other
people — every step through the service the entry point calls, and every notice delivered as
`deliver_mail` delivers it in the cloud (one entry per call). `CountingStore` counts what each step
asks of the store (calls: a read, a query, a transaction); beside it the store's own count
(SQLite statements, Firestore documents read or written). The issue's budget: at most 40 store
calls for the whole lifecycle.

    .venv/bin/python -m bench.lifecycle [--no-firestore]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.store_operations import NOW, CountingStore, staff
from shared.adapters.clock import FixedClock
from shared.adapters.sqlite_store import SqliteCaseStore
from shared.bootstrap import Services, build_services
from shared.domain.cases import EventType
from shared.domain.follow_up_links import FollowUpLink
from shared.domain.staff import Requester, StaffMember
from shared.local.mailbox import MailboxHandler
from shared.services.submissions import SubmitCase
from shared.settings import Settings
from tests.support.builders import a_decision_record
from tests.support.mailbox import smtp_server

BUDGET = 40
CLIENT = "198.51.100.23"


@dataclass
class Step:
    name: str
    calls: Counter
    operations: int


class Lifecycle:
    """One case taken through every step, each step counted on its own."""

    def __init__(self, services: Services):
        self.services = services
        self.store = services.store  # a CountingStore
        self.raw = services.store._store  # for what the bench looks up without counting
        self.members = staff()
        reviewer = StaffMember("bench-reviewer", "reviewer@example.com", "reviewer",
                               frozenset({"handler"}), department="复核组")
        second = StaffMember("bench-supervisor-2", "supervisor2@example.com", "supervisor 2",
                             frozenset({"supervisor"}), department="复核组")
        for member in [r.member for r in self.members.values()] + [reviewer, second]:
            self.raw.put_staff(member)
        self.reviewer, self.second = Requester(reviewer, CLIENT), Requester(second, CLIENT)
        self.steps: list[Step] = []
        self.number = self.code = ""

    def step(self, name: str, run: Callable[[], object]) -> None:
        calls, operations = Counter(self.store.calls), self.store.operations
        run()
        self.steps.append(Step(name, self.store.calls - calls, self.store.operations - operations))

    def deliver(self, name: str) -> None:
        """The notices queued since the last delivery, each as deliver_mail sends one."""
        events = self.raw.case_events(self.number, public_only=False, limit=200)
        queued = [e.data["outbox_id"] for e in events if e.type == EventType.NOTICE_QUEUED]
        done = {e.data["outbox_id"] for e in events
                if e.type in (EventType.NOTICE_SENT, EventType.NOTICE_FAILED)}
        for outbox_id in queued:
            if outbox_id not in done:
                self.step(f"deliver: {name}", lambda o=outbox_id: self.services.delivery.deliver(o))

    def run(self) -> list[Step]:
        s, m = self.services, self.members
        cases = s.staff_cases
        self.step("form: a complaint filed", self._file)
        self.deliver("acknowledgment")
        self.step("accept", lambda: cases.accept(m["supervisor"], self.number))
        self.deliver("acceptance")
        self.step("assign", lambda: cases.assign(m["supervisor"], self.number,
                                                 assignee="bench-handler", department="运营部"))
        self.deliver("assignment")
        self.step("start work", lambda: cases.start_work(m["handler"], self.number))
        self.step("draft the decision", lambda: cases.draft_decision(
            m["handler"], self.number, **a_decision_record()))
        self.step("approve: closed, closure notice queued",
                  lambda: cases.approve_decision(m["supervisor"], self.number))
        self.deliver("closure notice")
        self.step("rate from the notice's link (R17)", self._rate)
        self.step("appeal on the status page (R16)", lambda: s.reporter_appeals.lodge(
            self.number, self.code, CLIENT, "处理结果与事实不符，申请复核。"))
        self.deliver("appeal received")
        self.step("assign the appeal to a reviewer", lambda: cases.assign(
            m["supervisor"], self.number, assignee="bench-reviewer", department="复核组",
            reason="复核"))
        self.step("reviewer starts", lambda: cases.start_work(self.reviewer, self.number))
        self.step("reviewer drafts the appeal's decision", lambda: cases.draft_decision(
            self.reviewer, self.number, **a_decision_record(outcome="upheld")))
        self.step("second supervisor approves: final notice queued",
                  lambda: cases.approve_decision(self.second, self.number))
        self.deliver("appeal decision")
        return self.steps

    def _file(self) -> None:
        receipt = self.services.intake.submit(SubmitCase(
            kind="complaint", category="service", subject="退款三周未到账",
            description="申请退款三周仍未到账，客服电话打不通。", name="王小明",
            email=f"{uuid.uuid4().hex[:10]}@example.com", good_faith=True), CLIENT)
        self.number, self.code = receipt.number, receipt.access_code

    def _rate(self) -> None:
        events = self.raw.case_events(self.number, public_only=False, limit=200)
        closure = next(e.data["outbox_id"] for e in events if e.type == EventType.NOTICE_QUEUED
                       and e.data["template"] == "case_closed")
        token = self.services.follow_up_links.sign(FollowUpLink(self.number, closure, 0))
        self.services.handling_ratings.rate(self.number, token, "5", "处理及时")


def report(name: str, services: Services) -> int:
    steps = Lifecycle(services).run()
    print(f"\n{name}")
    for step in steps:
        calls = ", ".join(f"{method} {n}" for method, n in sorted(step.calls.items()))
        print(f"  {step.name}: {sum(step.calls.values())} store calls ({calls}); "
              f"{step.operations} operations")
    commands = [s for s in steps if not s.name.startswith("deliver")]
    total = sum(sum(s.calls.values()) for s in steps)
    in_commands = sum(sum(s.calls.values()) for s in commands)
    print(f"  whole lifecycle: {total} store calls ({in_commands} in the {len(commands)} steps "
          f"people take, {total - in_commands} delivering {len(steps) - len(commands)} notices); "
          f"{sum(s.operations for s in steps)} operations; budget {BUDGET} store calls")
    return in_commands


def services_on(store, folder: Path, smtp_port: int) -> Services:
    """The services on a counted store, mailing a real SMTP server on loopback (the local
    stack's mailbox), so that every notice is sent the first time."""
    settings = Settings(sqlite_path=folder / "unused.sqlite3", attachment_folder=folder / "files",
                        reply_token_key="bench-key-" + "x" * 32, smtp_port=smtp_port)
    return build_services(settings, store=CountingStore(store), clock=FixedClock(NOW))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-firestore", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, \
            smtp_server(MailboxHandler(Path(folder) / "mail")) as port:
        store = SqliteCaseStore(Path(folder) / "bench.sqlite3")
        report("SQLite (operations: statements)", services_on(store, Path(folder), port))
        if args.no_firestore:
            return
        from shared.adapters.firestore_store import FirestoreCaseStore
        from tests.support.firestore_emulator import running_firestore_emulator

        with running_firestore_emulator() as host_port:
            os.environ["FIRESTORE_EMULATOR_HOST"] = host_port
            store = FirestoreCaseStore(project=f"bench-{uuid.uuid4().hex[:8]}")
            report("Firestore emulator (operations: documents read or written)",
                   services_on(store, Path(folder), port))


if __name__ == "__main__":
    main()
