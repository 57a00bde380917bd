"""Integration point with action plans: "the road to the action plan".

``assessments`` may import ``plans`` (the arrows allow it), but ``plans`` is written in parallel. This
module is the only place that knows about it: :func:`available` returns an adapter when the
``plans`` app is installed and exposes the services this module needs, else ``None``, and the
weaknesses page then lists the weaknesses with a note instead of the "open actions" form.

Each action opened from a weakness points back at its criterion's answer with
``core.services.link_objects(action, answer, kind=Link.Kind.SOURCE)``: the results, the criterion page
and the exports read those links, without importing ``plans``.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import transaction

from ameliora.assessments.models import Answer, Campaign
from ameliora.core import services as core_services
from ameliora.core.models import Link, Membership

# The plans services this adapter calls, keyword-only (see PlansAdapter.open_actions).
REQUIRED = ("create_plan", "create_action")


class PlansAdapter:
    def __init__(self, module: Any) -> None:
        self.module = module

    def plans_for(self, membership: Membership) -> list[Any]:
        model = apps.get_model("plans", "ActionPlan")
        return list(model._default_manager.filter(organization=membership.organization).order_by("-pk")[:50])

    @transaction.atomic
    def open_actions(
        self,
        campaign: Campaign,
        answers: Sequence[Answer],
        *,
        plan_id: str | None,
        plan_title: str,
        acting: Membership,
    ) -> str:
        """Open one action per answer (in an existing plan or a new one) and link it to the answer."""
        if plan_id:
            model = apps.get_model("plans", "ActionPlan")
            plan = model._default_manager.get(organization=acting.organization, pk=int(plan_id))
        else:
            plan = self.module.create_plan(acting=acting, title=plan_title or campaign.name)
        for answer in answers:
            criterion = answer.criterion
            action = self.module.create_action(
                plan, acting=acting, title=f"{criterion.code} — {criterion.statement}"[:200]
            )
            core_services.link_objects(action, answer, kind=Link.Kind.SOURCE, acting=acting)
            core_services.link_objects(action, criterion, kind=Link.Kind.SOURCE, acting=acting)
        url = getattr(plan, "get_absolute_url", None)
        return str(url()) if callable(url) else ""


def available() -> PlansAdapter | None:
    if not apps.is_installed("ameliora.plans"):
        return None
    try:
        module = import_module("ameliora.plans.services")
    except ImportError:
        return None
    if not all(callable(getattr(module, name, None)) for name in REQUIRED):
        return None
    return PlansAdapter(module)
