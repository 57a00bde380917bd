"""Owners hear, once a week at most, of documents whose review falls due within 30 days."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ameliora.core.models import Membership, Notification
from ameliora.documents.models import DocumentVersion
from ameliora.documents.reminders import remind_document_reviews
from ameliora.documents.tests.factories import document_in_force


def test_the_owner_is_reminded_of_a_review_due_soon_once_a_week(alice: Membership, bob: Membership) -> None:
    version = document_in_force(alice, readers=[bob])
    DocumentVersion.objects.filter(pk=version.pk).update(next_review_date=timezone.localdate() + timedelta(days=10))

    first = remind_document_reviews()
    second = remind_document_reviews()

    assert (first, second) == (1, 0)
    reminder = Notification.objects.get(recipient=alice.user, title__startswith="Révision")
    assert "PR-DISP-01" in reminder.title


def test_a_review_far_ahead_is_not_reminded(alice: Membership, bob: Membership) -> None:
    document_in_force(alice, readers=[bob])  # next review in a year

    assert remind_document_reviews() == 0
