"""The personas of the core tests, after healthchecks' alice/bob/charlie.

* **alice** administers the pharmacy "Les Tilleuls";
* **bob** is her colleague there, a plain member;
* **charlie** administers another organization, "Les Coteaux": an outsider to the pharmacy.

Each persona fixture returns the :class:`Membership` (``.user``, ``.organization``); the
``*_client`` fixtures return a test client already signed in as that persona.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.signals import task_finished

from ameliora.core.models import Membership, Organization, Role
from ameliora.core.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from ameliora.core.tests.receiver import receiver  # noqa: F401 - the webhook tests' HTTP receiver

ClientFor = Callable[[Membership], Client]


@pytest.fixture(autouse=True)
def task_failures() -> Iterator[list[TaskResult[Any]]]:
    """Fail the test when a background task failed and the test did not expect it.

    The immediate backend records a task's exception on its result instead of raising it, so a
    broken email template would otherwise pass unnoticed. A test that expects a failure takes
    this fixture and empties the list after checking it.
    """
    failures: list[TaskResult[Any]] = []

    def record(sender: object, task_result: TaskResult[Any], **kwargs: object) -> None:
        if task_result.status == TaskResultStatus.FAILED:
            failures.append(task_result)

    task_finished.connect(record, weak=False)
    yield failures
    task_finished.disconnect(record)
    if failures:
        details = "\n".join(error.traceback for result in failures for error in result.errors)
        pytest.fail(f"{len(failures)} background task(s) failed:\n{details}")


@pytest.fixture
def tilleuls(db: None) -> Organization:
    """The pharmacy where alice and bob work."""
    return OrganizationFactory.create(name="Pharmacie des Tilleuls", slug="tilleuls")


@pytest.fixture
def coteaux(db: None) -> Organization:
    """Another organization, whose rows the pharmacy's people must never reach."""
    return OrganizationFactory.create(name="Service des Coteaux", slug="coteaux")


@pytest.fixture
def alice(tilleuls: Organization) -> Membership:
    """The pharmacy's only administrator."""
    return MembershipFactory.create(
        organization=tilleuls,
        user=UserFactory.create(email="alice@tilleuls.test", first_name="Alice", last_name="Garnier"),
        title="Pharmacienne titulaire",
        roles=[Role.ADMIN],
    )


@pytest.fixture
def bob(tilleuls: Organization) -> Membership:
    """Alice's colleague: a member without management rights."""
    return MembershipFactory.create(
        organization=tilleuls,
        user=UserFactory.create(email="bob@tilleuls.test", first_name="Bob", last_name="Roux"),
        roles=[Role.MEMBER],
    )


@pytest.fixture
def charlie(coteaux: Organization) -> Membership:
    """The outsider: administrator of another organization."""
    return MembershipFactory.create(
        organization=coteaux,
        user=UserFactory.create(email="charlie@coteaux.test", first_name="Charlie", last_name="Moreau"),
        roles=[Role.ADMIN],
    )


@pytest.fixture
def client_for() -> ClientFor:
    """Make a client signed in as a persona (each client has its own session)."""

    def make(membership: Membership) -> Client:
        client = Client()
        client.force_login(membership.user)
        return client

    return make


@pytest.fixture
def alice_client(client_for: ClientFor, alice: Membership) -> Client:
    return client_for(alice)


@pytest.fixture
def bob_client(client_for: ClientFor, bob: Membership) -> Client:
    return client_for(bob)


@pytest.fixture
def charlie_client(client_for: ClientFor, charlie: Membership) -> Client:
    return client_for(charlie)
