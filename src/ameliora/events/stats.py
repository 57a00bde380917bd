"""The yearly REX figures of an organization (seed 002 "indicateurs"), computed from its events.

These functions are the *computed sources* an indicators module can register (declarations per
level, per category and per month; professionals involved; resolution rate; median times to triage
and to closure; level-2 check-backs done on time). Each reads one organization and one calendar
year (Europe/Paris) and returns plain numbers; :func:`year_figures` gathers them for the dashboard.

Definitions, so that the numbers can be explained to a cell:

* an event counts in the year it was *received*;
* *resolution rate* = resolved events / retained events (received that year, "not retained" excluded),
  where an event is resolved when it is closed and its check-back, if any, did not say "not resolved"
  (a level-2 case closed after a negative check-back is not a resolved problem, seed 002);
* *median time to triage / to closure* = in days (one decimal), over the events triaged / closed;
* *check-backs on time* = level-2 check-backs due that year, up to today, done on or before their
  due date / all those due;
* *professionals involved* = distinct members who declared, handled or moved an event of the year,
  plus one per public declaration (their authors have no account and cannot be told apart).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from ameliora.core.models import Organization
from ameliora.events.models import Event, EventTransition


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def _events_of(organization: Organization, year: int) -> Any:
    start, end = _year_bounds(year)
    return Event.objects.for_org(organization).filter(received_at__gte=start, received_at__lt=end)


def declarations_per_level(organization: Organization, year: int) -> dict[int | None, int]:
    """{1: n, 2: n, 3: n, None: n (no level: not triaged, or levels not used)}."""
    counts = Counter(_events_of(organization, year).values_list("level", flat=True))
    return {1: counts.get(1, 0), 2: counts.get(2, 0), 3: counts.get(3, 0), None: counts.get(None, 0)}


def declarations_per_category(organization: Organization, year: int) -> list[tuple[str, int]]:
    """(category name, count), most frequent first; events without category under ""."""
    counts = Counter(_events_of(organization, year).values_list("category__name", flat=True))
    return sorted(((name or "", n) for name, n in counts.items()), key=lambda item: (-item[1], item[0]))


def declarations_per_month(organization: Organization, year: int) -> list[int]:
    """Twelve counts, January first (months in local time)."""
    months = [0] * 12
    for received_at in _events_of(organization, year).values_list("received_at", flat=True):
        months[timezone.localtime(received_at).month - 1] += 1
    return months


def professionals_involved(organization: Organization, year: int) -> int:
    return professionals_among(_events_of(organization, year))


def professionals_among(events: Any) -> int:
    """Distinct members who declared, handled or moved one of ``events``, plus one per public declaration."""
    people: set[int] = set()
    public = 0
    for source, reporter, handler in events.values_list("source", "reported_by_id", "handler_id"):
        if source == Event.Source.PUBLIC:
            public += 1
        people.update(pk for pk in (reporter, handler) if pk is not None)
    movers = EventTransition.objects.filter(event__in=events, by__isnull=False).values_list("by_id", flat=True)
    people.update(movers)
    return len(people) + public


def resolved(events: Any) -> Any:
    """The resolved ones of ``events``: closed, and not answered "not resolved" at the check-back."""
    return events.filter(status=Event.Status.CLOSED).exclude(check_back_resolved=False)


def resolution_rate(organization: Organization, year: int) -> float | None:
    """Share (0 to 1) of retained events that are resolved; None when there is none."""
    retained = _events_of(organization, year).exclude(status=Event.Status.NOT_RETAINED)
    total: int = retained.count()
    if not total:
        return None
    return float(resolved(retained).count()) / total


def _median_days(pairs: list[tuple[datetime, datetime | None]]) -> float | None:
    durations = [(end - start).total_seconds() / 86400 for start, end in pairs if end is not None]
    if not durations:
        return None
    return round(statistics.median(durations), 1)


def median_days_to_triage(organization: Organization, year: int) -> float | None:
    return _median_days(list(_events_of(organization, year).values_list("received_at", "triaged_at")))


def median_days_to_closure(organization: Organization, year: int) -> float | None:
    return median_days_to_closure_of(_events_of(organization, year))


def median_days_to_closure_of(events: Any) -> float | None:
    """Median days from reception to closure over the closed ones of ``events``."""
    closed = events.filter(status=Event.Status.CLOSED)
    return _median_days(list(closed.values_list("received_at", "closed_at")))


@dataclass(frozen=True)
class CheckBacks:
    due: int
    on_time: int

    @property
    def share(self) -> float | None:
        return self.on_time / self.due if self.due else None


def check_backs_on_time(organization: Organization, year: int, *, today: date | None = None) -> CheckBacks:
    today = today or timezone.localdate()
    rows = (
        Event.objects.for_org(organization)
        .filter(check_back_due__year=year, check_back_due__lte=today)
        .exclude(Q(status=Event.Status.NOT_RETAINED))
        .values_list("check_back_due", "check_back_done_at")
    )
    due = on_time = 0
    for due_on, done_at in rows:
        due += 1
        if done_at is not None and due_on is not None and timezone.localtime(done_at).date() <= due_on:
            on_time += 1
    return CheckBacks(due=due, on_time=on_time)


@dataclass(frozen=True)
class YearFigures:
    year: int
    total: int
    per_level: dict[int | None, int]
    per_category: list[tuple[str, int]]
    per_month: list[int]
    professionals: int
    resolution_rate: float | None
    median_days_to_triage: float | None
    median_days_to_closure: float | None
    check_backs: CheckBacks
    serious: int
    near_misses: int
    closed_without_feedback: int
    months: list[date] = field(default_factory=list)

    @property
    def resolution_percent(self) -> float | None:
        """The resolution rate in percent, unrounded: pages and exports round it with ``core.figures``."""
        return None if self.resolution_rate is None else 100 * self.resolution_rate


def year_figures(organization: Organization, year: int, *, today: date | None = None) -> YearFigures:
    events = _events_of(organization, year)
    per_month = declarations_per_month(organization, year)
    return YearFigures(
        year=year,
        total=sum(per_month),
        per_level=declarations_per_level(organization, year),
        per_category=declarations_per_category(organization, year),
        per_month=per_month,
        professionals=professionals_involved(organization, year),
        resolution_rate=resolution_rate(organization, year),
        median_days_to_triage=median_days_to_triage(organization, year),
        median_days_to_closure=median_days_to_closure(organization, year),
        check_backs=check_backs_on_time(organization, year, today=today),
        serious=events.filter(is_serious=True).count(),
        near_misses=events.filter(actuality="near_miss").count(),
        closed_without_feedback=events.filter(status=Event.Status.CLOSED, feedback_given_at__isnull=True).count(),
        months=[date(year, m, 1) for m in range(1, 13)],
    )


def years_with_events(organization: Organization) -> list[int]:
    dates = Event.objects.for_org(organization).dates("received_at", "year", order="DESC")
    years = [d.year for d in dates]
    current = timezone.localdate().year
    return sorted(set(years) | {current}, reverse=True)


def month_bars_svg(counts: list[int], labels: list[str], *, title: str) -> str:
    """Twelve bars with their values written above them (the numbers are also in the table)."""
    from html import escape

    width, height, left, bottom = 600, 180, 10, 24
    top = max([*counts, 1])
    step = (width - 2 * left) / len(counts)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="w-100" '
        f'font-family="system-ui, sans-serif" font-size="11"><title>{escape(title)}</title>'
    ]
    usable = height - bottom - 18
    for i, (count, label) in enumerate(zip(counts, labels, strict=True)):
        bar = usable * count / top
        x = left + i * step + step * 0.15
        y = height - bottom - bar
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="{step * 0.7:.0f}" height="{bar:.0f}" fill="#0d6efd"/>')
        parts.append(f'<text x="{x + step * 0.35:.0f}" y="{y - 3:.0f}" text-anchor="middle">{count}</text>')
        parts.append(f'<text x="{x + step * 0.35:.0f}" y="{height - 8}" text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
