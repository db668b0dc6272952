"""Store operations per command: each staff command run through its service, on SQLite and on the
Firestore emulator, counting what it asks of the store. `CountingStore` wraps any store and counts
the calls of its public methods (what a service asks for: a read, a transaction); beside it the
store's own count (`operations`: SQLite statements, Firestore documents read or written) says
what each call cost. A command is a `Command` in COMMANDS: `prepare` (not counted) builds what it
needs, `run` is the call counted, so any service call can be added.

    .venv/bin/python -m bench.store_operations [--no-firestore]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from shared.adapters.clock import FixedClock
from shared.adapters.sqlite_store import SqliteCaseStore
from shared.bootstrap import Services, build_services
from shared.domain.staff import Requester, Role, StaffMember
from shared.settings import Settings
from tests.support.builders import a_decision_record

NOW = datetime(2026, 11, 28, 12, 30, tzinfo=UTC)


class CountingStore:
    """A store whose public method calls are counted (by name), passed on unchanged."""

    def __init__(self, store):
        self._store = store
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str):
        attribute = getattr(self._store, name)
        if name.startswith("_") or not callable(attribute):
            return attribute

        def counted(*args, **kwargs):
            self.calls[name] += 1
            return attribute(*args, **kwargs)
        return counted


@dataclass(frozen=True)
class Command:
    """A service call to count. `prepare(services, staff)` returns the keyword arguments of `run`
    (a case to act on, say) and is not counted; `run(services, staff, **prepared)` is."""

    name: str
    run: Callable[..., object]
    prepare: Callable[[Services, dict[str, Requester]], dict] = field(default=lambda s, staff: {})


@dataclass
class Count:
    calls: Counter
    operations: int


def staff() -> dict[str, Requester]:
    """One member per role, by role name."""
    return {role.value: Requester(StaffMember(f"bench-{role.value}", f"{role.value}@example.com",
                                              role.value, frozenset({role}), department="运营部"),
                                  "203.0.113.9")
            for role in Role}


def _case_at(steps: int) -> Callable[[Services, dict[str, Requester]], dict]:
    """A `prepare` that registers a case and takes it `steps` along received → accepted →
    assigned to bench-handler → in progress."""
    def prepare(services: Services, members: dict[str, Requester]) -> dict:
        for requester in members.values():
            services.store.put_staff(requester.member)
        number = services.offline_registration.register(
            members["clerk"], **PHONE_CALL, email="bench@example.com")["number"]
        cases, supervisor = services.staff_cases, members["supervisor"]
        for step in (lambda: cases.accept(supervisor, number),
                     lambda: cases.assign(supervisor, number, assignee="bench-handler",
                                          department="运营部"),
                     lambda: cases.start_work(members["handler"], number))[:steps]:
            step()
        return {"n": number}
    return prepare


PHONE_CALL = dict(channel="phone", kind="complaint", category="service", subject="电话投诉：退款未到账",
                  description="来电称三天前申请退款，至今未到账。", name="王小明", phone="13800138000")

COMMANDS = [
    Command("register offline: a phone complaint with an email (acknowledged)",
            lambda s, staff: s.offline_registration.register(
                staff["clerk"], **PHONE_CALL, email=f"{uuid.uuid4().hex[:8]}@example.com")),
    Command("register offline: a letter with a name only (clerk reads out the code)",
            lambda s, staff: s.offline_registration.register(
                staff["clerk"], **dict(PHONE_CALL, channel="letter", phone=""))),
    Command("register offline: a 12377 referral",
            lambda s, staff: s.offline_registration.register(
                staff["supervisor"], channel="referral", kind="report", category="harmful_rumours",
                subject="12377 转办", description="网信办举报中心转来的举报。",
                referral={"source": "12377", "reference": "WX-1"})),
    Command("register offline: the same request again (request_id; answered from the first)",
            lambda s, staff, request_id: s.offline_registration.register(
                staff["clerk"], **PHONE_CALL, request_id=request_id),
            prepare=lambda s, staff: {"request_id": _registered_request(s, staff)}),
    *[Command(name, run, prepare=_case_at(steps)) for name, steps, run in [
        ("view a case (reporter masked)", 0, lambda s, st, n: s.staff_cases.view(st["supervisor"], n)),
        ("timeline page", 0, lambda s, st, n: s.staff_cases.timeline(st["supervisor"], n)),
        ("accept (acceptance notice)", 0, lambda s, st, n: s.staff_cases.accept(st["clerk"], n)),
        ("reject (rejection notice)", 0, lambda s, st, n: s.staff_cases.reject(
            st["clerk"], n, reason="no_facts")),
        ("classify", 0, lambda s, st, n: s.staff_cases.classify(
            st["clerk"], n, category="billing", reason="涉及扣费")),
        ("set severity", 0, lambda s, st, n: s.staff_cases.set_severity(
            st["supervisor"], n, severity="hot", reason="媒体关注")),
        ("assign (handling notice)", 1, lambda s, st, n: s.staff_cases.assign(
            st["supervisor"], n, assignee="bench-handler", department="运营部")),
        ("start work", 2, lambda s, st, n: s.staff_cases.start_work(st["handler"], n)),
        ("internal note", 3, lambda s, st, n: s.staff_cases.add_note(st["handler"], n, text="已联系")),
        ("ask the reporter (question notice)", 3, lambda s, st, n: s.staff_cases.message_reporter(
            st["handler"], n, text="请提供订单号。", request_information=True)),
        ("refer out", 3, lambda s, st, n: s.staff_cases.refer_out(
            st["handler"], n, authority="market_regulator", referred_on="2026-11-28")),
        ("reveal identity (recorded)", 3, lambda s, st, n: s.staff_cases.reveal_identity(
            st["handler"], n, reason="需要电话回访")),
        ("mark confidential", 3, lambda s, st, n: s.staff_cases.set_confidential(
            st["supervisor"], n, confidential=True, reason="涉及商业秘密")),
    ]],
    *[Command(name, run, prepare=_case_at(3)) for name, run in [
        ("draft the decision (issue 9)", lambda s, st, n: s.staff_cases.draft_decision(
            st["handler"], n, **a_decision_record())),
        ("a handler's message, waiting for approval (R12)", lambda s, st, n:
            s.staff_cases.message_reporter(st["handler"], n, text="已联系商家。")),
        ("mark the report unfounded (R21: the case and its reporter's tallies)", lambda s, st, n:
            s.staff_cases.mark_report(st["handler"], n, "unfounded", "查无实据")),
        ("export the case as one document (recorded)", lambda s, st, n:
            s.case_exports.export(st["supervisor"], n, "zh-CN")),
    ]],
    Command("approve the decision: closed, closure notice queued",
            lambda s, st, n: s.staff_cases.approve_decision(st["supervisor"], n),
            prepare=lambda s, st: _drafted(s, st)),
    Command("approve a waiting reply: sent",
            lambda s, st, n, reply: s.staff_cases.approve_reply(st["supervisor"], n, reply),
            prepare=lambda s, st: _reply_waiting(s, st)),
    Command("staff queue page: new cases, most urgent first",
            lambda s, staff: s.staff_queues.cases(staff["supervisor"], queue="new")),
    Command("staff queue page: subject words",
            lambda s, staff: s.staff_queues.cases(staff["clerk"], words="退款")),
]


def _drafted(services: Services, members: dict[str, Requester]) -> dict:
    number = _case_at(3)(services, members)["n"]
    services.staff_cases.draft_decision(members["handler"], number, **a_decision_record())
    return {"n": number}


def _reply_waiting(services: Services, members: dict[str, Requester]) -> dict:
    number = _case_at(3)(services, members)["n"]
    view = services.staff_cases.message_reporter(members["handler"], number, text="已联系商家。")
    return {"n": number, "reply": view.replies_waiting[0]["id"]}


def _registered_request(services: Services, members: dict[str, Requester]) -> str:
    request_id = f"bench-{uuid.uuid4().hex}"
    services.offline_registration.register(members["clerk"], **PHONE_CALL, request_id=request_id)
    return request_id


def count(services: Services, command: Command, members: dict[str, Requester]) -> Count:
    """What one run of the command asked of the store (which must be a CountingStore)."""
    store = services.store
    prepared = command.prepare(services, members)
    calls_before, operations_before = Counter(store.calls), store.operations
    command.run(services, members, **prepared)
    return Count(store.calls - calls_before, store.operations - operations_before)


def services_on(store, folder: Path) -> Services:
    settings = Settings(sqlite_path=folder / "unused.sqlite3", attachment_folder=folder / "files",
                        reply_token_key="bench-key-" + "x" * 32)
    return build_services(settings, store=CountingStore(store), clock=FixedClock(NOW))


def report(name: str, services: Services) -> None:
    print(f"\n{name}")
    members = staff()
    for command in COMMANDS:
        counted = count(services, command, members)
        calls = ", ".join(f"{method} {n}" for method, n in sorted(counted.calls.items()))
        print(f"  {command.name}: {sum(counted.calls.values())} store calls ({calls}); "
              f"{counted.operations} operations")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-firestore", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteCaseStore(Path(folder) / "bench.sqlite3")
        report("SQLite (operations: statements)", services_on(store, Path(folder)))
        if args.no_firestore:
            return
        from shared.adapters.firestore_store import FirestoreCaseStore
        from tests.support.firestore_emulator import running_firestore_emulator

        with running_firestore_emulator() as host_port:
            os.environ["FIRESTORE_EMULATOR_HOST"] = host_port
            store = FirestoreCaseStore(project=f"bench-{uuid.uuid4().hex[:8]}")
            report("Firestore emulator (operations: documents read or written)",
                   services_on(store, Path(folder)))


if __name__ == "__main__":
    main()
