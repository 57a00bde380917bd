"""The road to the action plan: weaknesses of a campaign become actions in a plan.

Each action opened from a weakness points back at its criterion's answer (and the criterion) with
``core.services.link_objects(action, answer, kind=Link.Kind.SOURCE)``: the results, the criterion page
and the exports read those links. A new plan is linked to the campaign that revealed the need.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from ameliora.assessments.models import Answer, Campaign
from ameliora.core import services as core_services
from ameliora.core.models import Link, Membership
from ameliora.plans import services as plans_services
from ameliora.plans.models import ActionPlan, ActionPlanQuerySet


def open_plans(membership: Membership) -> ActionPlanQuerySet:
    """The plans of the member's organization that can still take actions, newest first."""
    return ActionPlan.objects.for_org(membership.organization).open().order_by("-created_at")


@transaction.atomic
def open_actions(
    campaign: Campaign,
    answers: Sequence[Answer],
    *,
    plan: ActionPlan | None,
    plan_title: str,
    acting: Membership,
) -> ActionPlan:
    """Open one action per answer, in ``plan`` or in a new plan, each linked to its answer and criterion."""
    if plan is None:
        plan = plans_services.create_plan(
            acting=acting,
            title=plan_title or campaign.name,
            context=_("Weaknesses found by the self-assessment “%(name)s”.") % {"name": campaign.name},
            sources=[campaign],
        )
    for answer in answers:
        criterion = answer.criterion
        action = plans_services.create_action(
            plan,
            acting=acting,
            title=f"{criterion.code} — {criterion.statement}"[:200],
            description=criterion.guidance,
            source=answer,
        )
        core_services.link_objects(action, criterion, kind=Link.Kind.SOURCE, acting=acting)
    return plan
