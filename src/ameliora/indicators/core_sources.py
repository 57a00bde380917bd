"""Computed sources that the core itself can feed: the size of the team.

"Team members at the end of the period" is a structure indicator (resources exist) that a care
service follows when its staffing changes; it is also a useful denominator check.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ameliora.core.models import Membership, Organization
from ameliora.indicators.sources import register_source

MEMBERS_SOURCE = "core.members"


def members_at_end(organization: Organization, start: date, end: date, periodicity: str) -> tuple[int, None]:
    limit = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    return Membership.objects.for_org(organization).filter(joined_at__lt=limit).count(), None


register_source(MEMBERS_SOURCE, _("Team members (at the end of the period)"), members_at_end)
