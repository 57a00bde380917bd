"""The one way views and the API reach plan rows: scoped to the member's organization, else 404."""

from __future__ import annotations

from django.db import models
from django.shortcuts import get_object_or_404

from ameliora.core.access import register_freeze_check
from ameliora.core.models import Membership
from ameliora.plans.models import (
    PLAN_CLOSED,
    Action,
    ActionPlan,
    ActionPlanQuerySet,
    ActionQuerySet,
    Communication,
    Objective,
    ProgressReview,
    Tool,
)


def plans_for(membership: Membership) -> ActionPlanQuerySet:
    return ActionPlan.objects.for_org(membership.organization)


def get_plan_for(membership: Membership, plan_id: int) -> ActionPlan:
    return get_object_or_404(plans_for(membership).select_related("organization", "owner__user"), pk=plan_id)


def actions_for(membership: Membership) -> ActionQuerySet:
    return Action.objects.for_org(membership.organization)


def get_action_for(membership: Membership, action_id: int) -> Action:
    return get_object_or_404(
        actions_for(membership).select_related("organization", "plan__organization", "owner__user", "objective"),
        pk=action_id,
    )


def get_objective_for(membership: Membership, objective_id: int) -> Objective:
    return get_object_or_404(
        Objective.objects.for_org(membership.organization).select_related("plan__organization"), pk=objective_id
    )


def get_communication_for(membership: Membership, communication_id: int) -> Communication:
    return get_object_or_404(
        Communication.objects.for_org(membership.organization).select_related("plan__organization"),
        pk=communication_id,
    )


def get_tool_for(membership: Membership, tool_id: int) -> Tool:
    return get_object_or_404(
        Tool.objects.for_org(membership.organization).select_related("plan__organization"), pk=tool_id
    )


def get_progress_review_for(membership: Membership, review_id: int) -> ProgressReview:
    return get_object_or_404(
        ProgressReview.objects.for_org(membership.organization).select_related("plan__organization"), pk=review_id
    )


def _plan_of_frozen(obj: models.Model) -> str | None:
    """A closed plan takes no more evidence, on itself, its actions or its tools (reopen it first)."""
    plan = obj if isinstance(obj, ActionPlan) else obj.plan  # type: ignore[attr-defined]
    return str(PLAN_CLOSED) if plan.is_closed else None


for _model in (ActionPlan, Action, Tool):
    register_freeze_check(_model, _plan_of_frozen)
