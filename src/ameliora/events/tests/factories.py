"""Factories for events. ``XFactory.create(...)`` returns the model instance (typed)."""

# factory_boy types its factories (create() returns the model) but not its declarations.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from factory.declarations import LazyAttribute, LazyFunction, Sequence, SubFactory
from factory.django import DjangoModelFactory

from ameliora.core.models import Membership, Organization
from ameliora.core.tests.factories import OrganizationFactory
from ameliora.events.models import (
    ContributingFactor,
    Event,
    EventCategory,
    FactorFamily,
    TimelineEntry,
)


class EventCategoryFactory(DjangoModelFactory[EventCategory]):
    class Meta:
        model = EventCategory

    organization = SubFactory(OrganizationFactory)
    code = Sequence(lambda n: f"category-{n}")
    name = Sequence(lambda n: f"Catégorie {n}")


class EventFactory(DjangoModelFactory[Event]):
    class Meta:
        model = Event

    organization = SubFactory(OrganizationFactory)
    reference = Sequence(lambda n: f"EI-2026-{n + 1:03d}")
    occurred_at = LazyFunction(lambda: timezone.now() - timedelta(days=1))
    description = "Erreur de délivrance interceptée au double contrôle."
    category = SubFactory(EventCategoryFactory, organization=LazyAttribute(lambda c: c.factory_parent.organization))


class TimelineEntryFactory(DjangoModelFactory[TimelineEntry]):
    class Meta:
        model = TimelineEntry

    event = SubFactory(EventFactory)
    organization = LazyAttribute(lambda e: e.event.organization)
    happened_at = LazyFunction(lambda: timezone.now() - timedelta(days=1))
    description = "Un fait."
    position = Sequence(lambda n: n + 1)


class ContributingFactorFactory(DjangoModelFactory[ContributingFactor]):
    class Meta:
        model = ContributingFactor

    event = SubFactory(EventFactory)
    organization = LazyAttribute(lambda e: e.event.organization)
    family = FactorFamily.TEAM
    description = "Transmission orale."


# Makers for the project-wide tenancy walk (core/tests/test_tenancy.py).


def any_event_id(org: Organization, owner: Membership) -> int:
    return EventFactory.create(organization=org, reported_by=owner).pk


def any_timeline_entry_id(org: Organization, owner: Membership) -> int:
    return TimelineEntryFactory.create(event=EventFactory.create(organization=org)).pk


def any_factor_id(org: Organization, owner: Membership) -> int:
    return ContributingFactorFactory.create(event=EventFactory.create(organization=org)).pk


def any_category_id(org: Organization, owner: Membership) -> int:
    return EventCategoryFactory.create(organization=org).pk
