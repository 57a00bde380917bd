""" "My work": what a member has to do, gathered from every module without core importing them.

Each app registers, in its ``AppConfig.ready``, the providers of the sections it feeds::

    register_work("actions", my_open_actions)

A provider takes the member and returns at most :data:`LIMIT` :class:`WorkItem` (things still to do,
never things done), in a few bounded queries. Sections are fixed here, so the page reads the same
whatever the modules installed: my actions, my reviews, my readings, my signatures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from ameliora.core.models import Membership

LIMIT = 20

SECTIONS: dict[str, str | Promise] = {
    "actions": _("My actions"),
    "reviews": _("My reviews"),
    "readings": _("My readings"),
    "signatures": _("My signatures"),
}

EMPTY: dict[str, str | Promise] = {
    "actions": _("No open action is yours."),
    "reviews": _("No document awaits your review."),
    "readings": _("Nothing awaits your reading or acknowledgement."),
    "signatures": _("Nothing awaits your signature."),
}


@dataclass(frozen=True)
class WorkItem:
    title: str
    url: str
    kind: str | Promise
    due: date | None = None
    late: bool = False


Provider = Callable[["Membership"], list[WorkItem]]

PROVIDERS: dict[str, dict[str, Provider]] = {key: {} for key in SECTIONS}


def register_work(section: str, provider: Provider) -> Provider:
    """Add a provider to a section (keyed by the function's module and name: reloading is harmless)."""
    if section not in SECTIONS:
        raise KeyError(section)
    PROVIDERS[section][f"{provider.__module__}.{provider.__qualname__}"] = provider
    return provider


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    empty: str | Promise
    items: list[WorkItem]


def work_of(membership: Membership) -> list[Section]:
    sections = []
    for key, label in SECTIONS.items():
        items = [item for provider in PROVIDERS[key].values() for item in provider(membership)]
        items.sort(key=lambda item: (item.due is None, item.due or date.max, item.title))
        sections.append(Section(key, label, EMPTY[key], items))
    return sections
