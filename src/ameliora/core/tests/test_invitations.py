"""Joining an organization: an administrator invites by email, the invitee signs up or signs in and accepts."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django import DjangoCaptureOnCommitCallbacks

from ameliora.core import services
from ameliora.core.models import Invitation, Membership, Role, User
from ameliora.core.tests.assertions import page_text
from ameliora.core.tests.factories import PASSWORD, InvitationFactory, UserFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

LINK = re.compile(r"https?://\S+/invitations/(?P<token>[\w-]+)/")
CONFIRMATION_LINK = re.compile(r"https?://\S+(?P<path>/accounts/confirm-email/\S+/)")


NAMES = {"first_name": "Dora", "last_name": "Petit"}


def refusal(response: TestResponse) -> str | None:
    """The first error message in the invitation page's error summary."""
    match = re.search(r'id="error-summary">.*?<li>(.*?)</li>', page_text(response), re.S)
    return match[1] if match else None


def invite(
    client: Client, org_slug: str, email: str, roles: list[str], capture: DjangoCaptureOnCommitCallbacks
) -> TestResponse:
    with capture(execute=True):
        return client.post(f"/o/{org_slug}/members/", {"email": email, "roles": roles})


def invitation_path(message: mail.EmailMessage) -> str:
    match = LINK.search(str(message.body))
    assert match, f"No invitation link in: {message.body}"
    return reverse("core:invitation_accept", kwargs={"token": match["token"]})


@pytest.fixture
def dora_invited(
    alice: Membership, alice_client: Client, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> str:
    """Alice invites Dora (a nurse with no account yet) as a member and quality manager; the link's path."""
    response = invite(
        alice_client,
        alice.organization.slug,
        "Dora.Petit@Example.test",
        [Role.MEMBER, Role.QUALITY_MANAGER],
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    return invitation_path(mail.outbox[0])


def test_an_admin_invites_by_email_with_a_link_valid_for_seven_days(alice: Membership, dora_invited: str) -> None:
    invitation = Invitation.objects.get()
    message = mail.outbox[0]

    assert message.to == ["dora.petit@example.test"]
    assert alice.organization.name in message.subject
    assert settings.SITE_URL + dora_invited in message.body
    assert invitation.invited_by == alice.user
    assert sorted(invitation.roles) == [Role.MEMBER, Role.QUALITY_MANAGER]
    assert invitation.expires_at - invitation.created_at == pytest.approx(timedelta(days=7), abs=timedelta(seconds=5))


def test_an_invitee_without_account_signs_up_confirms_and_joins_with_the_invited_roles(
    alice: Membership, dora_invited: str, client: Client
) -> None:
    assert client.get(dora_invited).status_code == 200
    signup = client.post(
        "/accounts/signup/",
        {"email": "dora.petit@example.test", "password1": PASSWORD, "password2": PASSWORD, **NAMES},
    )
    assert signup.status_code == 302, page_text(signup)
    assert User.objects.get(email="dora.petit@example.test").get_full_name() == "Dora Petit"
    confirmation = CONFIRMATION_LINK.search(str(mail.outbox[-1].body))
    assert confirmation, mail.outbox[-1].body

    confirmed = client.post(confirmation["path"])
    # Confirming signs Dora in and brings her back to the invitation she came from.
    assert confirmed.status_code == 302
    assert confirmed["Location"] == dora_invited
    accepted = client.post(dora_invited, NAMES)

    assert accepted.status_code == 302
    assert accepted["Location"] == alice.organization.get_absolute_url()
    membership = Membership.objects.get(user__email="dora.petit@example.test")
    assert membership.organization == alice.organization
    assert membership.roles == {Role.MEMBER, Role.QUALITY_MANAGER}
    assert client.get(accepted["Location"]).status_code == 200


def test_an_invitee_with_an_account_signs_in_and_accepts(alice: Membership, dora_invited: str, client: Client) -> None:
    dora = UserFactory.create(email="dora.petit@example.test")
    client.get(dora_invited)

    login = client.post("/accounts/login/", {"login": "dora.petit@example.test", "password": PASSWORD})
    assert login.status_code == 302
    assert login["Location"] == dora_invited
    client.post(dora_invited, {"first_name": "Dora", "last_name": "Petit-Martin"})

    dora.refresh_from_db()
    assert dora.get_full_name() == "Dora Petit-Martin"
    assert Membership.objects.get(user=dora).roles == {Role.MEMBER, Role.QUALITY_MANAGER}
    assert not Invitation.objects.get().is_pending


def test_an_expired_invitation_is_refused_with_its_message(alice: Membership) -> None:
    invitation = InvitationFactory.create(
        organization=alice.organization, email="dora@example.test", expires_at=timezone.now() - timedelta(minutes=1)
    )
    client = Client()
    client.force_login(UserFactory.create(email="dora@example.test"))

    response = client.post(invitation.get_absolute_url(), NAMES)

    assert response.status_code == 422
    assert refusal(response) == escape(str(services.INVITATION_NOT_PENDING))
    assert not Membership.objects.filter(user__email="dora@example.test").exists()


def test_a_revoked_invitation_is_refused_with_its_message(
    alice: Membership, alice_client: Client, dora_invited: str
) -> None:
    invitation = Invitation.objects.get()
    alice_client.post(f"/o/{alice.organization.slug}/invitations/{invitation.pk}/revoke/")
    client = Client()
    client.force_login(UserFactory.create(email="dora.petit@example.test"))

    response = client.post(dora_invited, NAMES)

    assert response.status_code == 422
    assert refusal(response) == escape(str(services.INVITATION_NOT_PENDING))
    assert not Membership.objects.filter(user__email="dora.petit@example.test").exists()


def test_an_invitation_for_another_email_is_refused(alice: Membership, dora_invited: str, bob: Membership) -> None:
    client = Client()
    client.force_login(UserFactory.create(email="eve@example.test"))

    response = client.post(dora_invited, NAMES)

    assert response.status_code == 422
    assert refusal(response) == escape(str(services.INVITATION_WRONG_EMAIL))
    assert not Membership.objects.filter(user__email="eve@example.test").exists()


def test_reinviting_revokes_the_pending_invitation(
    alice: Membership,
    alice_client: Client,
    dora_invited: str,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    invite(
        alice_client,
        alice.organization.slug,
        "dora.petit@example.test",
        [Role.MEMBER],
        django_capture_on_commit_callbacks,
    )
    second_link = invitation_path(mail.outbox[-1])
    client = Client()
    client.force_login(UserFactory.create(email="dora.petit@example.test"))

    assert client.post(dora_invited, NAMES).status_code == 422
    assert client.post(second_link, NAMES).status_code == 302
    first, second = Invitation.objects.order_by("created_at")
    assert first.revoked_at is not None
    assert second.accepted_at is not None


def test_a_member_who_is_not_an_admin_cannot_invite(
    bob: Membership, bob_client: Client, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    response = invite(
        bob_client, bob.organization.slug, "dora@example.test", [Role.ADMIN], django_capture_on_commit_callbacks
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_signup_is_closed_without_an_invitation(client: Client, db: None) -> None:
    page = client.get("/accounts/signup/")
    client.post("/accounts/signup/", {"email": "dora@example.test", "password1": PASSWORD, "password2": PASSWORD})

    assert "account/signup_closed.html" in [t.name for t in page.templates]
    assert not User.objects.filter(email="dora@example.test").exists()


def test_signup_stays_closed_with_the_link_of_an_expired_invitation(alice: Membership, client: Client) -> None:
    invitation = InvitationFactory.create(
        organization=alice.organization, expires_at=timezone.now() - timedelta(days=1)
    )
    client.get(invitation.get_absolute_url())

    page = client.get("/accounts/signup/")

    assert "account/signup_closed.html" in [t.name for t in page.templates]


def test_signing_up_asks_the_first_and_last_name(alice: Membership, dora_invited: str, client: Client) -> None:
    client.get(dora_invited)

    signup = client.post(
        "/accounts/signup/", {"email": "dora.petit@example.test", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert signup.status_code == 200
    assert signup.context["form"].errors.keys() >= {"first_name", "last_name"}
    assert not User.objects.filter(email="dora.petit@example.test").exists()


def test_accepting_asks_the_name_and_keeps_what_was_typed(alice: Membership, dora_invited: str) -> None:
    client = Client()
    client.force_login(UserFactory.create(email="dora.petit@example.test", first_name="", last_name=""))

    response = client.post(dora_invited, {"first_name": "Dora", "last_name": ""})

    assert response.status_code == 422
    assert 'value="Dora"' in page_text(response)
    assert 'href="#id_last_name"' in page_text(response)
    assert not Membership.objects.filter(user__email="dora.petit@example.test").exists()
