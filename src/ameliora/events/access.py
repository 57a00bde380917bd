"""The one way views and the API reach events: scoped to the organization, then to what the member may see.

* Members holding ``events.triage`` (quality manager, quality cell, administrator) see every event.
* Other members holding ``events.view`` see the events declared by members of the organization,
  never the public declarations (those were addressed to the quality cell under its charter).
* Nobody else sees any event; everyone reads the library of published lessons.

The reporter's identity is a separate right (``events.view_reporter``): see :func:`reporter_visible`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ameliora.core.access import register_access_check, register_visible_filter
from ameliora.core.models import Membership
from ameliora.core.permissions import can
from ameliora.events.models import Event


def events_for(membership: Membership) -> QuerySet[Event]:
    events = Event.objects.for_org(membership.organization)
    if can(membership, "events.triage"):
        return events
    if can(membership, "events.view"):
        return events.filter(source=Event.Source.MEMBER)
    return events.none()


def get_event_for(membership: Membership, event_id: int) -> Event:
    return get_object_or_404(
        events_for(membership).select_related("organization", "category", "unit", "handler__user"), pk=event_id
    )


def reporter_visible(membership: Membership | None, event: Event) -> bool:
    """Whether this member may learn who reported: the quality manager and cell, or the reporter themself."""
    if can(membership, "events.view_reporter"):
        return True
    return membership is not None and event.reported_by_id is not None and event.reported_by_id == membership.pk


def can_see_event(membership: Membership, obj: models.Model) -> bool:
    return isinstance(obj, Event) and events_for(membership).filter(pk=obj.pk).exists()


register_access_check(Event, can_see_event)
register_visible_filter(Event, lambda membership, rows: rows.filter(pk__in=events_for(membership).values("pk")))
