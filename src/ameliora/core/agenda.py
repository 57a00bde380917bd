"""What is waiting for a meeting: modules offer agenda items without the meetings app importing them.

A module registers a provider in its ``AppConfig.ready``::

    register_agenda_source("events.cases", cases_to_analyse)

A provider receives the organization and returns what a quality meeting should look at now: events
waiting for an analysis, indicators with a concerning signal, overdue actions, documents due for
review… Each proposal carries the object itself, so that an accepted item can be linked back to it,
and a stable ``key`` so that it is not proposed twice for the same session. Providers keep to a few
bounded queries and at most :data:`LIMIT` proposals each. Titles are references and labels, which
may still name a case: agendas are shown to members only, never logged or emailed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

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
SOURCES: dict[str, Provider] = {}


def register_agenda_source(name: str, provider: Provider) -> Provider:
    """Add (or, registered again under the same name, replace) a provider of agenda proposals."""
    SOURCES[name] = provider
    return provider


def proposals(organization: Organization) -> list[AgendaProposal]:
    """Every provider's proposals, in registration order, each capped at :data:`LIMIT`."""
    found: list[AgendaProposal] = []
    for provider in SOURCES.values():
        found.extend(provider(organization)[:LIMIT])
    return found
