"""Computed sources for indicators (``ameliora.indicators.sources``), registered when that app is installed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ameliora.core.models import Organization
from ameliora.documents.models import ReadReceipt

Result = tuple[int | None, int | None]


def read_share(organization: Organization, start: date, end: date, periodicity: str) -> Result:
    """Of the readings asked during the period, how many have been acknowledged (the share of readers reached)."""
    tz = timezone.get_default_timezone()
    asked = ReadReceipt.objects.filter(
        version__document__organization=organization,
        requested_at__gte=datetime.combine(start, time.min, tzinfo=tz),
        requested_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )
    total = asked.count()
    if not total:
        return None, None
    return asked.filter(acknowledged_at__isnull=False).count(), total


def register() -> None:
    from ameliora.indicators.sources import register_source

    register_source("documents.read_share", _("Documents: share of requested readings acknowledged"), read_share)
