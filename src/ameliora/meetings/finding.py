"""What the navigation finds in meetings: the mission letters awaiting my signature ("my work")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ameliora.core.models import Membership
from ameliora.core.mywork import LIMIT, WorkItem, register_work
from ameliora.meetings.models import MissionLetter


def my_signatures(membership: Membership) -> list[WorkItem]:
    letters = (
        MissionLetter.objects.for_org(membership.organization)
        .filter(person=membership, status=MissionLetter.Status.ISSUED)
        .select_related("organization", "person__user")
        .order_by("starts_on", "pk")[:LIMIT]
    )
    return [WorkItem(letter.role, letter.get_absolute_url(), _("Mission letter to sign")) for letter in letters]


register_work("signatures", my_signatures)
