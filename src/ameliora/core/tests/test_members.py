"""The team pages: the member list, a member's roles, removal, and who may do what there."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from pytest_django import DjangoAssertNumQueries

from ameliora.core import services
from ameliora.core.models import Membership, MembershipRole, Organization, Role
from ameliora.core.tests.assertions import flash_messages, page_text, shows
from ameliora.core.tests.conftest import ClientFor
from ameliora.core.tests.factories import InvitationFactory, MembershipFactory, UnitFactory

# Session, user, membership and its roles, the header's organizations and unread count, the page's
# count, rows and their roles, the pending invitations: none of them depends on the number of rows.
LIST_PAGE_MAX_QUERIES = 12
ROW = re.compile(r'<a href="/o/[\w-]+/members/\d+/">')


def members_url(membership: Membership) -> str:
    return f"/o/{membership.organization.slug}/members/"


def detail_url(membership: Membership) -> str:
    return f"/o/{membership.organization.slug}/members/{membership.pk}/"


# --- Roles --------------------------------------------------------------------------------------


def test_an_admin_changes_a_members_roles_and_the_change_is_in_the_history(
    alice: Membership, bob: Membership, alice_client: Client
) -> None:
    response = alice_client.post(
        detail_url(bob), {"title": "Référent qualité", "roles": [Role.QUALITY_MANAGER, Role.MEMBER]}
    )

    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.roles == {Role.QUALITY_MANAGER, Role.MEMBER}
    assert bob.title == "Référent qualité"
    added = MembershipRole.history.get(membership_id=bob.pk, role=Role.QUALITY_MANAGER, history_type="+")
    assert added.history_user == alice.user
    page = alice_client.get(detail_url(bob))
    assert "Alice Garnier" in page_text(page)
    assert str(Role.QUALITY_MANAGER.label) in page_text(page)


def test_removing_admin_from_the_last_administrator_is_refused_with_the_message(
    alice: Membership, bob: Membership, alice_client: Client
) -> None:
    response = alice_client.post(detail_url(alice), {"title": "Retraitée", "roles": [Role.MEMBER]})

    assert response.status_code == 422
    assert shows(response, services.LAST_ADMIN)
    # Title and roles change together or not at all; the typed title is still in the form.
    assert Membership.objects.get(pk=alice.pk).title == "Pharmacienne titulaire"
    assert 'value="Retraitée"' in page_text(response)
    # The message sits next to the roles field, not only at the top of the page.
    assert re.search(r'id="id_roles_error">[^<]*' + re.escape(escape(str(services.LAST_ADMIN))), page_text(response))
    assert Role.ADMIN in Membership.objects.with_roles().get(pk=alice.pk).roles


def test_an_admin_can_step_down_once_another_administrator_exists(
    alice: Membership, bob: Membership, alice_client: Client
) -> None:
    alice_client.post(detail_url(bob), {"title": "", "roles": [Role.ADMIN]})

    response = alice_client.post(detail_url(alice), {"title": "", "roles": [Role.MEMBER]})

    assert response.status_code == 302
    assert Membership.objects.with_roles().get(pk=alice.pk).roles == {Role.MEMBER}


def test_the_last_administrator_cannot_be_removed(alice: Membership, bob: Membership, alice_client: Client) -> None:
    response = alice_client.post(f"{detail_url(alice)}remove/", follow=True)

    assert Membership.objects.filter(pk=alice.pk).exists()
    assert response.redirect_chain[-1][0] == detail_url(alice)
    assert shows(response, services.LAST_ADMIN)


def test_an_admin_removes_a_member_who_then_loses_access(
    alice: Membership, bob: Membership, alice_client: Client, bob_client: Client
) -> None:
    response = alice_client.post(f"{detail_url(bob)}remove/")

    assert response.status_code == 302
    assert response["Location"] == members_url(alice)
    assert not Membership.objects.filter(pk=bob.pk).exists()
    assert bob_client.get(members_url(alice)).status_code == 404


def test_a_plain_member_sees_the_team_but_cannot_change_roles_or_remove(
    alice: Membership, bob: Membership, bob_client: Client
) -> None:
    assert bob_client.get(members_url(bob)).status_code == 200
    assert bob_client.post(detail_url(alice), {"roles": [Role.MEMBER]}).status_code == 403
    assert bob_client.post(f"{detail_url(alice)}remove/").status_code == 403
    assert Membership.objects.with_roles().get(pk=alice.pk).roles == {Role.ADMIN}


@pytest.mark.parametrize(
    ("role", "own_status"),
    [
        (Role.ADMIN, 302),
        (Role.QUALITY_MANAGER, 403),
        (Role.PROCESS_PILOT, 403),
        (Role.MEMBER, 403),
        (Role.SUPERVISOR, 403),
        (Role.LEARNER, 403),
        (Role.QUALITY_CELL, 403),
        (Role.USER_REPRESENTATIVE, 403),
    ],
)
def test_only_administrators_may_invite_and_outsiders_get_404_whatever_their_role(
    role: Role, own_status: int, tilleuls: Organization, coteaux: Organization, client_for: ClientFor
) -> None:
    client = client_for(MembershipFactory.create(organization=tilleuls, roles=[role]))
    data = {"email": "dora@example.test", "roles": [Role.MEMBER]}

    assert client.post("/o/tilleuls/members/", data).status_code == own_status
    assert client.post("/o/coteaux/members/", data).status_code == 404


# --- Forms keep what was typed ------------------------------------------------------------------


def test_an_invalid_invitation_keeps_the_typed_email_and_shows_the_error_next_to_the_field(
    alice: Membership, alice_client: Client
) -> None:
    response = alice_client.post(members_url(alice), {"email": "dora-at-example", "roles": [Role.SUPERVISOR]})

    assert response.status_code == 422
    text = page_text(response)
    assert re.search(r'<input[^>]*name="email"[^>]*value="dora-at-example"', text)
    assert re.search(r'<input[^>]*name="roles"[^>]*value="supervisor"[^>]*checked', text)
    assert re.search(r'<input[^>]*name="email"[^>]*aria-invalid="true"', text)
    assert 'id="id_email_error"' in text


def test_inviting_an_existing_member_says_so_next_to_the_email(
    alice: Membership, bob: Membership, alice_client: Client
) -> None:
    response = alice_client.post(members_url(alice), {"email": bob.user.email, "roles": [Role.MEMBER]})

    assert response.status_code == 422
    assert re.search(
        r'id="id_email_error">[^<]*' + re.escape(escape(str(services.ALREADY_MEMBER))), page_text(response)
    )


# --- Lists are paginated and their query count does not grow with rows -------------------------


def test_the_member_list_is_paginated_by_25(alice: Membership, alice_client: Client) -> None:
    MembershipFactory.create_batch(59, organization=alice.organization)

    first = alice_client.get(members_url(alice))
    last = alice_client.get(members_url(alice), {"page": 3})

    assert len(ROW.findall(page_text(first))) == 25
    assert len(ROW.findall(page_text(last))) == 10


def test_the_member_search_finds_by_email_or_last_name(alice: Membership, alice_client: Client) -> None:
    MembershipFactory.create(
        organization=alice.organization, user__last_name="Lefèvre", user__email="marc@tilleuls.test"
    )
    MembershipFactory.create(
        organization=alice.organization, user__last_name="Roux", user__email="sophie@tilleuls.test"
    )

    by_name = page_text(alice_client.get(members_url(alice), {"q": "lefèvre"}))
    by_email = page_text(alice_client.get(members_url(alice), {"q": "sophie@"}))

    assert "marc@tilleuls.test" in by_name
    assert "sophie@tilleuls.test" not in by_name
    assert "sophie@tilleuls.test" in by_email
    assert "marc@tilleuls.test" not in by_email


@pytest.mark.parametrize("rows", [5, 60])
def test_the_member_list_runs_a_bounded_number_of_queries(
    rows: int, alice: Membership, alice_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    MembershipFactory.create_batch(rows - 1, organization=alice.organization, roles=[Role.MEMBER, Role.LEARNER])
    InvitationFactory.create_batch(3, organization=alice.organization, invited_by=alice.user)

    with django_assert_max_num_queries(LIST_PAGE_MAX_QUERIES):
        response = alice_client.get(members_url(alice))

    assert response.status_code == 200


def test_the_member_list_query_count_is_the_same_for_5_and_60_members(
    alice: Membership, alice_client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    MembershipFactory.create_batch(4, organization=alice.organization)
    with CaptureQueriesContext(connection) as small:
        alice_client.get(members_url(alice))
    MembershipFactory.create_batch(55, organization=alice.organization, roles=[Role.MEMBER, Role.SUPERVISOR])

    with django_assert_num_queries(len(small.captured_queries)):
        alice_client.get(members_url(alice))


def test_the_member_list_flash_message_names_the_invited_address(alice: Membership, alice_client: Client) -> None:
    response = alice_client.post(members_url(alice), {"email": "dora@example.test", "roles": [Role.MEMBER]})

    assert any("dora@example.test" in message for message in flash_messages(response))


# --- Units --------------------------------------------------------------------------------------


def test_an_admin_attaches_a_member_to_units(alice: Membership, bob: Membership, alice_client: Client) -> None:
    counter = UnitFactory.create(organization=alice.organization, name="Comptoir")
    UnitFactory.create(organization=alice.organization, name="Préparatoire")

    response = alice_client.post(detail_url(bob), {"title": "", "roles": [Role.MEMBER], "units": [counter.pk]})

    assert response.status_code == 302
    assert list(bob.units.all()) == [counter]
    page = page_text(alice_client.get(detail_url(bob)))
    assert "Comptoir" in page
    assert "Préparatoire" in page  # offered as a choice


def test_a_unit_of_another_organization_is_refused(
    alice: Membership, bob: Membership, charlie: Membership, alice_client: Client
) -> None:
    UnitFactory.create(organization=alice.organization, name="Comptoir")
    foreign = UnitFactory.create(organization=charlie.organization, name="Consultations")

    response = alice_client.post(detail_url(bob), {"title": "", "roles": [Role.MEMBER], "units": [foreign.pk]})

    assert response.status_code == 422
    assert not bob.units.exists()
    with pytest.raises(ValidationError):
        services.update_member(bob, roles=[Role.MEMBER], title="", acting=alice, units=[foreign])


def test_a_plain_member_cannot_change_units(alice: Membership, bob: Membership, bob_client: Client) -> None:
    unit = UnitFactory.create(organization=alice.organization, name="Comptoir")

    response = bob_client.post(detail_url(bob), {"title": "", "roles": [Role.MEMBER], "units": [unit.pk]})

    assert response.status_code == 403
    assert not bob.units.exists()


def test_without_units_the_member_form_offers_none_and_keeps_working(
    alice: Membership, bob: Membership, alice_client: Client
) -> None:
    response = alice_client.post(detail_url(bob), {"title": "Préparateur", "roles": [Role.MEMBER]})

    assert response.status_code == 302
    assert 'name="units"' not in page_text(alice_client.get(detail_url(bob)))
