"""Load on the local stack from another process: N form posts (each GETs the form for its token,
as a browser does) and N reports by mail over SMTP (UTF-8, GBK, and gb2312-labelled GBK), from C
concurrent clients, against `bin/serve` started as a subprocess on SQLite or on the Firestore
emulator. Then the check (`bench.load_check`): every submission one case, a unique number, one
acknowledgment each; lost 0, duplicated 0. Printed: throughput, p50/p99 latency, the stack's CPU
(from /proc) and the acknowledgment delay (sent − received) p50/p99.

    python -m bench.load              # SQLite: today's setting against the durable default, the
                                      # writer lock off and on, at 8 and 50 clients; Firestore
    python -m bench.load --full       # 2 000 + 2 000 at 50 clients, SQLite and Firestore
    python -m bench.load --forms 100 --emails 100 --clients 8 --stores sqlite

The machine is shared: the ratios between runs of one invocation are the figures.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench.load_check import Outcome, check
from bench.load_clients import MAIL_FLAVOURS, Sent, post_form, send_mail
from bench.load_stack import StackUnderLoad, running_stack

REPORT_ADDRESS = "report@example.com"


@dataclass(frozen=True)
class Variant:
    """One way of running the stack: its store and the SQLite settings compared."""

    store: str  # sqlite | firestore
    synchronous: str = "full"
    writer_lock: bool = True

    @property
    def name(self) -> str:
        if self.store == "firestore":
            return "firestore emulator"
        return f"sqlite synchronous={self.synchronous} writer lock {'on' if self.writer_lock else 'off'}"


@dataclass
class Run:
    variant: Variant
    clients: int
    sent: list[Sent]
    seconds: float  # the load phase: first submission to last answer
    cpu_seconds: float  # the stack's process, user + system, during the load phase
    generator_cpu_seconds: float
    outcome: Outcome
    ack_drain_seconds: float  # after the load, until the last acknowledgment went out

    @property
    def throughput(self) -> float:
        return sum(s.accepted for s in self.sent) / self.seconds

    def latency(self, q: int, channel: str | None = None) -> float:
        samples = [s.seconds for s in self.sent if s.accepted and channel in (None, s.channel)]
        return percentile(samples, q) * 1000

    @property
    def cpu_share(self) -> float:
        """The stack's CPU as a share of the machine's cores over the load phase."""
        return self.cpu_seconds / self.seconds / (os.cpu_count() or 1)


def percentile(samples: list[float], q: int) -> float:
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def submissions(forms: int, emails: int, run_id: str) -> list[tuple]:
    """Forms and mails interleaved, mail flavours in turn: what the clients work through."""
    jobs = [("form", i) for i in range(forms)] + [("email", i) for i in range(emails)]
    jobs.sort(key=lambda job: (job[1] / max(forms if job[0] == "form" else emails, 1), job[0]))
    return [(channel, f"LOAD-{run_id}-{'F' if channel == 'form' else 'E'}{i:05d}", i)
            for channel, i in jobs]


def submit(stack: StackUnderLoad, job: tuple) -> Sent:
    channel, marker, number = job
    if channel == "form":
        return post_form("127.0.0.1", stack.http_port, marker, number)
    flavour = MAIL_FLAVOURS[number % len(MAIL_FLAVOURS)]
    return send_mail("127.0.0.1", stack.inbound_smtp_port, marker, number, flavour, REPORT_ADDRESS)


def run_load(variant: Variant, forms: int, emails: int, clients: int, folder: Path,
             emulator_host: str | None = None, ack_timeout: float = 900) -> Run:
    """Start the stack, submit everything from `clients` threads, wait for the acknowledgments,
    check, stop the stack."""
    run_id = uuid.uuid4().hex[:8]
    with running_stack(variant.store, folder / run_id, variant.synchronous, variant.writer_lock,
                       emulator_host) as stack:
        jobs = submissions(forms, emails, run_id)
        cpu_before, mine_before = stack.cpu_seconds(), _own_cpu()
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            sent = list(pool.map(lambda job: submit(stack, job), jobs))
        seconds = time.perf_counter() - started
        cpu, mine = stack.cpu_seconds() - cpu_before, _own_cpu() - mine_before
        drain_started = time.perf_counter()
        stack.wait_for_outbox(ack_timeout)
        drained = time.perf_counter() - drain_started
        cases, outbox = stack.documents()
        outcome = check(sent, cases, outbox, stack.mailbox)
    return Run(variant, clients, sent, seconds, cpu, mine, outcome, drained)


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def report(run: Run, baseline: Run | None = None) -> None:
    o = run.outcome
    print(f"\n{run.variant.name}, {run.clients} clients: {len(run.sent)} submissions in "
          f"{run.seconds:.1f} s = {run.throughput:.1f}/s; stack CPU {run.cpu_seconds:.1f} s "
          f"({run.cpu_share:.0%} of {os.cpu_count()} cores), the generator's own "
          f"{run.generator_cpu_seconds:.1f} s")
    print(f"  latency p50 {run.latency(50):.0f} ms, p99 {run.latency(99):.0f} ms "
          f"(form POST p50 {run.latency(50, 'form'):.0f} / p99 {run.latency(99, 'form'):.0f} ms; "
          f"SMTP p50 {run.latency(50, 'email'):.0f} / p99 {run.latency(99, 'email'):.0f} ms)")
    delays = o.ack_delays
    print(f"  acknowledgment delay p50 {percentile(delays, 50):.1f} s, p99 "
          f"{percentile(delays, 99):.1f} s; last sent {run.ack_drain_seconds:.1f} s after the load")
    print(f"  {'EXACT' if o.exact else 'NOT EXACT'}: {o.summary()}")
    for refused in o.refused[:3]:
        print(f"    refused: {refused.marker} {refused.answer}")
    if baseline is not None:
        print(f"  against {baseline.variant.name}: throughput "
              f"{run.throughput / baseline.throughput:.2f}×, p50 "
              f"{run.latency(50) / baseline.latency(50):.2f}×, p99 "
              f"{run.latency(99) / baseline.latency(99):.2f}×, CPU per submission "
              f"{(run.cpu_seconds / len(run.sent)) / (baseline.cpu_seconds / len(baseline.sent)):.2f}×")


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true",
                        help="2 000 forms + 2 000 mails at 50 clients, SQLite and Firestore")
    parser.add_argument("--forms", type=int)
    parser.add_argument("--emails", type=int)
    parser.add_argument("--clients", type=int, nargs="+")
    parser.add_argument("--stores", default="sqlite,firestore")
    args = parser.parse_args()
    stores = args.stores.split(",")
    forms = args.forms or (2000 if args.full else 300)
    emails = args.emails if args.emails is not None else forms
    clients = args.clients or ([50] if args.full else [8, 50])
    print(f"load average before: {load_average()} ({os.cpu_count()} cores, shared: rough figures)")
    with tempfile.TemporaryDirectory() as folder:
        if "sqlite" in stores:
            compare_sqlite(forms, emails, clients, Path(folder), full=args.full)
        if "firestore" in stores:
            from tests.support.firestore_emulator import running_firestore_emulator

            with running_firestore_emulator() as host:
                for c in clients:
                    report(run_load(Variant("firestore"), forms, emails, c, Path(folder), host))
    print(f"\nload average after: {load_average()}")


def compare_sqlite(forms: int, emails: int, clients: list[int], folder: Path, full: bool) -> None:
    """Today's setting (synchronous=NORMAL, no writer lock) first, then the durable default
    without and with the writer lock (and, not in --full, NORMAL with the lock)."""
    variants = [Variant("sqlite", "normal", False), Variant("sqlite", "full", False),
                Variant("sqlite", "full", True)]
    if full:
        variants = [Variant("sqlite", "normal", False), Variant("sqlite", "full", True)]
    for c in clients:
        baseline = None
        for variant in variants:
            run = run_load(variant, forms, emails, c, folder)
            report(run, baseline)
            baseline = baseline or run


if __name__ == "__main__":
    main()
