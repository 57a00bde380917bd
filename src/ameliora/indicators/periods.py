"""Period arithmetic for indicators: a period is keyed by its first day and the indicator's periodicity.

A weekly period starts on a Monday, a monthly one on the 1st, a quarterly one on 1 January, April,
July or October, a yearly one on 1 January. Any date can be brought back to the start of the
period containing it with :func:`period_start_of`.
"""

from __future__ import annotations

from datetime import MAXYEAR, MINYEAR, date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class Periodicity(models.TextChoices):
    DAY = "day", _("Daily")
    WEEK = "week", _("Weekly")
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")


#: Days allowed after a period has ended before its value counts as late ("data due").
GRACE_DAYS: dict[str, int] = {"day": 1, "week": 3, "month": 10, "quarter": 20, "year": 45}


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year = index // 12
    if year < MINYEAR:
        return date.min
    if year > MAXYEAR:
        return date.max
    return date(year, index % 12 + 1, 1)


def period_start_of(day: date, periodicity: str) -> date:
    """The first day of the period that contains ``day``."""
    if periodicity == Periodicity.DAY:
        return day
    if periodicity == Periodicity.WEEK:
        return day - timedelta(days=day.weekday())
    if periodicity == Periodicity.MONTH:
        return day.replace(day=1)
    if periodicity == Periodicity.QUARTER:
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def is_period_start(day: date, periodicity: str) -> bool:
    return period_start_of(day, periodicity) == day


def shift_period(start: date, periodicity: str, count: int = 1) -> date:
    """The start of the period ``count`` periods after (or before, if negative) ``start``.

    Past the ends of Python's calendar it stops at ``date.min`` / ``date.max`` instead of raising:
    dates are bounded when typed (``core.dates``), but a row stored before that must not break a page.
    """
    if periodicity in (Periodicity.DAY, Periodicity.WEEK):
        step = timedelta(days=count) if periodicity == Periodicity.DAY else timedelta(weeks=count)
        try:
            return start + step
        except OverflowError:
            return date.max if count > 0 else date.min
    months = {"month": 1, "quarter": 3, "year": 12}[periodicity] * count
    return _add_months(start, months)


def period_end(start: date, periodicity: str) -> date:
    """The last day of the period that starts on ``start``."""
    return shift_period(start, periodicity) - timedelta(days=1)


def due_threshold(today: date, periodicity: str) -> date:
    """Data are due when the last recorded period started on or before this date.

    The period after the last one recorded has ended, plus :data:`GRACE_DAYS`, without a value:
    ``last + 2 periods + grace <= today``.
    """
    return shift_period(period_start_of(today - timedelta(days=GRACE_DAYS[periodicity]), periodicity), periodicity, -2)


def is_data_due(last_period: date | None, periodicity: str, today: date) -> bool:
    if last_period is None:
        return False
    return last_period <= due_threshold(today, periodicity)
