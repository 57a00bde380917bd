"""In-app notifications, their emails (title and link only: free text may hold patient data), the unread badge."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from ameliora.core import services, tasks
from ameliora.core.models import Membership, Notification, Organization, Role
from ameliora.core.tests.assertions import page_text
from ameliora.core.tests.factories import NotificationFactory

NOTIFICATIONS = "/o/tilleuls/notifications/"
BADGE = re.compile(r'<span class="badge text-bg-warning">(\d+)<span class="visually-hidden">')
ROW = re.compile(r'<li class="list-group-item d-flex justify-content-between[^"]*">')
PATIENT_TEXT = "Mme Lucienne Dupont, née le 12/03/1941, chute au comptoir"


def unread_badge(client: Client) -> int:
    """The number in the header's bell badge (0 when there is no badge)."""
    match = BADGE.search(page_text(client.get("/o/tilleuls/")))
    return int(match[1]) if match else 0


def all_outgoing_text() -> str:
    parts = []
    for message in mail.outbox:
        parts += [str(message.subject), str(message.body)]
        parts += [str(content) for content, _mime in getattr(message, "alternatives", [])]
    return "\n".join(parts)


def test_a_notification_is_emailed_to_its_recipient_after_commit(
    bob: Membership, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = services.notify(
            [bob.user], organization=bob.organization, title="Une action vous a été attribuée", url="/o/tilleuls/"
        )
        assert mail.outbox == [], "the email must wait for the transaction to commit"

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [bob.user.email]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_notification_email_holds_only_the_title_and_the_link(
    bob: Membership, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([bob.user], organization=bob.organization, title="Réunion qualité jeudi", url="/o/tilleuls/")

    message = mail.outbox[0]
    lines = [line for line in str(message.body).splitlines() if line.strip()]
    assert message.subject == "[Ameliora] Réunion qualité jeudi"
    assert len(lines) == 3, lines
    assert lines[0] == "Réunion qualité jeudi"
    assert lines[1].endswith(f" {settings.SITE_URL}/o/tilleuls/")
    assert bob.organization.name in lines[2]  # "you receive this email because you are a member of …"
    assert not getattr(message, "alternatives", None)


def test_comment_text_never_reaches_an_email(
    alice: Membership,
    bob: Membership,
    alice_client: Client,
    bob_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    content_type = ContentType.objects.get_for_model(Organization)
    with django_capture_on_commit_callbacks(execute=True):
        bob_client.post(f"/o/tilleuls/comment/{content_type.pk}/{bob.organization.pk}/", {"body": PATIENT_TEXT})
        alice_client.post(f"/o/tilleuls/members/{bob.pk}/", {"title": "", "roles": [Role.QUALITY_MANAGER]})
        alice_client.post("/o/tilleuls/members/", {"email": "dora@example.test", "roles": [Role.MEMBER]})

    assert len(mail.outbox) == 2  # bob's role change, dora's invitation
    assert "Dupont" not in all_outgoing_text()


def test_a_notification_is_emailed_once_even_if_the_task_runs_twice(bob: Membership) -> None:
    notification = NotificationFactory.create(organization=bob.organization, recipient=bob.user)

    tasks.send_notification_email.enqueue(notification_id=notification.pk)
    tasks.send_notification_email.enqueue(notification_id=notification.pk)

    assert len(mail.outbox) == 1


def test_the_header_shows_the_unread_count_and_mark_all_read_clears_it(
    alice: Membership, bob: Membership, bob_client: Client
) -> None:
    NotificationFactory.create_batch(3, organization=bob.organization, recipient=bob.user)
    NotificationFactory.create(organization=bob.organization, recipient=bob.user, read_at=timezone.now())
    alices = NotificationFactory.create(organization=alice.organization, recipient=alice.user)
    assert unread_badge(bob_client) == 3

    response = bob_client.post(f"{NOTIFICATIONS}read/")

    assert response["Location"] == NOTIFICATIONS
    assert unread_badge(bob_client) == 0
    assert not Notification.objects.filter(recipient=bob.user, read_at__isnull=True).exists()
    alices.refresh_from_db()
    assert alices.read_at is None


def test_the_notification_list_shows_only_mine_paginated_by_25(
    alice: Membership, bob: Membership, bob_client: Client
) -> None:
    NotificationFactory.create_batch(30, organization=bob.organization, recipient=bob.user)
    NotificationFactory.create(organization=alice.organization, recipient=alice.user, title="Pour Alice seulement")

    first = page_text(bob_client.get(NOTIFICATIONS))
    second = page_text(bob_client.get(NOTIFICATIONS, {"page": 2}))

    assert len(ROW.findall(first)) == 25
    assert len(ROW.findall(second)) == 5
    assert "Pour Alice seulement" not in first + second


@pytest.mark.parametrize("rows", [5, 60])
def test_the_notification_list_runs_a_bounded_number_of_queries(
    rows: int, bob: Membership, bob_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    NotificationFactory.create_batch(rows, organization=bob.organization, recipient=bob.user)

    # Session, user, membership and roles, the header (organizations, unread count), page count and rows.
    with django_assert_max_num_queries(9):
        response = bob_client.get(NOTIFICATIONS)

    assert response.status_code == 200


def test_the_notification_list_query_count_is_the_same_for_5_and_60_notifications(
    bob: Membership, bob_client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    NotificationFactory.create_batch(5, organization=bob.organization, recipient=bob.user)
    with CaptureQueriesContext(connection) as small:
        bob_client.get(NOTIFICATIONS)
    NotificationFactory.create_batch(55, organization=bob.organization, recipient=bob.user)

    with django_assert_num_queries(len(small.captured_queries)):
        bob_client.get(NOTIFICATIONS)
