"""What the navigation finds in events: the events the member may see, by reference, category or text.

The rows come from ``access.events_for`` (public declarations only for those who triage), and no
reporter field is searched or shown, so a search never tells who reported.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ameliora.core.models import Membership
from ameliora.core.search import SearchResult, SearchSource, register_search_provider
from ameliora.events.access import events_for
from ameliora.events.models import Event


def _show(event: Event) -> SearchResult:
    parts = [event.category.name if event.category else "", event.get_status_display()]
    parts.append(date_format(timezone.localtime(event.received_at), "SHORT_DATE_FORMAT"))
    return SearchResult(event.reference, event.get_absolute_url(), " · ".join(p for p in parts if p))


def search_events(membership: Membership, query: str) -> SearchSource:
    events = events_for(membership).filter(
        Q(reference__icontains=query) | Q(category__name__icontains=query) | Q(description__icontains=query)
    )
    return SearchSource(events.select_related("organization", "category").order_by("-received_at", "-pk"), _show)


register_search_provider("events", _("Adverse events"), search_events)
