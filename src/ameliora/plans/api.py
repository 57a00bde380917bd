"""Action plans API: plans and their actions, read through the same access functions as the pages.

No ``from __future__ import annotations`` here: ninja reads ``OrgSlug`` at import time to see that
``org_slug`` comes from the router's prefix, not from the query string.
"""

from datetime import date

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from ameliora.core.api_types import ERRORS, ObjectId, OrgSlug, Pagination
from ameliora.core.permissions import require
from ameliora.plans.access import get_action_for, get_plan_for, plans_for
from ameliora.plans.models import Action, ActionPlan

router = Router(tags=["plans"])


class ObjectiveOut(Schema):
    id: int
    statement: str
    rationale: str
    target_description: str
    deadline: date | None
    status: str


class PlanOut(Schema):
    id: int
    code: str
    title: str
    scope_kind: str
    scope_label: str
    status: str
    owner_id: int | None
    start_date: date | None
    end_date: date | None


class PlanDetailOut(PlanOut):
    context: str
    objectives: list[ObjectiveOut]
    action_count: int


class ActionOut(Schema):
    id: int
    plan_id: int
    objective_id: int | None
    title: str
    owner_id: int | None
    start_date: date | None
    due_date: date | None
    priority: str
    status: str
    phase: str
    progress: int
    late: bool


class ActionDetailOut(ActionOut):
    description: str
    effort: str
    participant_ids: list[int]


@router.get("", response={200: list[PlanOut], **ERRORS})
@paginate(Pagination, page_size=50)
def list_plans(request: HttpRequest, org_slug: OrgSlug) -> QuerySet[ActionPlan]:
    membership = request.membership  # type: ignore[attr-defined]
    require(membership, "plans.view")
    return plans_for(membership).order_by("-pk")


@router.get("/{plan_id}", response={200: PlanDetailOut, **ERRORS})
def plan_detail(request: HttpRequest, org_slug: OrgSlug, plan_id: ObjectId) -> dict[str, object]:
    membership = request.membership  # type: ignore[attr-defined]
    require(membership, "plans.view")
    plan = get_plan_for(membership, plan_id)
    return {
        **{name: getattr(plan, name) for name in PlanOut.model_fields},
        "context": plan.context,
        "objectives": list(plan.objectives.order_by("position", "pk")),
        "action_count": plan.actions.count(),
    }


@router.get("/{plan_id}/actions", response={200: list[ActionOut], **ERRORS})
@paginate(Pagination, page_size=100)
def list_actions(request: HttpRequest, org_slug: OrgSlug, plan_id: ObjectId) -> QuerySet[Action]:
    membership = request.membership  # type: ignore[attr-defined]
    require(membership, "plans.view")
    plan = get_plan_for(membership, plan_id)
    return Action.objects.filter(plan=plan).with_lateness().order_by("position", "pk")


@router.get("/actions/{action_id}", response={200: ActionDetailOut, **ERRORS})
def action_detail(request: HttpRequest, org_slug: OrgSlug, action_id: ObjectId) -> dict[str, object]:
    membership = request.membership  # type: ignore[attr-defined]
    require(membership, "plans.view")
    action = get_action_for(membership, action_id)
    return {
        **{name: getattr(action, name) for name in ActionOut.model_fields if name != "late"},
        "late": action.is_late,
        "description": action.description,
        "effort": action.effort,
        "participant_ids": list(action.participants.values_list("pk", flat=True)),
    }
