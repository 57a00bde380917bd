"""The one way views and the API reach meeting rows: scoped to the member's organization, else 404."""

from __future__ import annotations

from django.db import models
from django.shortcuts import get_object_or_404

from ameliora.core.access import register_freeze_check
from ameliora.core.models import Membership, OrgQuerySet
from ameliora.core.permissions import can
from ameliora.meetings.models import (
    MINUTES_APPROVED,
    AgendaItem,
    Decision,
    ExchangeSpace,
    MissionLetter,
    Session,
    SessionQuerySet,
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
