"""The API with ``Authorization: Bearer`` tokens: no cookie, no CSRF, and every rule of a token."""

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from ameliora.api.urls import api
from ameliora.core import tokens
from ameliora.core.history import history_of
from ameliora.core.models import ApiToken, Membership, Organization, Role
from ameliora.core.tests.factories import MembershipFactory
from ameliora.indicators.models import Indicator, Measurement
from ameliora.indicators.tests.factories import IndicatorFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db

WEEK = {"period_start": "2025-01-06", "value": 4}


def _client() -> Client:
    """No session, and a CSRF check that would refuse any POST made with a session."""
    return Client(enforce_csrf_checks=True)


def call(raw: str, method: str, path: str, body: dict[str, Any] | None = None) -> "TestResponse":
    client = _client()
    headers = {"Authorization": f"Bearer {raw}"}
    send = getattr(client, method)
    if body is None:
        answer: TestResponse = send(path, headers=headers)
    else:
        answer = send(path, json.dumps(body), content_type="application/json", headers=headers)
    return answer


def personal(membership: Membership, access: str = "write", **kwargs: Any) -> str:
    _token, raw = tokens.issue_personal_token(
        user=membership.user, name="Mon script", scopes=tokens.full_scopes(access), expires_at=None, **kwargs
    )
    return raw


def service(organization: Organization, scopes: dict[str, str] | None = None, **kwargs: Any) -> str:
    _token, raw = tokens.issue_service_token(
        organization=organization,
        name="Entrepôt BI",
        scopes=scopes or tokens.full_scopes("write"),
        expires_at=timezone.now() + timedelta(days=30),
        **kwargs,
    )
    return raw


def measurements_url(indicator: Indicator) -> str:
    return f"/api/v1/o/{indicator.organization.slug}/indicators/{indicator.pk}/measurements"


@pytest.fixture
def indicator(tilleuls: Organization) -> Indicator:
    return IndicatorFactory.create(organization=tilleuls, kind="measurement", name="Erreurs de délivrance")


def test_a_personal_token_acts_as_its_user_without_cookie_or_csrf(alice: Membership, indicator: Indicator) -> None:
    raw = personal(alice)
    assert call(raw, "get", "/api/v1/me").json()["email"] == "alice@tilleuls.test"
    answer = call(raw, "post", measurements_url(indicator), WEEK)
    assert answer.status_code == 201, answer.content
    assert indicator.measurements.get().value == 4
    # Without the token, the same POST is refused: no session.
    assert _client().post(measurements_url(indicator), WEEK, content_type="application/json").status_code == 401


def test_the_session_still_needs_its_csrf_header(alice_client: Client, indicator: Indicator) -> None:
    alice_client.handler.enforce_csrf_checks = True
    answer = alice_client.post(measurements_url(indicator), json.dumps(WEEK), content_type="application/json")
    assert answer.status_code == 403
    assert "X-CSRFToken" in answer.json()["message"]
    assert not indicator.measurements.exists()


def test_a_read_token_cannot_write(alice: Membership, indicator: Indicator) -> None:
    raw = personal(alice, "read")
    assert call(raw, "get", "/api/v1/o/tilleuls/indicators").status_code == 200
    answer = call(raw, "post", measurements_url(indicator), WEEK)
    assert answer.status_code == 403
    assert answer.json()["message"] == "Ce jeton d'API ne peut que lire cette partie de l'API."
    assert not indicator.measurements.exists()


def test_a_token_for_one_module_cannot_call_another(tilleuls: Organization, alice: Membership) -> None:
    raw = service(tilleuls, {"indicators": "write"})
    assert call(raw, "get", "/api/v1/o/tilleuls/indicators").status_code == 200
    for path in ("/api/v1/o/tilleuls/events", "/api/v1/o/tilleuls/plans", "/api/v1/me", "/api/v1/o/tilleuls/members"):
        answer = call(raw, "get", path)
        assert answer.status_code == 403, path
        assert answer.json()["message"] == "Ce jeton d'API ne donne pas accès à cette partie de l'API."


def test_an_organization_token_reaches_its_organization_only(
    tilleuls: Organization, coteaux: Organization, charlie: Membership
) -> None:
    theirs = IndicatorFactory.create(organization=coteaux)
    raw = service(tilleuls)
    assert [o["slug"] for o in call(raw, "get", "/api/v1/organizations").json()] == ["tilleuls"]
    assert call(raw, "get", "/api/v1/o/coteaux/indicators").status_code == 404
    assert call(raw, "post", measurements_url(theirs), WEEK).status_code == 404
    # Another organization's id under its own organization's path: 404 as well.
    assert call(raw, "get", f"/api/v1/o/tilleuls/indicators/{theirs.pk}").status_code == 404
    assert call(raw, "get", "/api/v1/o/coteaux/indicators").json() == {"message": "Introuvable."}


def test_an_organization_token_acts_with_its_role_and_is_no_member_to_list(
    tilleuls: Organization, alice: Membership, indicator: Indicator
) -> None:
    reader = service(tilleuls, role=Role.USER_REPRESENTATIVE)
    # A user representative may not enter data, whatever the token's scopes.
    assert call(reader, "post", measurements_url(indicator), WEEK).status_code == 403
    names = [m["name"] for m in call(service(tilleuls), "get", "/api/v1/o/tilleuls/members").json()["items"]]
    assert names == ["Alice Garnier"]


def test_a_personal_token_never_does_more_than_its_user(
    bob: Membership, coteaux: Organization, indicator: Indicator
) -> None:
    raw = personal(bob)  # bob is a plain member of the pharmacy
    answer = call(raw, "patch", f"/api/v1/o/tilleuls/indicators/{indicator.pk}", {"freeze_points": 3})
    assert answer.status_code == 403
    assert call(raw, "get", "/api/v1/o/coteaux/indicators").status_code == 404


def test_a_personal_token_limited_to_one_organization(alice: Membership, coteaux: Organization) -> None:
    MembershipFactory.create(organization=coteaux, user=alice.user, roles=[Role.ADMIN])
    raw = personal(alice, organization=alice.organization)
    assert call(raw, "get", "/api/v1/o/coteaux/indicators").status_code == 404
    assert [o["slug"] for o in call(raw, "get", "/api/v1/organizations").json()] == ["tilleuls"]
    assert call(personal(alice), "get", "/api/v1/o/coteaux/indicators").status_code == 200


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda token: ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now()), "révoqué"),
        (lambda token: ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now()), "expiré"),
        (lambda token: type(token.user).objects.filter(pk=token.user.pk).update(is_active=False), "pas valable"),
    ],
    ids=["revoked", "expired", "closed account"],
)
def test_a_refused_token_is_a_json_401(alice: Membership, spoil: Any, message: str) -> None:
    token, raw = tokens.issue_personal_token(
        user=alice.user, name="x", scopes=tokens.full_scopes("read"), expires_at=None
    )
    assert call(raw, "get", "/api/v1/me").status_code == 200
    spoil(token)
    answer = call(raw, "get", "/api/v1/me")
    assert answer.status_code == 401
    assert message in answer.json()["message"]


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer am_0123456789ab_wrong", "Bearer ", "bearer am_"])
def test_an_unknown_token_is_a_json_401(alice_client: Client, header: str) -> None:
    # Even with a valid session: a token that is sent must be valid.
    answer = alice_client.get("/api/v1/me", headers={"Authorization": header})
    assert answer.status_code == 401
    assert answer.json() == {"message": "Ce jeton d'API n'est pas valable."}


def test_a_forged_token_with_a_real_key_is_refused(alice: Membership) -> None:
    token, raw = tokens.issue_personal_token(
        user=alice.user, name="x", scopes=tokens.full_scopes("read"), expires_at=None
    )
    forged = f"am_{token.key_id}_{'A' * 43}"
    assert forged != raw
    assert call(forged, "get", "/api/v1/me").status_code == 401


def test_each_token_has_its_own_rate_limit(settings: Settings, alice: Membership) -> None:
    settings.API_TOKEN_RATE_LIMIT = (2, 60)
    first, second = personal(alice, "read"), personal(alice, "read")
    assert [call(first, "get", "/api/v1/me").status_code for _ in range(2)] == [200, 200]
    refused = call(first, "get", "/api/v1/me")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert refused.json()["message"].startswith("Trop de requêtes avec ce jeton d'API")
    assert call(second, "get", "/api/v1/me").status_code == 200


def test_the_secret_is_never_stored(alice: Membership, tilleuls: Organization) -> None:
    raws = [personal(alice), service(tilleuls)]
    for raw in raws:
        assert call(raw, "get", "/api/v1/o/tilleuls/indicators").status_code == 200
    history = apps.get_model("core", "HistoricalApiToken")
    stored = json.dumps([list(ApiToken.objects.values()), list(history.objects.values())], default=str)
    for raw in raws:
        secret = raw.split("_", 2)[2]
        assert raw not in stored
        assert secret not in stored
    assert all(len(token.secret_hash) == 64 for token in ApiToken.objects.all())


def test_the_last_use_is_recorded(alice: Membership) -> None:
    token, raw = tokens.issue_personal_token(
        user=alice.user, name="x", scopes=tokens.full_scopes("read"), expires_at=None
    )
    assert token.last_used_at is None
    call(raw, "get", "/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_changes_made_with_a_token_name_it_in_the_history(
    alice: Membership, alice_client: Client, tilleuls: Organization, indicator: Indicator
) -> None:
    assert call(personal(alice), "post", measurements_url(indicator), WEEK).status_code == 201
    measurement = Measurement.objects.get(indicator=indicator)
    record = measurement.history.get()
    assert record.history_user == alice.user
    assert [entry.who for entry in history_of(measurement)] == ["Alice Garnier, via le jeton d'API « Mon script »"]

    next_week = {"period_start": "2025-01-13", "value": 2}
    assert call(service(tilleuls), "post", measurements_url(indicator), next_week).status_code == 201
    other = Measurement.objects.get(indicator=indicator, period_start="2025-01-13")
    assert history_of(other)[0].who == "Entrepôt BI (API), via le jeton d'API « Entrepôt BI »"
    # The same change made with the session names no token.
    third = json.dumps({"period_start": "2025-01-20", "value": 1})
    assert alice_client.post(measurements_url(indicator), third, content_type="application/json").status_code == 201
    by_session = Measurement.objects.get(indicator=indicator, period_start="2025-01-20")
    assert history_of(by_session)[0].who == "Alice Garnier"


def test_an_organization_token_needs_no_two_factor_set_up(tilleuls: Organization, indicator: Indicator) -> None:
    tilleuls.require_mfa_for_managers = True
    tilleuls.save()
    assert call(service(tilleuls), "post", measurements_url(indicator), WEEK).status_code == 201


def test_the_openapi_document_describes_the_bearer_scheme() -> None:
    document = api.get_openapi_schema()
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer", "bearerFormat": "am_<key>_<secret>"}
    operation = document["paths"]["/api/v1/me"]["get"]
    assert {"BearerToken": []} in operation["security"]
    assert 429 in operation["responses"]


def test_every_operation_belongs_to_a_module_a_token_can_be_given() -> None:
    """A new router needs its name in ``core.models.API_MODULES``, or no token may call it."""
    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    modules = {tokens.module_of(path.replace("{org_slug}", "slug")) for path in paths}
    assert modules - {None} <= tokens.MODULE_CODES
    assert modules >= tokens.MODULE_CODES


def test_a_module_missing_from_the_list_is_refused_to_every_token(tilleuls: Organization) -> None:
    raw = service(tilleuls)
    assert call(raw, "get", "/api/v1/o/tilleuls/unlisted/1").status_code == 403
