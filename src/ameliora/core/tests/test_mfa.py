"""Mandatory two-factor authentication for the people who manage an organization."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse

from ameliora.core.models import Membership, Organization, Role
from ameliora.core.tests.conftest import ClientFor
from ameliora.core.tests.factories import MembershipFactory

ORG_PAGES = ["/o/tilleuls/", "/o/tilleuls/members/", "/o/tilleuls/settings/", "/o/tilleuls/notifications/"]


@pytest.fixture
def strict(tilleuls: Organization) -> Organization:
    """The pharmacy, once it requires two-factor authentication for its managers."""
    tilleuls.require_mfa_for_managers = True
    tilleuls.save(update_fields=["require_mfa_for_managers"])
    return tilleuls


@pytest.mark.parametrize("role", [Role.ADMIN, Role.QUALITY_MANAGER])
def test_a_manager_without_totp_is_sent_to_set_it_up_from_every_organization_page(
    role: Role, strict: Organization, client_for: ClientFor
) -> None:
    client = client_for(MembershipFactory.create(organization=strict, roles=[role, Role.MEMBER]))

    for page in ORG_PAGES:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == reverse("mfa_activate_totp"), page


def test_a_plain_member_is_not_asked_for_totp(strict: Organization, bob_client: Client) -> None:
    for page in ORG_PAGES:
        assert bob_client.get(page).status_code == 200, page


def test_a_manager_with_a_totp_authenticator_gets_in(
    strict: Organization, alice: Membership, alice_client: Client
) -> None:
    TOTP.activate(alice.user, generate_totp_secret())

    for page in ORG_PAGES:
        assert alice_client.get(page).status_code == 200, page


def test_managers_are_not_asked_when_the_organization_does_not_require_it(
    tilleuls: Organization, alice_client: Client
) -> None:
    assert alice_client.get("/o/tilleuls/").status_code == 200
