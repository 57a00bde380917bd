"""Personas of the events tests.

* **alice** is the pharmacy's quality manager: she triages, analyses and may see who reported;
* **bob** is her colleague, a plain member: he declares and reads the register, never a reporter's identity;
* **dana** administers the pharmacy: she triages but, not being in the quality team, never learns who reported;
* **charlie** administers another organization: an outsider who must get 404.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from ameliora.core.models import Membership, Organization, Role
from ameliora.core.tests.conftest import (  # noqa: F401
    ClientFor,
    bob,
    bob_client,
    charlie,
    charlie_client,
    coteaux,
    task_failures,
    tilleuls,
)
from ameliora.core.tests.factories import MembershipFactory, UserFactory
from ameliora.core.tests.receiver import receiver  # noqa: F401
from ameliora.events import services
from ameliora.events.models import EventSettings


@pytest.fixture(autouse=True)
def in_english(client: Client) -> Iterator[None]:
    """These tests read messages and labels in English (the msgids), in pages and in services alike;
    the French catalogue is checked as a whole by ``scripts/check_translations.py``."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def client_for() -> ClientFor:
    """Signed-in clients that asked for English (see ``in_english``)."""

    def make(membership: Membership) -> Client:
        signed_in = Client()
        signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        signed_in.force_login(membership.user)
        return signed_in

    return make


@pytest.fixture(autouse=True)
def empty_cache(db: None) -> Iterator[None]:
    """Rate limits live in the cache: each test starts with a clean slate."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(tilleuls: Organization) -> Membership:  # noqa: F811
    """The pharmacy's quality manager."""
    return MembershipFactory.create(
        organization=tilleuls,
        user=UserFactory.create(email="alice@tilleuls.test", first_name="Alice", last_name="Garnier"),
        title="Pharmacienne, référente qualité",
        roles=[Role.QUALITY_MANAGER],
    )


@pytest.fixture
def dana(tilleuls: Organization) -> Membership:  # noqa: F811
    """The pharmacy's administrator, outside the quality team."""
    return MembershipFactory.create(
        organization=tilleuls,
        user=UserFactory.create(email="dana@tilleuls.test", first_name="Dana", last_name="Petit"),
        roles=[Role.ADMIN],
    )


@pytest.fixture
def alice_client(client_for: ClientFor, alice: Membership) -> Client:
    return client_for(alice)


@pytest.fixture
def dana_client(client_for: ClientFor, dana: Membership) -> Client:
    return client_for(dana)


@pytest.fixture
def event_settings(tilleuls: Organization) -> EventSettings:  # noqa: F811
    """The pharmacy's event settings, with its default categories."""
    return services.ensure_event_settings(tilleuls)


@pytest.fixture
def rex_settings(event_settings: EventSettings) -> EventSettings:
    """The same organization, working with the CPTS REX levels."""
    event_settings.rex_levels_enabled = True
    event_settings.save()
    return event_settings
