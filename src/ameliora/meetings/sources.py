"""Computed sources for indicators (``ameliora.indicators.sources``), registered when that app is installed.

Definitions match :mod:`ameliora.meetings.report`, over the sessions that start within the period.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ameliora.core.models import Organization
from ameliora.meetings.models import Attendance, Decision, Session
from ameliora.plans.models import Action

Result = tuple[int | None, int | None]


def _held(organization: Organization, start: date, end: date) -> QuerySet[Session]:
    tz = timezone.get_default_timezone()
    return Session.objects.for_org(organization).filter(
        status=Session.Status.HELD,
        starts_at__gte=datetime.combine(start, time.min, tzinfo=tz),
        starts_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def sessions_held(organization: Organization, start: date, end: date, periodicity: str) -> Result:
    return _held(organization, start, end).count(), None


def attendance_rate(organization: Organization, start: date, end: date, periodicity: str) -> Result:
    recorded = Attendance.objects.filter(session__in=_held(organization, start, end))
    total = recorded.count()
    if not total:
        return None, None
    return recorded.filter(status=Attendance.Status.PRESENT).count(), total


def decisions_completed(organization: Organization, start: date, end: date, periodicity: str) -> Result:
    decisions = Decision.objects.filter(session__in=_held(organization, start, end))
    total = decisions.count()
    if not total:
        return None, None
    return decisions.filter(action__status=Action.Status.DONE).count(), total


def register() -> None:
    from ameliora.indicators.sources import register_source

    register_source("meetings.sessions_held", _("Exchange spaces: sessions held"), sessions_held)
    register_source("meetings.attendance_rate", _("Exchange spaces: attendance rate"), attendance_rate)
    register_source("meetings.decisions_completed", _("Exchange spaces: decisions completed"), decisions_completed)
