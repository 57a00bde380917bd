from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ameliora.core.models import Membership, Notification


def organization(request: HttpRequest) -> dict[str, Any]:
    membership: Membership | None = getattr(request, "membership", None)
    context: dict[str, Any] = {
        "organization": getattr(request, "organization", None),
        "membership": membership,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["my_memberships"] = list(
            Membership.objects.filter(user=user).select_related("organization").order_by("organization__name")
        )
        if membership is not None:
            context["unread_notifications"] = (
                Notification.objects.for_org(membership.organization)
                .filter(recipient=user, read_at__isnull=True)
                .count()
            )
    return context
