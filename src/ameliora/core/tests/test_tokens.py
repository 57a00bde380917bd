"""API tokens in the settings pages and the ``ameliora token`` command (their use is in api/tests)."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from ameliora.core import services, tokens
from ameliora.core.models import ApiToken, Membership, Notification, Organization, Role
from ameliora.core.tests.conftest import ClientFor
from ameliora.core.tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"am_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")
PERSONAL = "/account/tokens/"


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Export mensuel",
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "scope_indicators": "write",
        "scope_core": "read",
    }
    return {**data, **overrides}


def test_a_person_creates_a_personal_token_shown_once(alice_client: Client, alice: Membership) -> None:
    created = alice_client.post(PERSONAL, _form())
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    raw = TOKEN.search(created.content.decode())
    assert raw is not None
    token = ApiToken.objects.get()
    assert (token.kind, token.user, token.name) == (ApiToken.Kind.PERSONAL, alice.user, "Export mensuel")
    assert token.scopes == {"indicators": "write", "core": "read"}
    assert tokens.find_token(raw.group()) == token
    listed = alice_client.get(PERSONAL).content.decode()
    assert "Export mensuel" in listed
    assert f"am_{token.key_id}_…" in listed
    assert raw.group() not in listed


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"expires_on": "2020-01-01"}, "Choisissez une date postérieure à aujourd’hui."),
        ({"scope_indicators": "", "scope_core": ""}, "Donnez au jeton l’accès à au moins un module."),
        ({"name": ""}, "Ce champ est obligatoire."),
    ],
)
def test_a_refused_token_form_keeps_what_was_typed(alice_client: Client, overrides: dict[str, str], error: str) -> None:
    answer = alice_client.post(PERSONAL, _form(**overrides))
    assert answer.status_code == 422
    page = answer.content.decode()
    assert error in page
    assert not ApiToken.objects.exists()
    assert not TOKEN.search(page)
    if overrides.get("name") != "":
        assert 'value="Export mensuel"' in page


def test_the_personal_list_is_paginated_in_a_few_queries(
    alice_client: Client, alice: Membership, bob: Membership, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for n in range(30):
        tokens.issue_personal_token(user=alice.user, name=f"outil-{n:02}", scopes={"core": "read"}, expires_at=None)
    tokens.issue_personal_token(user=bob.user, name="celui de bob", scopes={"core": "read"}, expires_at=None)
    with django_assert_max_num_queries(8):
        page = alice_client.get(PERSONAL).content.decode()
    assert page.count("outil-") == 25
    assert "celui de bob" not in page
    assert "outil-00" in alice_client.get(PERSONAL + "?page=2").content.decode()


def test_a_person_revokes_only_their_own_tokens(alice_client: Client, alice: Membership, bob: Membership) -> None:
    mine, _raw = tokens.issue_personal_token(user=alice.user, name="a", scopes={"core": "read"}, expires_at=None)
    theirs, _raw = tokens.issue_personal_token(user=bob.user, name="b", scopes={"core": "read"}, expires_at=None)
    assert alice_client.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    assert alice_client.post(f"/account/tokens/{mine.pk}/revoke/").status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None
    assert theirs.revoked_at is None
    assert "révoqué" in alice_client.get(PERSONAL).content.decode()


def test_the_token_pages_need_a_signed_in_person() -> None:
    assert Client().get(PERSONAL).status_code == 302


def test_an_administrator_creates_an_organization_token(
    alice_client: Client, alice: Membership, tilleuls: Organization
) -> None:
    url = "/o/tilleuls/settings/tokens/"
    answer = alice_client.post(url, _form(name="Logiciel de pharmacie", role=Role.PROCESS_PILOT))
    assert answer.status_code == 200
    assert TOKEN.search(answer.content.decode())
    token = ApiToken.objects.get()
    assert (token.kind, token.organization, token.created_by) == (ApiToken.Kind.SERVICE, tilleuls, alice.user)
    account = Membership.objects.get(user=token.user)
    assert account.organization == tilleuls
    assert account.roles == {Role.PROCESS_PILOT}
    assert not token.user.is_active
    assert not token.user.has_usable_password()
    listed = alice_client.get(url).content.decode()
    assert "Logiciel de pharmacie" in listed
    assert "créé par Alice Garnier" in listed


def test_an_administrator_cannot_give_an_organization_token_the_administrator_role(alice_client: Client) -> None:
    answer = alice_client.post("/o/tilleuls/settings/tokens/", _form(role=Role.ADMIN))
    assert answer.status_code == 422
    assert not ApiToken.objects.exists()


def test_only_administrators_manage_organization_tokens(bob_client: Client, tilleuls: Organization) -> None:
    token, _raw = tokens.issue_service_token(organization=tilleuls, name="BI", scopes={"core": "read"}, expires_at=None)
    assert bob_client.get("/o/tilleuls/settings/tokens/").status_code == 403
    assert bob_client.post(f"/o/tilleuls/settings/tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_another_organization_cannot_see_or_revoke_a_token(
    charlie_client: Client, tilleuls: Organization, alice: Membership
) -> None:
    token, _raw = tokens.issue_service_token(
        organization=tilleuls, name="BI des Tilleuls", scopes={"core": "read"}, expires_at=None
    )
    assert charlie_client.get("/o/tilleuls/settings/tokens/").status_code == 404
    assert "BI des Tilleuls" not in charlie_client.get("/o/coteaux/settings/tokens/").content.decode()
    assert charlie_client.post(f"/o/coteaux/settings/tokens/{token.pk}/revoke/").status_code == 404
    # alice's personal tokens are not the organization's either
    mine, _raw = tokens.issue_personal_token(user=alice.user, name="a", scopes={"core": "read"}, expires_at=None)
    assert client_revoke_status(alice, mine) == 404


def client_revoke_status(membership: Membership, token: ApiToken) -> int:
    client = Client()
    client.force_login(membership.user)
    return client.post(f"/o/{membership.organization.slug}/settings/tokens/{token.pk}/revoke/").status_code


def test_the_organization_list_is_paginated_in_a_few_queries(
    client_for: ClientFor,
    alice: Membership,
    tilleuls: Organization,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    for n in range(27):
        tokens.issue_service_token(
            organization=tilleuls,
            name=f"service {n:02}",
            scopes={"core": "read"},
            expires_at=None,
            created_by=alice.user,
        )
    client = client_for(alice)
    with django_assert_max_num_queries(12):
        page = client.get("/o/tilleuls/settings/tokens/").content.decode()
    assert page.count("service ") == 25


def test_an_api_token_account_gets_no_notification(alice: Membership, tilleuls: Organization) -> None:
    token, _raw = tokens.issue_service_token(organization=tilleuls, name="BI", scopes={"core": "read"}, expires_at=None)
    services.notify([alice.user, token.user], organization=tilleuls, title="Nouveau", url="/")
    assert list(Notification.objects.values_list("recipient", flat=True)) == [alice.user.pk]


# --- The command --------------------------------------------------------------------------------


def _run(*args: str) -> str:
    out = StringIO()
    call_command("token", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_creates_an_organization_token_and_prints_it_once(tilleuls: Organization) -> None:
    printed = _run("create", "--org", "tilleuls", "--name", "Import", "--scope", "write").strip()
    assert TOKEN.fullmatch(printed)
    token = tokens.find_token(printed)
    assert token is not None
    assert (token.kind, token.organization, token.name) == (ApiToken.Kind.SERVICE, tilleuls, "Import")
    assert token.scopes == tokens.full_scopes("write")
    assert token.expires_at is not None
    listed = _run("list", "--org", "tilleuls")
    assert token.key_id in listed
    assert printed not in listed
    assert printed.split("_", 2)[2] not in listed


def test_the_command_creates_a_personal_token_for_a_member(alice: Membership, bob: Membership) -> None:
    printed = _run(
        "create", "--org", "tilleuls", "--name", "Script", "--scope", "read", "--user", "BOB@tilleuls.test",
        "--module", "events", "--days", "0",
    ).strip()  # fmt: skip
    token = tokens.find_token(printed)
    assert token is not None
    assert (token.kind, token.user, token.organization) == (ApiToken.Kind.PERSONAL, bob.user, bob.organization)
    assert token.scopes == {"events": "read"}
    assert token.expires_at is None
    client = Client()
    client.force_login(bob.user)
    assert "dans Pharmacie des Tilleuls seulement" in client.get(PERSONAL).content.decode()


def test_the_command_refuses_unknown_people_and_outsiders(tilleuls: Organization, charlie: Membership) -> None:
    with pytest.raises(CommandError, match="No user"):
        _run("create", "--org", "tilleuls", "--name", "x", "--scope", "read", "--user", "nobody@x.test")
    with pytest.raises(CommandError, match="not a member"):
        _run("create", "--org", "tilleuls", "--name", "x", "--scope", "read", "--user", "charlie@coteaux.test")
    with pytest.raises(CommandError, match="No organization"):
        _run("create", "--org", "nowhere", "--name", "x", "--scope", "read")
    assert not ApiToken.objects.exists()


def test_the_command_revokes_a_token(tilleuls: Organization) -> None:
    printed = _run("create", "--org", "tilleuls", "--name", "Import", "--scope", "read").strip()
    assert "Revoked" in _run("revoke", printed)
    token = ApiToken.objects.get()
    assert token.revoked_at is not None
    assert "revoked" in _run("list", "--org", "tilleuls")


def test_the_demo_gives_the_pharmacy_quality_manager_a_personal_token_once() -> None:
    pharmacy = OrganizationFactory.create(slug="pharmacie-des-tilleuls")
    MembershipFactory.create(
        organization=pharmacy, user=UserFactory.create(email=tokens.DEMO_OWNER), roles=[Role.QUALITY_MANAGER]
    )
    tokens.demo_tokens({pharmacy.slug: pharmacy})
    tokens.demo_tokens({pharmacy.slug: pharmacy})  # `ameliora demo` runs at every `make run`
    token = ApiToken.objects.get()
    assert (token.name, token.user.email, token.organization) == (tokens.DEMO_NAME, tokens.DEMO_OWNER, pharmacy)
    assert token.scopes == {"indicators": "read"}
