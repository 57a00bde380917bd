"""A person's profile: names, profession, phone, language, notification preference; their data; closing."""

from __future__ import annotations

import json

from django.core import mail
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from ameliora.core import services
from ameliora.core.history import history_of
from ameliora.core.models import (
    Comment,
    Membership,
    Notification,
    NotificationPreference,
    Profession,
    Role,
    User,
)
from ameliora.core.reminders import send_notification_digests
from ameliora.core.tests.assertions import page_text
from ameliora.core.tests.factories import PASSWORD, MembershipFactory, UserFactory

PROFILE = "/account/profile/"
VALID = {
    "first_name": "Alice",
    "last_name": "Garnier-Roux",
    "profession": Profession.PHARMACIST,
    "job_title": "Pharmacienne titulaire",
    "phone": "05 61 00 00 00",
    "language": "fr",
    "notification_preference": NotificationPreference.DAILY_DIGEST,
}


def test_my_profile_is_in_the_user_menu_and_saves_what_i_type(alice: Membership, alice_client: Client) -> None:
    dashboard = alice_client.get(f"/o/{alice.organization.slug}/")
    assert f'href="{PROFILE}"' in page_text(dashboard)

    response = alice_client.post(PROFILE, VALID)

    assert response.status_code == 302
    user = User.objects.get(pk=alice.user.pk)
    assert (user.last_name, user.profession, user.phone) == ("Garnier-Roux", "pharmacien", "05 61 00 00 00")
    assert user.notification_preference == NotificationPreference.DAILY_DIGEST
    assert user.initials == "AG"
    assert ">AG</span>" in page_text(alice_client.get(PROFILE))


def test_a_wrong_phone_is_refused_next_to_its_field_and_the_input_is_kept(alice_client: Client) -> None:
    response = alice_client.post(PROFILE, {**VALID, "phone": "appelle-moi", "last_name": "Nouveau"})

    text = page_text(response)
    assert response.status_code == 422
    assert 'href="#id_phone"' in text  # the summary points at the field
    assert 'aria-invalid="true"' in text
    assert 'value="appelle-moi"' in text
    assert 'value="Nouveau"' in text
    assert User.objects.get(email="alice@tilleuls.test").last_name == "Garnier"


def test_first_and_last_name_are_required(alice_client: Client) -> None:
    response = alice_client.post(PROFILE, {**VALID, "first_name": "", "last_name": " "})

    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"first_name", "last_name"}


def test_initials_fall_back_on_the_email_without_a_name(db: None) -> None:
    assert UserFactory.build(email="zoe@example.test", first_name="", last_name="").initials == "Z"


def test_the_interface_follows_the_profile_language_whatever_the_cookie(
    alice: Membership, alice_client: Client
) -> None:
    User.objects.filter(pk=alice.user.pk).update(language="en")
    alice_client.cookies["django_language"] = "fr"

    response = alice_client.get(f"/o/{alice.organization.slug}/members/")

    assert response["Content-Language"] == "en"
    assert '<h1 class="h3 mb-0">Team</h1>' in page_text(response)


def test_the_language_menu_updates_the_profile(alice: Membership, alice_client: Client) -> None:
    alice_client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert User.objects.get(pk=alice.user.pk).language == "en"


def test_a_notification_is_written_and_emailed_in_the_recipient_language(
    alice: Membership, bob: Membership, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    User.objects.filter(pk=bob.user.pk).update(language="en")
    bob.user.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        services.set_member_roles(bob, roles=[Role.MEMBER, Role.QUALITY_MANAGER], acting=alice)

    notification = Notification.objects.get(recipient=bob.user)
    assert notification.title == "Your roles in Pharmacie des Tilleuls were changed"
    assert "See it in Ameliora:" in mail.outbox[0].body


def test_notifications_are_emailed_as_each_person_chose(
    alice: Membership, bob: Membership, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    in_app = MembershipFactory.create(
        organization=alice.organization,
        user=UserFactory.create(notification_preference=NotificationPreference.IN_APP),
    )
    digest = MembershipFactory.create(
        organization=alice.organization,
        user=UserFactory.create(notification_preference=NotificationPreference.DAILY_DIGEST, language="en"),
    )
    people = [bob.user, in_app.user, digest.user]

    with django_capture_on_commit_callbacks(execute=True):
        services.notify(people, organization=alice.organization, title="Premier", url="/")
        services.notify(people, organization=alice.organization, title="Second", url="/")

    assert sorted(m.to[0] for m in mail.outbox) == [bob.user.email, bob.user.email]
    assert Notification.objects.filter(recipient=in_app.user).count() == 2

    assert send_notification_digests() == 1
    digest_mail = mail.outbox[-1]
    assert digest_mail.to == [digest.user.email]
    assert "2 new notifications" in digest_mail.subject
    assert "Premier" in digest_mail.body
    assert "Second" in digest_mail.body
    # A second run the same day sends nothing more.
    assert send_notification_digests() == 0
    assert len(mail.outbox) == 3


def test_download_my_data_gives_my_own_data_as_json(alice: Membership, alice_client: Client, bob: Membership) -> None:
    services.add_comment(alice.organization, body="Mon commentaire", acting=alice)
    services.add_comment(alice.organization, body="Celui de Bob", acting=bob)

    assert alice_client.get("/account/my-data/").status_code == 405
    response = alice_client.post("/account/my-data/")

    assert response["Content-Disposition"].startswith('attachment; filename="ameliora-my-data-')
    data = json.loads(response.content)
    assert data["profile"]["email"] == "alice@tilleuls.test"
    assert data["memberships"][0]["organization"] == "Pharmacie des Tilleuls"
    assert data["memberships"][0]["roles"] in (["Administrator"], ["Administrateur"])
    assert [c["comment"] for c in data["comments"]] == ["Mon commentaire"]
    assert {"declared_events", "actions_owned", "read_receipts"} <= data.keys()


def test_closing_asks_the_password(bob: Membership, bob_client: Client) -> None:
    response = bob_client.post("/account/close/", {"password": "not-it", "confirm": "on"})

    assert response.status_code == 422
    assert 'href="#id_password"' in page_text(response)
    assert User.objects.get(pk=bob.user.pk).is_active


def test_the_last_administrator_cannot_close_without_handing_over(alice: Membership, alice_client: Client) -> None:
    response = alice_client.post("/account/close/", {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 422
    assert "You are the last administrator of Pharmacie des Tilleuls" in page_text(response) or (
        "Vous êtes le dernier administrateur de Pharmacie des Tilleuls" in page_text(response)
    )
    assert User.objects.get(pk=alice.user.pk).is_active


def test_closing_anonymises_the_person_and_keeps_the_records(
    alice: Membership, alice_client: Client, bob: Membership, bob_client: Client
) -> None:
    comment = services.add_comment(alice.organization, body="Relevé fait", acting=bob)

    response = bob_client.post("/account/close/", {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    user = User.objects.get(pk=bob.user.pk)
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.email.endswith("@closed.invalid")
    assert "bob" not in user.email
    assert (user.first_name, user.last_name, user.phone) == ("", "", "")
    assert str(user) in {"former member", "ancien membre"}
    # The organization keeps the comment, now by the former member; the team list no longer shows them.
    assert Comment.objects.get(pk=comment.pk).author == user
    assert not Membership.objects.for_org(alice.organization).filter(user=user).exists()
    team = page_text(alice_client.get(f"/o/{alice.organization.slug}/members/"))
    assert "Bob" not in team
    # The history says so.
    entry = history_of(Membership.objects.get(pk=bob.pk))[0]
    assert entry.kind in {"account closed", "compte fermé"}
    # And the account cannot sign in any more.
    visitor = Client()
    visitor.post("/accounts/login/", {"login": "bob@tilleuls.test", "password": PASSWORD})
    assert "_auth_user_id" not in visitor.session


def test_a_closed_account_gets_no_notifications(alice: Membership, bob: Membership) -> None:
    services.close_account(bob.user)

    assert services.notify([bob.user], organization=alice.organization, title="x") == []
