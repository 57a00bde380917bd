"""What the navigation finds in learning: the debriefs awaiting my signature ("my work")."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ameliora.core.models import Membership
from ameliora.core.mywork import LIMIT, WorkItem, register_work
from ameliora.learning.models import Debrief, LearningSituation


def my_signatures(membership: Membership) -> list[WorkItem]:
    """Complete debriefs of submitted situations where I am the learner or the supervisor and have not signed."""
    debriefs = (
        Debrief.objects.filter(
            situation__organization=membership.organization,
            situation__status=LearningSituation.Status.SUBMITTED,
        )
        .filter(
            Q(situation__learner=membership, learner_signed_at__isnull=True)
            | Q(situation__supervisor=membership, supervisor_signed_at__isnull=True)
        )
        .select_related("situation__organization")
        .order_by("situation__pk")[:LIMIT]
    )
    return [
        WorkItem(d.situation.title, d.situation.get_absolute_url(), _("Debrief to sign"))
        for d in debriefs
        if d.is_complete
    ]


register_work("signatures", my_signatures)
