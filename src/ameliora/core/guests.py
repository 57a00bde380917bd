"""Guests: people outside an organization who may open a few of its pages for a bounded period.

A guest is no member: the tenancy middleware answers 404 to a non-member on every organization URL,
except on the views marked with :func:`guest_view`, where it asks the registered
:class:`GuestDirectory` whether the person holds a guest pass in that organization today. Then
``request.organization`` is set, ``request.membership`` stays ``None`` and ``request.guest_areas``
lists what the guest may open (the navigation shows only that). Each guest view still checks, with
its app's access function, that the object asked for is one the guest was invited to (else 404).

Core imports no domain app: the meetings app (exchange spaces shared with guests) registers the
directory in its ``AppConfig.ready``. Without one, nobody is a guest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from ameliora.core.models import Organization

#: Where the guest invitation page keeps its token while the visitor signs up or signs in.
SESSION_KEY = "guest_invitation_token"

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class GuestArea:
    """One place a guest may open in a host organization (an exchange space), until a day."""

    organization: Organization
    label: str
    url: str
    until: date


class GuestDirectory(Protocol):
    def areas(self, user: Any, organization: Organization | None) -> list[GuestArea]:
        """What ``user`` may open today as a guest, in ``organization`` (``None``: in every organization)."""
        ...

    def pending_invitation_url(self, token: str) -> str | None:
        """The page of the guest invitation ``token`` while it may still be accepted, else ``None``."""
        ...


_DIRECTORY: list[GuestDirectory] = []


def register_guest_directory(directory: GuestDirectory) -> GuestDirectory:
    _DIRECTORY[:] = [directory]
    return directory


def guest_areas(user: Any, organization: Organization | None = None) -> list[GuestArea]:
    if not _DIRECTORY or not getattr(user, "is_authenticated", False):
        return []
    return _DIRECTORY[0].areas(user, organization)


def pending_invitation_url(token: str | None) -> str | None:
    if not token or not _DIRECTORY:
        return None
    return _DIRECTORY[0].pending_invitation_url(token)


def guest_view(view: View) -> View:
    """Let the tenancy middleware pass a guest of the organization to this view (members pass anyway)."""
    view.guests_allowed = True  # type: ignore[attr-defined]
    return view


def allows_guests(view: Callable[..., Any]) -> bool:
    return bool(getattr(view, "guests_allowed", False))
