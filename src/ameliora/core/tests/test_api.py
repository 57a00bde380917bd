"""The core of the JSON API under /api/v1/: who am I, my organizations, an organization's members."""

from __future__ import annotations

import pytest
from django.test import Client

from ameliora.core.models import Membership, Organization, Role
from ameliora.core.tests.factories import MembershipFactory


def test_me_describes_the_signed_in_user(alice: Membership, alice_client: Client) -> None:
    response = alice_client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json() == {"email": "alice@tilleuls.test", "name": "Alice Garnier"}


def test_organizations_lists_mine_with_my_roles(alice: Membership, coteaux: Organization, alice_client: Client) -> None:
    MembershipFactory.create(organization=coteaux, user=alice.user, roles=[Role.MEMBER, Role.SUPERVISOR])

    response = alice_client.get("/api/v1/organizations")

    assert response.status_code == 200
    assert sorted(response.json(), key=lambda o: o["slug"]) == [
        {"slug": "coteaux", "name": "Service des Coteaux", "kind": "pharmacy", "roles": ["member", "supervisor"]},
        {"slug": "tilleuls", "name": "Pharmacie des Tilleuls", "kind": "pharmacy", "roles": ["admin"]},
    ]


def test_members_are_listed_page_by_page(alice: Membership, bob: Membership, bob_client: Client) -> None:
    MembershipFactory.create_batch(53, organization=alice.organization)

    first = bob_client.get("/api/v1/o/tilleuls/members").json()
    second = bob_client.get("/api/v1/o/tilleuls/members", {"page": 2}).json()

    assert first["count"] == 55
    assert len(first["items"]) == 50
    assert len(second["items"]) == 5
    emails = {m["email"] for m in first["items"] + second["items"]}
    assert {"alice@tilleuls.test", "bob@tilleuls.test"} <= emails
    alice_row = next(m for m in first["items"] + second["items"] if m["email"] == "alice@tilleuls.test")
    assert alice_row["roles"] == ["admin"]
    assert alice_row["name"] == "Alice Garnier"


def test_members_of_another_organization_are_404_with_a_json_message(alice: Membership, charlie_client: Client) -> None:
    response = charlie_client.get("/api/v1/o/tilleuls/members")

    assert response.status_code == 404
    assert response.json() == {"message": "Introuvable."}


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/organizations", "/api/v1/o/tilleuls/members"])
def test_an_anonymous_request_gets_401_with_a_json_message(path: str, client: Client, db: None) -> None:
    response = client.get(path)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"message"}


def test_a_manager_who_must_set_up_two_factor_gets_a_json_403(alice: Membership, alice_client: Client) -> None:
    alice.organization.require_mfa_for_managers = True
    alice.organization.save(update_fields=["require_mfa_for_managers"])

    response = alice_client.get("/api/v1/o/tilleuls/members")

    assert response.status_code == 403
    assert "message" in response.json()


def test_the_openapi_schema_is_served_to_a_signed_in_user(bob_client: Client) -> None:
    response = bob_client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert "/api/v1/o/{org_slug}/members" in response.json()["paths"]


def test_the_openapi_schema_is_refused_to_an_anonymous_caller_with_a_json_401(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 401
    assert response.json() == {"message": "Authentication required."}


def test_the_api_docs_page_sends_an_anonymous_visitor_to_sign_in_and_back(client: Client) -> None:
    response = client.get("/api/v1/docs")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/api/v1/docs"


def test_the_api_docs_page_opens_for_a_signed_in_user(bob_client: Client) -> None:
    response = bob_client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"swagger-ui" in response.content


def test_invalid_input_gets_422_with_a_json_message(bob: Membership, bob_client: Client) -> None:
    response = bob_client.get("/api/v1/o/tilleuls/members", {"page": "first"})

    assert response.status_code == 422
    assert response.json()["message"]
