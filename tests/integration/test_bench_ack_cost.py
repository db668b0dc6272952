"""bench.ack_cost keeps measuring an acknowledgment's CPU against its case's intake (issue 12):
a short run on SQLite posts cases to the form and registers more through the service, delivers
every acknowledgment once to the real mailbox in its own process, and accounts for the cost by
stage. No timing is asserted: figures belong in docs/figures.md, from the full run."""
from __future__ import annotations

from bench.ack_cost import STAGES, report, run


def test_a_short_run_sends_every_acknowledgment_once_and_accounts_for_each_stage(tmp_path, capsys):
    figures = run("SQLite", "sqlite", 4, tmp_path)
    assert figures.delivered == figures.filed == 8  # four by the form, four by the service
    assert figures.form > 0 and figures.intake > 0 and figures.ack > 0
    assert set(figures.stages) == set(STAGES)
    assert all(figures.stages[stage] > 0 for stage in STAGES)  # each stage was passed through
    assert sum(figures.stages.values()) <= figures.ack * 1.01  # exclusive: they add up to it
    report(figures)
    printed = capsys.readouterr().out
    assert "ratio ack/form" in printed and all(stage in printed for stage in STAGES)
