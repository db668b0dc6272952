"""bench.ack_recovery keeps measuring recovery after a relay outage as the code changes: after two
minutes of 421s every acknowledgment goes out once, with the circuit in the tick the relay is back,
without it only at the backoff slots (minutes later)."""
from __future__ import annotations

from datetime import timedelta

from bench.ack_recovery import NoRecall, recovery
from shared.services.delivery_recovery import TransportCircuit


def test_after_an_outage_the_circuit_sends_the_held_acknowledgments_at_once_and_once():
    backoff_only = recovery(2, NoRecall, every=6, tail=timedelta(0))  # a case every 30 s
    circuit = recovery(2, TransportCircuit, every=6, tail=timedelta(0))
    for row in (backoff_only, circuit):
        assert row["sent"] == row["cases"] == row["copies"]  # every one, once
        assert row["held"] > 0
    assert circuit["recovery"] <= 5  # within the tick (5 s) the relay came back
    assert backoff_only["recovery"] >= 60  # the first retry slot was a minute away
