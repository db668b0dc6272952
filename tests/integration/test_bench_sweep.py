"""bench.sweep keeps measuring what the deadline sweep reads as the code changes, on both stores:
of 2 000 open cases 20 are due, swept in pages of 10 — the sweep changes those 20 and reads
only them (the documents counted at the client), never the open cases that are not due; the same
sweep again changes nothing and reads one empty page."""
from __future__ import annotations

from bench.sweep import sweep_figures


def test_a_sweep_reads_the_due_cases_not_the_open_ones(store):
    figures = sweep_figures(store, cases=2_000, due=20, page=10, rounds=1)
    # The bound. Each due case is read once, in its page, and written only if unchanged
    # since: the commit that claims what the sweep did checks its version instead of reading it.
    assert figures.case_reads <= figures.due + figures.page
    assert figures.case_reads == figures.due and "update_case" not in figures.store_calls
    assert (figures.changed, figures.store_calls["update_case_as_read"]) == (20, 20)
    # The staff list (2 members), once for the supervisors to tell and once for R9's audience.
    assert figures.other_reads == 4
    assert figures.store_calls["due_cases"] == 3  # two full pages, then an empty one
    assert (figures.again_reads, figures.again_queries, figures.again_changed) == (0, 1, 0)
