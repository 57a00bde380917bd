"""Bad input to the API gets a 4xx JSON answer with a message in the user's language, never a 500."""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from ameliora.api.urls import api
from ameliora.core.models import Membership, Organization, Role
from ameliora.core.tests.factories import MembershipFactory
from ameliora.plans.tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

HUGE = "15336152367955901673625354240"


@pytest.fixture
def list_urls(tilleuls: Organization) -> list[str]:
    """Every paginated list of the API (a plan's actions need a plan)."""
    plan = PlanFactory.create(organization=tilleuls)
    return [
        "/api/v1/o/tilleuls/members",
        "/api/v1/o/tilleuls/documents",
        "/api/v1/o/tilleuls/indicators",
        "/api/v1/o/tilleuls/events",
        "/api/v1/o/tilleuls/assessments/campaigns",
        "/api/v1/o/tilleuls/plans",
        f"/api/v1/o/tilleuls/plans/{plan.pk}/actions",
        "/api/v1/o/tilleuls/processes",
        "/api/v1/o/tilleuls/learning",
        "/api/v1/o/tilleuls/surveys/campaigns",
    ]


def test_the_list_covers_every_paginated_operation(list_urls: list[str]) -> None:
    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    paginated = {
        path
        for path, methods in paths.items()
        for operation in methods.values()
        if any(parameter["name"] == "page" for parameter in operation.get("parameters", []))
    }
    assert len(paginated) == len(list_urls)


def test_a_huge_page_number_is_refused_with_a_french_message_naming_the_page(
    alice: Membership, alice_client: Client, list_urls: list[str]
) -> None:
    for url in list_urls:
        response = alice_client.get(url, {"page": HUGE})

        assert response.status_code == 422, url
        body = response.json()
        assert body["message"] == "page : Saisissez une valeur inférieure ou égale à 100000.", url
        assert body["errors"] == [{"field": "page", "message": "Saisissez une valeur inférieure ou égale à 100000."}]


@pytest.mark.parametrize("page", ["0", "-1", "first", "1.5"])
def test_a_page_that_is_not_a_positive_whole_number_is_refused(
    page: str, alice: Membership, alice_client: Client, list_urls: list[str]
) -> None:
    for url in list_urls:
        response = alice_client.get(url, {"page": page})

        assert response.status_code == 422, url
        assert response.json()["errors"][0]["field"] == "page"


def test_a_page_after_the_last_one_is_empty(alice: Membership, alice_client: Client, list_urls: list[str]) -> None:
    for url in list_urls:
        response = alice_client.get(url, {"page": "100000"})

        assert response.status_code == 200, url
        assert response.json()["items"] == [], url


def test_a_page_size_above_the_maximum_is_refused(alice: Membership, alice_client: Client) -> None:
    response = alice_client.get("/api/v1/o/tilleuls/members", {"page_size": HUGE})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "page_size", "message": "Saisissez une valeur inférieure ou égale à 100."}
    ]


def test_an_identifier_beyond_64_bits_is_refused_not_sent_to_the_database(
    alice: Membership, alice_client: Client
) -> None:
    response = alice_client.get(f"/api/v1/o/tilleuls/plans/{HUGE}")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "plan_id"


@pytest.mark.parametrize("slug", ["%00", "til%00leuls", "pharmacie%20des%20tilleuls", "é"])
def test_an_organization_that_cannot_exist_is_not_found(slug: str, alice: Membership, alice_client: Client) -> None:
    response = alice_client.get(f"/api/v1/o/{slug}/members")

    assert response.status_code == 404
    assert response.json() == {"message": "Introuvable."}


def test_an_unknown_event_status_is_refused_with_the_choices(alice: Membership, alice_client: Client) -> None:
    response = alice_client.get("/api/v1/o/tilleuls/events", {"status": "lost\x00"})

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "status"
    assert "received" in error["message"]


@pytest.mark.parametrize(
    ("language", "message"), [(None, "Authentification requise."), ("en", "Authentication required.")]
)
@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/o/tilleuls/members"])
def test_a_signed_out_request_is_told_in_the_user_language(
    path: str, language: str | None, message: str, tilleuls: Organization
) -> None:
    client = Client()
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get(path)

    assert response.status_code == 401
    assert response.json() == {"message": message}


def test_another_organization_is_not_found_in_french(alice: Membership, charlie_client: Client) -> None:
    response = charlie_client.get("/api/v1/o/tilleuls/indicators")

    assert response.status_code == 404
    assert response.json() == {"message": "Introuvable."}


def test_a_missing_right_is_forbidden_in_french(
    tilleuls: Organization, client_for: Callable[[Membership], Client]
) -> None:
    representative = MembershipFactory.create(organization=tilleuls, roles=[Role.USER_REPRESENTATIVE])

    response = client_for(representative).get("/api/v1/o/tilleuls/events")

    assert response.status_code == 403
    assert response.json() == {"message": "Vous n’avez pas le droit de faire cela."}


def test_a_post_without_the_csrf_token_is_refused_with_how_to_send_it(alice: Membership) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice.user)

    response = client.post("/api/v1/o/tilleuls/indicators/1/measurements", "{}", content_type="application/json")

    assert response.status_code == 403
    assert "X-CSRFToken" in response.json()["message"]


def test_a_broken_multipart_body_gets_a_json_message_not_the_html_error_page(alice: Membership) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice.user)
    client.cookies["csrftoken"] = "a" * 32

    response = client.post(
        "/api/v1/o/tilleuls/indicators/1/measurements",
        "x",
        content_type="multipart/form-data",  # no boundary
        headers={"X-CSRFToken": "a" * 32},
    )

    assert response.status_code == 400
    assert response.json() == {"message": "Le corps de la requête est illisible : envoyez du JSON."}
