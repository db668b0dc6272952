"""bench.statistics keeps measuring the bulletin as the code changes, on both stores: a month of
300 cases — the bulletin reads the counters of the month's days and the listed cases, never the
cases of the month, and agrees with them."""
from __future__ import annotations

from bench.statistics import statistics_figures


def test_the_bulletin_reads_the_days_not_the_cases(store):
    figures = statistics_figures(store, cases=300, sample=100, rounds=1)
    assert figures.listed == 1 and figures.baseline_reads >= 300  # one case in 1 000 is listed
    assert figures.bulletin_queries == 1  # one range read of the days' counters
    if figures.bulletin_reads < 200:  # Firestore: documents, 30 days × 4 shards + the listed
        assert figures.bulletin_reads <= 30 * 4 + figures.listed
    else:  # SQLite: rows, one a day and counter name (~200 a day at most) + the listed
        assert figures.bulletin_reads <= 30 * 250 + figures.listed
