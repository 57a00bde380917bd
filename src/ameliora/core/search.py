"""Search across an organization's records, without core importing the apps that hold them.

Each app registers a provider in its ``AppConfig.ready`` (through its ``search.py``)::

    register_search_provider("plans", _("Action plans"), search_plans)

A provider takes the member and the words typed and returns a :class:`SearchSource`: the queryset
of the matching rows **that member may see** (the app's own access function narrows it, so that an
event declared by the public is found only by those who triage, and a reporter's identity is never a
search field) and how to show one row. The search page counts and slices each queryset, so a search
costs two queries per provider whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.functional import Promise

if TYPE_CHECKING:
    from ameliora.core.models import Membership

MIN_LENGTH = 2
MAX_LENGTH = 100


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class SearchSource:
    rows: QuerySet[Any]
    show: Callable[[Any], SearchResult]


Provider = Callable[["Membership", str], SearchSource]


@dataclass(frozen=True)
class SearchProvider:
    key: str
    label: str | Promise
    search: Provider


PROVIDERS: dict[str, SearchProvider] = {}


def register_search_provider(key: str, label: str | Promise, search: Provider) -> SearchProvider:
    """Add a provider (registering the same key again replaces it, so reloading is harmless)."""
    provider = SearchProvider(key, label, search)
    PROVIDERS[key] = provider
    return provider


def clean_query(raw: str | None) -> str:
    """The words to look for, or "" when too short to search on (one letter matches everything)."""
    query = " ".join((raw or "").replace("\x00", "").split())[:MAX_LENGTH]
    return query if len(query) >= MIN_LENGTH else ""
