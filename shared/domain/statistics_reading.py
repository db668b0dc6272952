"""The bulletin of a period from the counters of its days (`statistics_counters`) and the few
major and hot cases they list: sums, rates and percentiles, no case read for a figure."""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date

from .cases import Case
from .statistics import Bulletin, HandlingTime, ListedCase, Performance, Period, Rate, Satisfaction
from .statistics_counters import HOUR_BUCKETS

_GROUP_FIELD = re.compile(r"^(?P<key>.+)\.(?:hours\.(?P<edge>\d+)|(?P<field>assigned|closed|on_time))$")


def totals(days: Mapping[date, Mapping[str, int]]) -> Counter:
    """The counters of every day added up."""
    total: Counter = Counter()
    for counts in days.values():
        total.update(counts)
    return total


def listed_numbers(total: Mapping[str, int]) -> list[str]:
    """The numbers of the cases the period lists (major or hot), in order."""
    return sorted(name.removeprefix("listed.") for name, n in total.items()
                  if name.startswith("listed.") and n > 0)


def bulletin_of(period: Period, total: Mapping[str, int], listed: Iterable[Case]) -> Bulletin:
    """The bulletin: `total` is the period's counters added up (`totals`), `listed` the cases
    of `listed_numbers` as they are now."""
    def n(name: str) -> int:
        return total.get(name, 0)

    return Bulletin(
        period=period, received=n("received"),
        by_kind=_under(total, "received.kind."), by_channel=_under(total, "received.channel."),
        by_category=_under(total, "received.category."),
        by_severity=_under(total, "received.severity."),
        repeat_complaints=n("received.repeat"),
        malicious=n("marked.malicious"), unfounded=n("marked.unfounded"),
        reviewed=n("review.total"), accepted=n("review.accepted"), rejected=n("review.rejected"),
        review_on_time=rate(n("review.on_time"), n("review.total")),
        closed=n("closed"), outcomes=_under(total, "closed.outcome."),
        decision_on_time=rate(n("decision.on_time"), n("decision.total")),
        handling_time=handling_time(_histogram(_under(total, "hours."))),
        appeals_received=n("appeal.received"), appeals_decided=n("appeal.decided"),
        appeal_outcomes=_under(total, "appeal.outcome."), appeals_changed=n("appeal.changed"),
        satisfaction=satisfaction({s: n(f"satisfaction.{s}") for s in range(1, 6)}),
        departments=performances(_under(total, "department.")),
        handlers=performances(_under(total, "handler.")),
        major_and_hot=[listed_case(case) for case in sorted(listed, key=lambda c: c.number)],
        misuse=_under(total, "misuse."),
    )


def rate(on_time: int, count: int) -> Rate:
    return Rate(on_time, count, on_time / count if count else None)


def percentile(buckets: Mapping[int, int], q: float) -> float | None:
    """The nearest-rank percentile `q` (0 < q ≤ 1) of a histogram, as the upper edge of the
    bucket it falls in (a time beyond the last edge, bucket 0, reads as the last edge)."""
    count = sum(buckets.values())
    if count == 0:
        return None
    rank, seen = math.ceil(q * count), 0
    for edge in sorted(buckets, key=lambda e: e or math.inf):
        seen += buckets[edge]
        if seen >= rank:
            return float(edge or HOUR_BUCKETS[-1])
    return None  # not reached: the last bucket holds the rank


def handling_time(buckets: dict[int, int]) -> HandlingTime:
    return HandlingTime(sum(buckets.values()), percentile(buckets, 0.5), percentile(buckets, 0.9),
                        buckets)


def satisfaction(counts: dict[int, int]) -> Satisfaction:
    count = sum(counts.values())
    average = sum(s * c for s, c in counts.items()) / count if count else None
    return Satisfaction(counts, count, average)


def performances(fields: Mapping[str, int]) -> list[Performance]:
    """绩效 from `<key>.assigned|closed|on_time|hours.<edge>` counters (a key may hold dots)."""
    groups: dict[str, dict] = {}
    for name, value in fields.items():
        found = _GROUP_FIELD.match(name)
        if found is None:
            continue
        group = groups.setdefault(found["key"], {"hours": {}})
        if found["edge"] is not None:
            group["hours"][int(found["edge"])] = value
        else:
            group[found["field"]] = value
    return [Performance(key, g.get("assigned", 0), g.get("closed", 0),
                        rate(g.get("on_time", 0), g.get("closed", 0)),
                        percentile(g["hours"], 0.5))
            for key, g in sorted(groups.items())]


def listed_case(case: Case) -> ListedCase:
    report = case.decision.get("record", {}).get("closure_report") or {}
    return ListedCase(case.number, case.kind.value, case.severity.value, case.status.value,
                      case.category, case.department, case.received_at, case.closed_at,
                      cause=report.get("cause", ""), prevention=report.get("prevention", ""),
                      summary=report.get("summary", ""))


def _under(total: Mapping[str, int], prefix: str) -> dict[str, int]:
    return {name[len(prefix):]: value for name, value in sorted(total.items())
            if name.startswith(prefix) and value}


def _histogram(counts: Mapping[str, int]) -> dict[int, int]:
    return {int(edge): value for edge, value in counts.items() if edge.isdigit()}
