"""Dashboard cards: "My next sessions" (the coming sessions of the member's spaces, 1 query) and
"Mission letters to sign" (the letters issued to the member, 1 query)."""

from __future__ import annotations

from typing import Any

from ameliora.core.dashboard import register_card
from ameliora.core.http import OrgRequest
from ameliora.core.permissions import can
from ameliora.meetings.models import MissionLetter, Session, SpaceMember

CARD_SIZE = 3


def next_sessions(request: OrgRequest) -> dict[str, Any] | None:
    if not can(request.membership, "meetings.view"):
        return None
    sessions = list(
        Session.objects.for_org(request.organization)
        .upcoming()
        .filter(space_id__in=SpaceMember.objects.filter(member=request.membership).values("space_id"))
        .select_related("space", "organization")
        .order_by("starts_at")[:CARD_SIZE]
    )
    return {"sessions": sessions} if sessions else None


register_card("meetings/_dashboard_card.html", next_sessions)


def letters_to_sign(request: OrgRequest) -> dict[str, Any] | None:
    if not can(request.membership, "meetings.view"):
        return None
    letters = list(
        MissionLetter.objects.for_org(request.organization)
        .filter(person=request.membership, status=MissionLetter.Status.ISSUED)
        .select_related("organization")
        .order_by("issued_at")[:CARD_SIZE]
    )
    return {"letters": letters} if letters else None


register_card("meetings/_letters_card.html", letters_to_sign)
