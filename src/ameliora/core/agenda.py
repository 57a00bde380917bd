"""What is waiting for a meeting: modules offer agenda items without the meetings app importing them.

A module registers a provider in its ``AppConfig.ready``, with a translated label that the form of
an exchange space shows next to its checkbox::

    register_agenda_source("events.cases", cases_to_analyse, label=_("Cases to analyse"))

A provider receives the organization and returns what a quality meeting should look at now: events
waiting for an analysis, indicators with a concerning signal, overdue actions, documents due for
review… Each proposal carries the object itself, so that an accepted item can be linked back to it,
and a stable ``key`` so that it is not proposed twice for the same session. Providers keep to a few
bounded queries and at most :data:`LIMIT` proposals each. Each exchange space chooses which sources
feed its agenda (``proposals(organization, sources=[...])``); a source name is its registry key.
Titles are references and labels, which may still name a case: agendas are shown to members only,
never logged or emailed.

The other way round, a module may ask which sessions took one of its objects up, and when the next
session of a kind of space is planned, without importing the meetings app::

    sessions_about(event)                 # [SessionRef(...)], oldest first
    next_session(organization, "quality_cell")

The meetings app answers through :func:`register_session_finder` (one finder; a later registration
replaces it). Without it both answer "nothing".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.db import models
from django.utils.functional import Promise

from ameliora.core.models import Organization

LIMIT = 20


@dataclass(frozen=True)
class AgendaProposal:
    key: str  # "<app>.<model>:<pk>", stable across requests
    kind: str  # a translated label: "Case to analyse", "Concerning indicator"…
    title: str
    url: str
    obj: models.Model


Provider = Callable[[Organization], list[AgendaProposal]]


@dataclass(frozen=True)
class AgendaSource:
    name: str  # "<app>.<what>", e.g. "events.cases"; what an exchange space stores to choose it
    label: str | Promise  # translated: "Cases to analyse"
    provider: Provider


SOURCES: dict[str, AgendaSource] = {}


def register_agenda_source(name: str, provider: Provider, *, label: str | Promise) -> Provider:
    """Add (or, registered again under the same name, replace) a provider of agenda proposals."""
    SOURCES[name] = AgendaSource(name, label, provider)
    return provider


def source_choices() -> list[tuple[str, str | Promise]]:
    """``(name, label)`` of every registered source, in registration order (for a form's checkboxes)."""
    return [(source.name, source.label) for source in SOURCES.values()]


def proposals(organization: Organization, *, sources: Iterable[str] | None = None) -> list[AgendaProposal]:
    """The proposals of the named sources (``None``: every source), in registration order, each capped at
    :data:`LIMIT`. A name that is not registered (its app was removed) is ignored."""
    wanted = None if sources is None else set(sources)
    found: list[AgendaProposal] = []
    for source in SOURCES.values():
        if wanted is None or source.name in wanted:
            found.extend(source.provider(organization)[:LIMIT])
    return found


# --- sessions, seen from the other modules ---------------------------------------------------------


@dataclass(frozen=True)
class SessionRef:
    """A meeting session, as another module shows it: its space, its start, its page, its status."""

    space: str
    starts_at: datetime
    url: str
    status: str  # a translated label: "Planned", "Held", "Cancelled"
    held: bool


class SessionFinder(Protocol):
    def sessions_about(self, obj: models.Model) -> list[SessionRef]:
        """The sessions whose agenda took ``obj`` up (through ``core.Link``), oldest first."""
        ...

    def next_session(self, organization: Organization, space_kind: str) -> SessionRef | None:
        """The next planned session of the organization's spaces of that kind, if any."""
        ...


_FINDER: list[SessionFinder] = []


def register_session_finder(finder: SessionFinder) -> SessionFinder:
    _FINDER[:] = [finder]
    return finder


def sessions_about(obj: models.Model) -> list[SessionRef]:
    return _FINDER[0].sessions_about(obj) if _FINDER else []


def next_session(organization: Organization, space_kind: str) -> SessionRef | None:
    return _FINDER[0].next_session(organization, space_kind) if _FINDER else None
