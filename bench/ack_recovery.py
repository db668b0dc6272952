"""Acknowledgments that keep up and recover (issue 12), on SQLite with a real loopback SMTP relay.

Pace (wall clock): `--cases` cases registered at `--rate` a second while the outbox is delivered
(a) as the local stack did before — one worker, `deliver_due(50)` then a 1-second pause; (b) by
the outbox pool (`CD_LOCAL_DELIVERY_WORKERS`, 4); (c) as in the cloud, one delivery per entry
started when it is written (Eventarc: an event per outbox document; here a thread each, at most
16 at once). Printed: the acknowledgment delay (registered → in the relay) p50/p99 and the sends
per second, and each against (a) in the same process.

Draining (wall clock): a backlog sent by 1, 4 and 8 workers, the relay on loopback answering at
once or 30 ms late (a relay across a network): sends per second, and against one worker.

Recovery (a simulated clock, ticks of 5 s): a case every tick, the relay answering 421 during an
outage of each `--outages` length (minutes), then back; every due entry delivered each tick (as
the workers would). Printed for each outage, with the circuit (retries brought forward when a
send goes through) and without (each waits for its backoff slot): the recovery time (the relay
back → the last acknowledgment held by the outage sent) and the delay p50/p99 of those held.
Live, the same with the real relay stopped and started on its port (wall clock, the pool).
Every acknowledgment is counted at the relay, which keeps every copy: sent once each, or the
bench says so.

    .venv/bin/python -m bench.ack_recovery [--cases 400] [--rate 100] [--outages 2,10,60]
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from shared.adapters.clock import FixedClock, SystemClock
from shared.adapters.sqlite_store import SqliteCaseStore
from shared.bootstrap import build_services
from shared.local.outbox_pool import OutboxPool, OutboxSignal, SignallingStore
from shared.services.delivery_recovery import TransportCircuit
from shared.services.submissions import SubmitCase
from shared.settings import Settings
from tests.support.mailbox import RecordingHandler, smtp_server

TICK = timedelta(seconds=5)


class TimedRelay(RecordingHandler):
    """The relay, noting when each message arrived (by the clock it is given)."""

    def __init__(self, now):
        super().__init__()
        self._now = now
        self.arrived: dict[str, object] = {}  # case number → first arrival

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        answer = await super().handle_DATA(server, session, envelope)
        number = str(self.messages[-1]["Subject"]).split("]")[0].lstrip("[")
        self.arrived.setdefault(number, self._now())
        return answer


class DistantRelay(TimedRelay):
    """A relay that answers the message `latency` seconds late, like one across a network."""

    def __init__(self, now, latency: float):
        super().__init__(now)
        self._latency = latency

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(self._latency)
        return await super().handle_DATA(server, session, envelope)


class NoRecall(TransportCircuit):
    """The delivery as before the circuit: every retry waits for its backoff slot."""

    def succeeded(self, message) -> int:
        return 0


def case(n: int) -> SubmitCase:
    return SubmitCase(kind="complaint", category="billing", subject=f"订单 {n}",
                      description="我被重复扣费两次，共 199 元，请核实并退款。",
                      email=f"person{n}@example.com")


def services(folder: Path, port: int, clock, circuit=None, signal=None):
    settings = Settings(sqlite_path=folder / "cases.sqlite3", attachment_folder=folder / "files",
                        smtp_port=port, submissions_per_client_per_hour=10**6,
                        acknowledgments_per_sender_per_hour=10**6)
    store = SqliteCaseStore(folder / "cases.sqlite3")
    if signal is not None:
        store = SignallingStore(store, signal)
    app = build_services(settings, store=store, clock=clock)
    if circuit is not None:
        app.delivery.circuit = circuit(app.store, clock)
    return app


# -- pace ----------------------------------------------------------------------------------------

def pace(mode: str, cases: int, rate: float) -> dict:
    relay = TimedRelay(time.monotonic)
    stop = threading.Event()
    with tempfile.TemporaryDirectory() as tmp, smtp_server(relay) as port:
        signal = OutboxSignal()
        app = services(Path(tmp), port, SystemClock(), signal=signal)
        registered: dict[str, float] = {}
        events = ThreadPoolExecutor(16) if mode == "cloud" else None
        runner = _runner(mode, app, signal, stop)
        started = time.monotonic()
        for n in range(cases):
            time.sleep(max(0.0, started + n / rate - time.monotonic()))
            number = app.intake.submit(case(n)).number
            registered[number] = time.monotonic()
            if events is not None:  # Eventarc: the document's creation starts its delivery
                for entry in app.store.waiting_outbox_of_case(number):
                    events.submit(app.delivery.deliver, entry.id)
        deadline = time.monotonic() + 120
        while len(relay.arrived) < cases and time.monotonic() < deadline:
            time.sleep(0.01)
        elapsed = time.monotonic() - started
        stop.set()
        if runner is not None:
            runner.join(5)
        if events is not None:
            events.shutdown()
    delays = sorted(relay.arrived[n] - at for n, at in registered.items() if n in relay.arrived)
    return {"mode": mode, "sent": len(relay.arrived), "copies": len(relay.messages),
            "p50": _quantile(delays, 0.5), "p99": _quantile(delays, 0.99),
            "per_second": len(relay.arrived) / elapsed}


def drain(workers: int, latency: float, cases: int = 150) -> float:
    """Sends per second of a pool of `workers` emptying a backlog of `cases` (the relay answering
    each message `latency` seconds late)."""
    relay, stop = DistantRelay(time.monotonic, latency), threading.Event()
    with tempfile.TemporaryDirectory() as tmp, smtp_server(relay) as port:
        signal = OutboxSignal()
        app = services(Path(tmp), port, SystemClock(), signal=signal)
        for n in range(cases):
            app.intake.submit(case(n))
        started = time.monotonic()
        pool = OutboxPool(app.delivery, app.store, app.clock, signal, workers, 1.0, stop)
        pool.start()
        while len(relay.arrived) < cases and time.monotonic() < started + 120:
            time.sleep(0.005)
        elapsed = time.monotonic() - started
        stop.set()
        pool.join(5)
    return len(relay.arrived) / elapsed


def _runner(mode: str, app, signal: OutboxSignal, stop: threading.Event):
    if mode == "one worker":  # the local stack's worker before issue 12
        def loop():
            while not stop.is_set():
                app.delivery.deliver_due()
                stop.wait(1.0)

        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        return thread
    if mode.startswith("pool"):
        pool = OutboxPool(app.delivery, app.store, app.clock, signal, 4, 1.0, stop)
        pool.start()
        return pool
    return None


# -- recovery ------------------------------------------------------------------------------------

def live_recovery(outage_seconds: float, rate: float = 20.0) -> dict:
    """The real relay stopped for `outage_seconds` and started again on its port while cases
    come in at `rate` a second (wall clock, the pool of 4): the seconds from its start to the
    last acknowledgment held by the outage in it."""
    from tests.support.mailbox import free_port

    relay, port, stop = TimedRelay(time.monotonic), free_port(), threading.Event()
    with tempfile.TemporaryDirectory() as tmp:
        signal = OutboxSignal()
        app = services(Path(tmp), port, SystemClock(), signal=signal)
        pool = OutboxPool(app.delivery, app.store, app.clock, signal, 4, 1.0, stop)
        pool.start()
        registered: dict[str, float] = {}

        def file_for(seconds: float) -> None:
            until = time.monotonic() + seconds
            while time.monotonic() < until:
                registered[app.intake.submit(case(len(registered))).number] = time.monotonic()
                time.sleep(1 / rate)

        with smtp_server(relay, port=port):
            file_for(1.0)
        down = time.monotonic()
        file_for(outage_seconds)
        with smtp_server(relay, port=port):
            back = time.monotonic()
            file_for(2.0)
            deadline = back + 120
            while len(relay.arrived) < len(registered) and time.monotonic() < deadline:
                time.sleep(0.01)
        stop.set()
        pool.join(5)
    held = [n for n, at in registered.items() if down <= at < back]
    last = max((relay.arrived[n] for n in held if n in relay.arrived), default=back)
    return {"outage": outage_seconds, "held": len(held), "recovery": last - back,
            "sent": len(relay.arrived), "cases": len(registered), "copies": len(relay.messages)}


def recovery(outage_minutes: int, circuit: type[TransportCircuit], every: int = 1,
             tail: timedelta = timedelta(minutes=10)) -> dict:
    """One outage, simulated: a case every `every` ticks, from 2 minutes before it until `tail`
    after it and every acknowledgment is in."""
    clock = FixedClock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))
    relay = TimedRelay(clock.now)
    start = clock.now() + timedelta(minutes=2)
    end = start + timedelta(minutes=outage_minutes)
    with tempfile.TemporaryDirectory() as tmp, smtp_server(relay) as port:
        app = services(Path(tmp), port, clock, circuit=circuit)
        registered: dict[str, datetime] = {}
        n = tick = 0
        while clock.now() < end + tail or len(relay.arrived) < n:
            relay.down = start <= clock.now() < end
            if tick % every == 0:
                registered[app.intake.submit(case(n)).number] = clock.now()
                n += 1
            tick += 1
            while app.delivery.deliver_due(200):
                pass
            clock.advance(TICK)
            if clock.now() > end + timedelta(hours=8):
                break
    held = [number for number, at in registered.items()
            if at < end and relay.arrived.get(number, end) >= end]
    delays = sorted((relay.arrived[x] - registered[x]).total_seconds() for x in held
                    if x in relay.arrived)
    last = max((relay.arrived[x] for x in held if x in relay.arrived), default=end)
    return {"outage": outage_minutes, "held": len(held), "sent": len(relay.arrived), "cases": n,
            "copies": len(relay.messages), "recovery": (last - end).total_seconds(),
            "p50": _quantile(delays, 0.5), "p99": _quantile(delays, 0.99)}


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=400)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--outages", default="2,10,60")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    print(f"load average before: {' '.join(open('/proc/loadavg').read().split()[:3])}, "
          f"{os.cpu_count()} cores")
    print(f"\nPace: {args.cases} cases at {args.rate:g}/s; acknowledgment delay (registered → "
          "relay), seconds")
    baseline = None
    for mode in ("one worker", "pool of 4", "cloud"):
        row = pace(mode, args.cases, args.rate)
        baseline = baseline or row
        print(f"  {mode:<11} p50 {row['p50']:7.3f}  p99 {row['p99']:7.3f}  "
              f"({row['p99'] / baseline['p99']:.3f} of one worker's p99)  "
              f"{row['per_second']:6.1f} sent/s  sent {row['sent']}/{args.cases}, "
              f"copies {row['copies']}")
    print("\nDraining a backlog of 150: sends per second by the number of workers")
    for latency in (0.0, 0.03):
        rates = {workers: drain(workers, latency) for workers in (1, 4, 8)}
        print(f"  relay answering after {latency * 1000:2.0f} ms: " + ", ".join(
            f"{w} worker{'s' if w > 1 else ''} {r:6.1f}/s ({r / rates[1]:.2f})"
            for w, r in rates.items()))
    print("\nRecovery, live: the loopback relay stopped, cases filed at 20/s, the relay started "
          "again (the pool of 4); seconds from its start to the last held acknowledgment sent")
    for seconds in (5.0, 20.0):
        row = live_recovery(seconds)
        print(f"  outage {seconds:4.0f} s: recovery {row['recovery']:6.2f}  held {row['held']}  "
              f"sent {row['sent']}/{row['cases']}, copies {row['copies']}")
    print("\nRecovery: the relay down for an outage, then back (simulated clock, a case every "
          "5 s); seconds")
    for minutes in (int(m) for m in args.outages.split(",")):
        rows = [recovery(minutes, circuit) for circuit in (NoRecall, TransportCircuit)]
        for label, row in zip(("backoff only", "circuit"), rows, strict=True):
            print(f"  outage {minutes:>3} min, {label:<12} recovery {row['recovery']:8.0f}  "
                  f"held {row['held']:4d}: delay p50 {row['p50']:7.0f} p99 {row['p99']:7.0f}  "
                  f"sent {row['sent']}/{row['cases']}, copies {row['copies']}")
        ratio = rows[1]["recovery"] / rows[0]["recovery"] if rows[0]["recovery"] else float("nan")
        print(f"  outage {minutes:>3} min: recovery with the circuit {ratio:.3f} of backoff only "
              f"(0: in the {TICK.seconds}-s tick the relay came back)")
    print(f"\nload average after: {' '.join(open('/proc/loadavg').read().split()[:3])}")


if __name__ == "__main__":
    main()
