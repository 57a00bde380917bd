"""The core personas serve here too, plus the intern and the supervisor of the pharmacy."""

import pytest

from ameliora.core.models import Membership, Organization, Role
from ameliora.core.tests.conftest import (  # noqa: F401
    alice,
    alice_client,
    bob,
    bob_client,
    charlie,
    charlie_client,
    client_for,
    coteaux,
    task_failures,
    tilleuls,
)
from ameliora.core.tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def lucas(tilleuls: Organization) -> Membership:  # noqa: F811
    return MembershipFactory.create(
        organization=tilleuls,
        user=UserFactory.create(email="lucas@tilleuls.test", first_name="Lucas", last_name="Martin"),
        roles=[Role.LEARNER],
    )


@pytest.fixture
def anne(tilleuls: Organization) -> Membership:  # noqa: F811
    return MembershipFactory.create(
        organization=tilleuls,
        user=UserFactory.create(email="anne@tilleuls.test", first_name="Anne", last_name="Dubois"),
        roles=[Role.SUPERVISOR, Role.MEMBER],
    )
