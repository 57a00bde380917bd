"""The one way views and the API reach meeting rows: scoped to the member's organization, else 404.

Guests of a space (``SpaceGuest``) are no members: ``get_space_for_viewer`` / ``get_session_for_viewer``
give them the space they hold an open pass to, and its sessions within their period, and 404 otherwise.
The ``Directory`` registered with ``core.guests`` lets the tenancy middleware pass them to guest views.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from ameliora.core.access import register_freeze_check
from ameliora.core.guests import GuestArea, register_guest_directory
from ameliora.core.http import GuestRequest
from ameliora.core.models import Membership, Organization, OrgQuerySet
from ameliora.core.permissions import can
from ameliora.meetings.models import (
    MINUTES_APPROVED,
    AgendaItem,
    Decision,
    ExchangeSpace,
    MissionLetter,
    Session,
    SessionQuerySet,
    SpaceGuest,
    SpaceGuestQuerySet,
)


def spaces_for(membership: Membership) -> OrgQuerySet[ExchangeSpace]:
    return ExchangeSpace.objects.for_org(membership.organization)


def get_space_for(membership: Membership, space_id: int) -> ExchangeSpace:
    return get_object_or_404(spaces_for(membership).select_related("organization", "charter", "plan"), pk=space_id)


def sessions_for(membership: Membership) -> SessionQuerySet:
    return Session.objects.for_org(membership.organization)


def get_session_for(membership: Membership, session_id: int) -> Session:
    return get_object_or_404(
        sessions_for(membership).select_related("organization", "space__organization", "minutes_approved_by__user"),
        pk=session_id,
    )


def get_item_for(membership: Membership, item_id: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.for_org(membership.organization).select_related("session__space", "organization"),
        pk=item_id,
    )


def get_decision_for(membership: Membership, decision_id: int) -> Decision:
    return get_object_or_404(
        Decision.objects.for_org(membership.organization).select_related("session__space", "organization"),
        pk=decision_id,
    )


def letters_for(membership: Membership) -> OrgQuerySet[MissionLetter]:
    """The organization's mission letters; a draft is seen by the managers who write it, not yet by others."""
    letters = MissionLetter.objects.for_org(membership.organization)
    if can(membership, "meetings.manage"):
        return letters
    return letters.exclude(status=MissionLetter.Status.DRAFT)


def get_letter_for(membership: Membership, letter_id: int) -> MissionLetter:
    return get_object_or_404(
        letters_for(membership).select_related(
            "organization", "person__user", "space__organization", "document__organization", "issued_by__user"
        ),
        pk=letter_id,
    )


def _frozen(obj: models.Model) -> str | None:
    """Approved minutes take no more files (on the session itself)."""
    assert isinstance(obj, Session)  # noqa: S101 — registered for Session only
    return str(MINUTES_APPROVED) if obj.is_frozen else None


register_freeze_check(Session, _frozen)


# --- guests of a space ---------------------------------------------------------------------------


def open_passes(user: Any, organization: Organization | None = None) -> SpaceGuestQuerySet:
    """The guest passes that open a space to ``user`` today (in ``organization``, or anywhere)."""
    passes = SpaceGuest.objects.open_on(timezone.localdate()).filter(user=user)
    if organization is not None:
        passes = passes.for_org(organization)
    return passes


def get_space_for_viewer(request: GuestRequest, space_id: int) -> tuple[ExchangeSpace, SpaceGuest | None]:
    """The space for a member of its organization, or for a guest holding an open pass to it; else 404."""
    if request.membership is not None:
        return get_space_for(request.membership, space_id), None
    guest = (
        open_passes(request.user, request.organization)
        .select_related("space__organization", "space__charter")
        .filter(space_id=space_id)
        .first()
    )
    if guest is None:
        raise Http404
    return guest.space, guest


def get_session_for_viewer(request: GuestRequest, session_id: int) -> tuple[Session, SpaceGuest | None]:
    """A session for a member, or for a guest of its space when it falls within the guest's period; else 404."""
    if request.membership is not None:
        return get_session_for(request.membership, session_id), None
    session = get_object_or_404(
        Session.objects.for_org(request.organization).select_related("organization", "space__organization"),
        pk=session_id,
    )
    guest = open_passes(request.user, request.organization).filter(space_id=session.space_id).first()
    if guest is None or not guest.valid_from <= timezone.localdate(session.starts_at) <= guest.valid_until:
        raise Http404
    return session, guest


def get_guest_for(membership: Membership, guest_id: int) -> SpaceGuest:
    return get_object_or_404(
        SpaceGuest.objects.for_org(membership.organization).select_related("space__organization"), pk=guest_id
    )


class Directory:
    """Answers ``core.guests``: the spaces a person may open as a guest, and guest invitation links."""

    def areas(self, user: Any, organization: Organization | None) -> list[GuestArea]:
        passes = open_passes(user, organization).select_related("space__organization").order_by("space__name")
        return [
            GuestArea(
                organization=guest.space.organization,
                label=guest.space.name,
                url=reverse(
                    "meetings:guest_space",
                    kwargs={"org_slug": guest.space.organization.slug, "space_id": guest.space_id},
                ),
                until=guest.valid_until,
            )
            for guest in passes
        ]

    def pending_invitation_url(self, token: str) -> str | None:
        guest = SpaceGuest.objects.filter(token=token).first()
        return guest.get_absolute_url() if guest is not None and guest.may_accept else None


register_guest_directory(Directory())
