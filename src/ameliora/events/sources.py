"""Computed sources for indicators (``ameliora.indicators.sources``), registered when that app is installed.

Each function receives the organization, the first and last day of a period (both included) and the
periodicity, and returns ``(value, denominator)``. Definitions are those of :mod:`ameliora.events.stats`.
"""

from __future__ import annotations

import statistics
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ameliora.core.models import Organization
from ameliora.events import stats
from ameliora.events.models import Event, EventCategory

Result = tuple[float | int | None, float | int | None]


def _received(organization: Organization, start: date, end: date) -> Any:
    tz = timezone.get_default_timezone()
    first = datetime.combine(start, time.min, tzinfo=tz)
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    return Event.objects.for_org(organization).filter(received_at__gte=first, received_at__lt=after)


def category_choices(organization: Organization) -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in EventCategory.objects.for_org(organization).values_list("pk", "name")]


def declared(organization: Organization, start: date, end: date, periodicity: str, *, parameter: str = "") -> Result:
    """Events received in the period, of one category if ``parameter`` names one (empty: all)."""
    events = _received(organization, start, end)
    if parameter:
        events = events.filter(category_id=int(parameter) if parameter.isdigit() else 0)
    return events.count(), None


def declared_at_level(level: int) -> Any:
    def compute(organization: Organization, start: date, end: date, periodicity: str) -> Result:
        return _received(organization, start, end).filter(level=level).count(), None

    return compute


def resolution(organization: Organization, start: date, end: date, periodicity: str) -> Result:
    retained = _received(organization, start, end).exclude(status=Event.Status.NOT_RETAINED)
    total = retained.count()
    if not total:
        return None, None
    return stats.resolved(retained).count(), total


def median_days_to_triage(organization: Organization, start: date, end: date, periodicity: str) -> Result:
    pairs = (
        _received(organization, start, end).filter(triaged_at__isnull=False).values_list("received_at", "triaged_at")
    )
    days = [(t - r).total_seconds() / 86400 for r, t in pairs if t is not None]
    return (round(statistics.median(days), 1), None) if days else (None, None)


def professionals_involved(organization: Organization, start: date, end: date, periodicity: str) -> Result:
    """Meant for a yearly indicator (the REX report's figure); any period works."""
    return stats.professionals_among(_received(organization, start, end)), None


def median_days_to_closure(organization: Organization, start: date, end: date, periodicity: str) -> Result:
    """Over the events received in the period and closed since."""
    return stats.median_days_to_closure_of(_received(organization, start, end)), None


def check_backs_on_time(organization: Organization, start: date, end: date, periodicity: str) -> Result:
    rows = list(
        Event.objects.for_org(organization)
        .filter(check_back_due__gte=start, check_back_due__lte=min(end, timezone.localdate()))
        .exclude(status=Event.Status.NOT_RETAINED)
        .values_list("check_back_due", "check_back_done_at")
    )
    if not rows:
        return None, None
    on_time = sum(
        1 for due, done in rows if done is not None and due is not None and timezone.localtime(done).date() <= due
    )
    return on_time, len(rows)


def register() -> None:
    from ameliora.indicators.sources import SourceParameter, register_source

    register_source(
        "events.declared",
        _("Adverse events declared"),
        declared,
        parameter=SourceParameter(_("Event category"), category_choices),
    )
    for level in (1, 2, 3):
        register_source(
            f"events.declared.level{level}",
            _("REX declarations at level %(n)s") % {"n": level},
            declared_at_level(level),
        )
    register_source("events.resolution_rate", _("Adverse events: share of retained events resolved"), resolution)
    register_source("events.median_days_to_triage", _("Adverse events: median days to triage"), median_days_to_triage)
    register_source(
        "events.professionals_involved",
        _("REX: professionals involved (declared, handled or followed)"),
        professionals_involved,
    )
    register_source(
        "events.median_days_to_closure", _("Adverse events: median days to closure"), median_days_to_closure
    )
    register_source("events.check_backs_on_time", _("REX level-2 check-backs done on time"), check_backs_on_time)
