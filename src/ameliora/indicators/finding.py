"""What the navigation finds in indicators: search by name or description."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ameliora.core.models import Membership
from ameliora.core.permissions import can
from ameliora.core.search import SearchResult, SearchSource, register_search_provider
from ameliora.indicators.access import indicators_for
from ameliora.indicators.models import Indicator


def _show(indicator: Indicator) -> SearchResult:
    return SearchResult(indicator.name, indicator.get_absolute_url(), indicator.get_kind_display())


def search_indicators(membership: Membership, query: str) -> SearchSource:
    indicators = indicators_for(membership) if can(membership, "indicators.view") else Indicator.objects.none()
    indicators = indicators.filter(Q(name__icontains=query) | Q(description__icontains=query))
    return SearchSource(indicators.select_related("organization").order_by("name", "pk"), _show)


register_search_provider("indicators", _("Indicators"), search_indicators)
