"""The dashboard card "Indicators to watch": concerning ones and those whose data are due (2 queries)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from ameliora.core.dashboard import register_card
from ameliora.core.http import OrgRequest
from ameliora.core.permissions import can
from ameliora.indicators.analysis import format_value
from ameliora.indicators.models import Indicator, Status
from ameliora.indicators.periods import is_data_due

CARD_SIZE = 6


def indicators_to_watch(request: OrgRequest) -> dict[str, Any] | None:
    if not can(request.membership, "indicators.view"):
        return None
    today = timezone.localdate()
    indicators = Indicator.objects.for_org(request.organization).active()
    watch = indicators.filter(Q(status=Status.CONCERNING) | indicators.due_q(today)).select_related("organization")
    rows = [
        {
            "indicator": indicator,
            "status": Status.CONCERNING
            if indicator.status == Status.CONCERNING
            else Status.DATA_DUE
            if is_data_due(indicator.last_period_start, indicator.periodicity, today)
            else indicator.status,
            "last_value": format_value(indicator, indicator.last_value),
        }
        for indicator in watch.order_by("-status", "name")[:CARD_SIZE]
    ]
    total = indicators.count()
    if not total:
        return None
    return {"rows": rows, "total": total}


register_card("indicators/_dashboard_card.html", indicators_to_watch)
