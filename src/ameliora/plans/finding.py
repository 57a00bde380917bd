"""What the navigation finds in plans: search (plans, actions) and "my work" (my actions, my readings)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ameliora.core.models import Membership
from ameliora.core.mywork import LIMIT, WorkItem, register_work
from ameliora.core.permissions import can
from ameliora.core.search import SearchResult, SearchSource, register_search_provider
from ameliora.plans.models import Acknowledgement, Action, ActionPlan, Communication


def _show_plan(plan: ActionPlan) -> SearchResult:
    return SearchResult(f"{plan.code} — {plan.title}", plan.get_absolute_url(), plan.get_status_display())


def search_plans(membership: Membership, query: str) -> SearchSource:
    plans = ActionPlan.objects.for_org(membership.organization)
    if not can(membership, "plans.view"):
        plans = plans.none()
    plans = plans.filter(Q(code__icontains=query) | Q(title__icontains=query) | Q(scope_label__icontains=query))
    return SearchSource(plans.select_related("organization").order_by("code", "pk"), _show_plan)


def _show_action(action: Action) -> SearchResult:
    return SearchResult(action.title, action.get_absolute_url(), f"{action.plan.code} · {action.get_status_display()}")


def search_actions(membership: Membership, query: str) -> SearchSource:
    actions = Action.objects.for_org(membership.organization)
    if not can(membership, "plans.view"):
        actions = actions.none()
    actions = actions.filter(Q(title__icontains=query) | Q(description__icontains=query))
    return SearchSource(actions.select_related("organization", "plan").order_by("-pk"), _show_action)


def my_actions(membership: Membership) -> list[WorkItem]:
    participating = Action.participants.through.objects.filter(membership=membership).values("action_id")
    actions = (
        Action.objects.for_org(membership.organization)
        .open()
        .filter(Q(owner=membership) | Q(pk__in=participating))
        .select_related("organization", "plan")
        .order_by("due_date", "pk")[:LIMIT]
    )
    today = timezone.localdate()
    return [
        WorkItem(
            f"{action.plan.code} — {action.title}",
            action.get_absolute_url(),
            _("Action"),
            due=action.due_date,
            late=action.due_date is not None and action.due_date < today,
        )
        for action in actions
    ]


def my_readings(membership: Membership) -> list[WorkItem]:
    """Communications of running plans sent to me (or to everyone) to read, that I have not acknowledged."""
    addressed = Communication.audience_members.through.objects.filter(communication=OuterRef("pk"))
    communications = (
        Communication.objects.for_org(membership.organization)
        .filter(plan__status__in=[ActionPlan.Status.ACTIVE, ActionPlan.Status.UNDER_REVIEW])
        .exclude(kind__in=Communication.ATTENDED)
        .filter(Q(audience_members=membership) | ~Exists(addressed))
        .exclude(Exists(Acknowledgement.objects.filter(communication=OuterRef("pk"), member=membership)))
        .select_related("plan__organization")
        .order_by("-date", "pk")
        .distinct()[:LIMIT]
    )
    return [
        WorkItem(
            f"{communication.plan.code} — {communication}",
            communication.plan.get_absolute_url() + "#communication",
            _("Plan communication to acknowledge"),
        )
        for communication in communications
    ]


register_search_provider("plans", _("Action plans"), search_plans)
register_search_provider("actions", _("Actions"), search_actions)
register_work("actions", my_actions)
register_work("readings", my_readings)
