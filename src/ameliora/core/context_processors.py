from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ameliora.core.models import Membership, Notification
from ameliora.core.navigation import modules_for


def organization(request: HttpRequest) -> dict[str, Any]:
    membership: Membership | None = getattr(request, "membership", None)
    context: dict[str, Any] = {
        "organization": getattr(request, "organization", None),
        "membership": membership,
        # A guest of the organization (no membership): the navigation offers only what they were invited to.
        "guest_areas": getattr(request, "guest_areas", []),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["my_memberships"] = list(
            Membership.objects.filter(user=user).select_related("organization").order_by("organization__name")
        )
        if membership is not None:
            # The persistent navigation: the modules this member's roles may open (no query: roles are loaded).
            context["nav_modules"] = modules_for(membership)
            match = getattr(request, "resolver_match", None)
            context["nav_current"] = match.namespace if match is not None else ""
            context["unread_notifications"] = (
                Notification.objects.for_org(membership.organization)
                .filter(recipient=user, read_at__isnull=True)
                .count()
            )
    return context
