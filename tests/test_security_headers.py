"""Every page carries the Content-Security-Policy, the Permissions-Policy and the opener policy.

The pages are a representative set: every module's home as a member, the public pages (declaration,
tracking, survey), the sign-in page, the API docs, the admin's sign-in, an error page. The policy
must allow no inline script or style and no eval; the browser test (tests/e2e/test_security_headers.py)
checks that the pages really work under it.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ameliora.core.models import Membership, Organization, Role
from ameliora.core.navigation import MODULES
from ameliora.core.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from ameliora.events import services as event_services
from ameliora.surveys.tests.factories import CampaignFactory

DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")


@pytest.fixture
def organization(db: None) -> Organization:
    """A pharmacy with its public declaration page and an open survey."""
    return OrganizationFactory.create(name="Pharmacie des Tilleuls", slug="tilleuls")


@pytest.fixture
def admin(organization: Organization) -> Membership:
    """Its administrator: every module's home is open to them."""
    return MembershipFactory.create(
        organization=organization, user=UserFactory.create(email="alice@tilleuls.test"), roles=[Role.ADMIN]
    )


@pytest.fixture
def member_client(admin: Membership) -> Client:
    client = Client()
    client.force_login(admin.user)
    return client


def directives(response: object) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_secure_headers(response: object, what: str) -> None:
    policy = directives(response)
    assert policy["default-src"] == ["'self'"], what
    assert policy["script-src"] == ["'self'"], what  # no 'unsafe-inline', no 'unsafe-eval', no host
    assert policy["style-src"] == ["'self'"], what
    assert policy["object-src"] == ["'none'"], what
    assert policy["base-uri"] == ["'self'"], what
    assert policy["frame-ancestors"] == ["'none'"], what
    assert policy["form-action"] == ["'self'"], what
    assert set(policy["img-src"]) == {"'self'", "data:"}, what
    assert "report-uri" not in policy, what  # nobody would read the reports
    permissions = {
        name.strip(): allowed
        for name, _, allowed in (p.partition("=") for p in response["Permissions-Policy"].split(","))  # type: ignore[index]
    }
    for feature in DENIED_FEATURES:
        assert permissions[feature] == "()", (what, feature)
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", what  # type: ignore[index]


def test_every_module_home_of_a_member_carries_the_headers(member_client: Client, organization: Organization) -> None:
    urls = [reverse("core:dashboard", kwargs={"org_slug": organization.slug})]
    urls += [reverse(module.url_name, kwargs={"org_slug": organization.slug}) for module in MODULES]

    for url in urls:
        response = member_client.get(url)
        assert response.status_code == 200, url
        assert_secure_headers(response, url)


def test_the_public_pages_carry_the_headers(admin: Membership, organization: Organization) -> None:
    declaration = event_services.ensure_event_settings(organization)
    survey = CampaignFactory.create(questionnaire__organization=organization)
    visitor = Client()
    urls = [
        "/",
        reverse("account_login"),
        reverse("account_reset_password"),
        reverse("events_public:declare", kwargs={"public_key": declaration.public_key}),
        reverse("events_public:track"),
        reverse("surveys_public:answer", kwargs={"public_key": survey.public_key}),
    ]

    for url in urls:
        response = visitor.get(url)
        assert response.status_code == 200, url
        assert_secure_headers(response, url)


def test_the_admin_carries_the_headers(db: None) -> None:
    staff = Client()
    staff.force_login(UserFactory.create(is_staff=True, is_superuser=True))

    for url in (f"/{settings.ADMIN_URL}", f"/{settings.ADMIN_URL}core/organization/add/"):
        response = staff.get(url)
        assert response.status_code == 200, url
        assert_secure_headers(response, url)


def test_error_pages_and_json_answers_carry_the_headers(member_client: Client) -> None:
    missing = Client().get("/nowhere/")
    assert missing.status_code == 404
    assert_secure_headers(missing, "404")

    outsider_org = OrganizationFactory.create(slug="coteaux")
    hidden = member_client.get(reverse("core:dashboard", kwargs={"org_slug": outsider_org.slug}))
    assert hidden.status_code == 404
    assert_secure_headers(hidden, "404 of another organization")

    api = member_client.get("/api/v1/me")
    assert api.status_code == 200
    assert_secure_headers(api, "API")


def test_the_api_docs_page_works_under_the_policy(member_client: Client) -> None:
    response = member_client.get("/api/v1/docs")

    assert response.status_code == 200
    assert_secure_headers(response, "API docs")
    html = response.content.decode()
    # Swagger UI starts from django-ninja's static files, never from code in the page.
    assert "swagger-ui-bundle" in html
    assert "swagger-ui-init" in html
    assert '"validatorUrl": null' in html  # no badge image from a third-party site


def test_favicon_ico_leads_to_the_static_icon() -> None:
    response = Client().get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith(".ico")
    assert "/static/ameliora/favicon" in response["Location"]
    assert Client().head("/favicon.ico").status_code == 302


def test_the_pages_link_the_svg_icon_and_its_bitmap_fallback() -> None:
    html = Client().get(reverse("account_login")).content.decode()

    assert 'rel="icon" href="/static/ameliora/favicon.svg" type="image/svg+xml"' in html
    assert 'rel="icon" href="/static/ameliora/favicon-32.png" type="image/png" sizes="32x32"' in html


def test_the_api_docs_page_shows_the_same_icon(member_client: Client) -> None:
    html = member_client.get("/api/v1/docs").content.decode()

    assert "/static/ameliora/favicon.svg" in html
    assert "ninja/favicon" not in html
