"""The actions a person owns, for their "Download my data" (GDPR)."""

from __future__ import annotations

from typing import Any

from ameliora.core.models import User
from ameliora.core.personal_data import register_personal_data, when
from ameliora.plans.models import Action


@register_personal_data("actions_owned")
def actions_owned(user: User) -> list[dict[str, Any]]:
    actions = Action.objects.filter(owner__user=user).select_related("organization", "plan").order_by("due_date")
    return [
        {
            "organization": action.organization.name,
            "plan": action.plan.title,
            "action": action.title,
            "status": action.get_status_display(),
            "due_date": when(action.due_date),
            "progress": action.progress,
        }
        for action in actions
    ]
