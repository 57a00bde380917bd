"""The events a person declared, for their "Download my data" (GDPR)."""

from __future__ import annotations

from typing import Any

from ameliora.core.models import User
from ameliora.core.personal_data import register_personal_data, when
from ameliora.events.models import Event


@register_personal_data("declared_events")
def declared_events(user: User) -> list[dict[str, Any]]:
    events = Event.objects.filter(reported_by__user=user).select_related("organization").order_by("received_at")
    return [
        {
            "organization": event.organization.name,
            "reference": event.reference,
            "received_at": when(event.received_at),
            "occurred_at": when(event.occurred_at),
            "status": event.get_status_display(),
            "description": event.description,
            "immediate_measures": event.immediate_measures,
        }
        for event in events
    ]
