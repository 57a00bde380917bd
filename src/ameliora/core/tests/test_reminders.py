"""``ameliora send_reminders``, run daily: each reminder is sent once, and old export files are deleted."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from ameliora.core.models import Job, Membership, Notification
from ameliora.core.tests.factories import InvitationFactory, JobFactory


def send_reminders(capture: DjangoCaptureOnCommitCallbacks) -> str:
    out = StringIO()
    with capture(execute=True):
        call_command("send_reminders", stdout=out)
    return out.getvalue()


def test_the_inviter_is_reminded_once_of_an_invitation_expiring_within_24_hours(
    alice: Membership, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    soon = timezone.now() + timedelta(hours=20)
    InvitationFactory.create(
        organization=alice.organization, invited_by=alice.user, email="dora@example.test", expires_at=soon
    )

    summary = send_reminders(django_capture_on_commit_callbacks)
    send_reminders(django_capture_on_commit_callbacks)

    (notification,) = Notification.objects.filter(recipient=alice.user)
    assert "dora@example.test" in notification.title
    assert notification.url == "/o/tilleuls/members/"
    assert [m.to for m in mail.outbox] == [["alice@tilleuls.test"]]
    assert summary.startswith("Reminders sent: 1 ")


def test_invitations_not_about_to_expire_or_no_longer_pending_are_not_reminded(
    alice: Membership, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    now = timezone.now()
    org, inviter = alice.organization, alice.user
    InvitationFactory.create(organization=org, invited_by=inviter, expires_at=now + timedelta(days=3))
    InvitationFactory.create(organization=org, invited_by=inviter, expires_at=now - timedelta(hours=1))
    InvitationFactory.create(organization=org, invited_by=inviter, expires_at=now + timedelta(hours=2), accepted_at=now)
    InvitationFactory.create(organization=org, invited_by=inviter, expires_at=now + timedelta(hours=2), revoked_at=now)

    send_reminders(django_capture_on_commit_callbacks)

    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_export_files_older_than_a_week_are_deleted(
    alice: Membership, media_root: Path, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    old = JobFactory.create(organization=alice.organization, finished_at=timezone.now() - timedelta(days=8))
    recent = JobFactory.create(organization=alice.organization, finished_at=timezone.now() - timedelta(days=2))
    old_path = media_root / old.result.name

    send_reminders(django_capture_on_commit_callbacks)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.result
    assert not old_path.exists()
    assert (media_root / recent.result.name).exists()
    assert Job.objects.count() == 2
