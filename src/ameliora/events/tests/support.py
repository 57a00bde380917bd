"""Helpers shared by the events tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from ameliora.core.models import Membership, Organization
from ameliora.events import services
from ameliora.events.models import Event, EventCategory
from ameliora.events.services import Declaration

SECRET_TEXT = "Mme Confidentielle a reçu le mauvais dosage"


def declaration(organization: Organization, **overrides: Any) -> Declaration:
    values: dict[str, Any] = {
        "occurred_at": timezone.now() - timedelta(hours=3),
        "description": SECRET_TEXT,
        "category": EventCategory.objects.for_org(organization).get(code="medication"),
    }
    values.update(overrides)
    return Declaration(**values)


def declared_by(member: Membership, **overrides: Any) -> Event:
    return services.declare_event(declaration(member.organization, **overrides), acting=member)


def form_data(**overrides: Any) -> dict[str, Any]:
    """What a person types in the declaration form."""
    occurred = timezone.localtime() - timedelta(hours=2)
    data: dict[str, Any] = {
        "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
        "affected": "patient",
        "actuality": "actual",
        "description": "Lévothyroxine 100 µg délivrée au lieu de 75 µg.",
        "reporter_severity": "2",
    }
    data.update(overrides)
    return data
