"""Cards that modules add to the organization dashboard, without core importing them.

A module registers a card in its ``AppConfig.ready``::

    register_card("indicators/_dashboard_card.html", indicators_to_watch)

The dashboard view calls each context function with the request (tenancy resolved) and renders
the template with what it returns; a function returning ``None`` hides its card (nothing to show,
or the member may not see that module). Keep each function to a few bounded queries: the
dashboard is the most visited page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ameliora.core.http import OrgRequest

CardContext = Callable[["OrgRequest"], dict[str, Any] | None]


@dataclass(frozen=True)
class Card:
    template_name: str
    context: CardContext


CARDS: list[Card] = []


def register_card(template_name: str, context: CardContext) -> Card:
    """Add a card (once per template: registering again replaces it, so reloading is harmless)."""
    card = Card(template_name, context)
    CARDS[:] = [c for c in CARDS if c.template_name != template_name] + [card]
    return card


def cards_for(request: OrgRequest) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every card that has something to show to this member."""
    shown = []
    for card in CARDS:
        context = card.context(request)
        if context is not None:
            shown.append((card.template_name, context))
    return shown
