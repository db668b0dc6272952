"""The load bench's short version (`bench/load.py`; the full one is `python -m bench.load --full`):
60 forms (each with the token of the form it fetched) and 60 reports by mail (UTF-8, GBK, and
gb2312-labelled GBK) from 8 concurrent clients in this process, against `bin/serve` in its own,
on SQLite and on the Firestore emulator. Every submission is one case with a unique number and
its text decoded as written, and has exactly one acknowledgment, sent and in the mailbox. The
times are printed, never asserted (docs/figures.md has them)."""
from __future__ import annotations

import pytest

from bench.load import Variant, report, run_load

pytestmark = [pytest.mark.slow]
FORMS = EMAILS = 60
CLIENTS = 8


def assert_exact(run) -> None:
    outcome = run.outcome
    report(run)
    assert outcome.refused == [] and outcome.lost == [] and outcome.duplicated == []
    assert outcome.garbled == [] and outcome.numbers_repeated == 0
    assert outcome.acks_missing == [] and outcome.acks_repeated == [] and outcome.mailbox_missing == []
    assert len(outcome.ack_delays) == FORMS + EMAILS  # one acknowledgment per case, each sent


def test_every_submission_under_load_is_one_case_with_one_acknowledgment_on_sqlite(tmp_path):
    assert_exact(run_load(Variant("sqlite"), FORMS, EMAILS, CLIENTS, tmp_path, ack_timeout=120))


@pytest.mark.firestore
def test_every_submission_under_load_is_one_case_with_one_acknowledgment_on_firestore(
        tmp_path, firestore_emulator):
    assert_exact(run_load(Variant("firestore"), FORMS, EMAILS, CLIENTS, tmp_path,
                          emulator_host=firestore_emulator, ack_timeout=120))
