"""A version's lifecycle: draft → in review → approved → in force → archived, one in force at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from ameliora.core.models import Membership, Notification
from ameliora.core.services import add_attachment
from ameliora.core.tests.assertions import page_text
from ameliora.core.tests.factories import PDF_BYTES, MembershipFactory
from ameliora.documents import services
from ameliora.documents.access import VERSION_FROZEN
from ameliora.documents.models import (
    DATES_ORDER,
    NOT_A_REVIEWER,
    REVIEWS_PENDING,
    SELF_REVIEW,
    DocumentVersion,
    Review,
)
from ameliora.documents.tests.factories import document_in_force, draft_document


def test_a_new_document_starts_as_a_draft_version_1(alice: Membership) -> None:
    document = draft_document(alice)

    version = document.versions.get()
    assert (version.number, version.status, version.author) == (1, DocumentVersion.Status.DRAFT, alice)


def test_publishing_a_new_version_archives_the_previous_one_which_stays_readable(
    alice: Membership, bob: Membership
) -> None:
    first = document_in_force(alice, readers=[bob])
    second = services.start_new_version(first.document, acting=alice)
    assert second.body == first.body  # the new draft starts from the text in force
    services.submit_for_review(second, reviewers=[bob], acting=alice)
    services.record_review(second, reviewer=bob, approve=True, comment="RAS")
    services.approve_version(second, acting=alice)
    services.publish_version(
        second,
        acting=alice,
        effective_date=timezone.localdate(),
        next_review_date=None,
        expiry_date=None,
        readers=[bob],
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == DocumentVersion.Status.ARCHIVED
    assert first.archived_at is not None
    assert first.body == "Deux regards."
    assert second.status == DocumentVersion.Status.IN_FORCE
    assert first.document.versions.filter(status=DocumentVersion.Status.IN_FORCE).count() == 1
    # Bob is no longer asked to read the superseded version, only the new one.
    unread = set(Notification.objects.filter(recipient=bob.user, read_at__isnull=True).values_list("url", flat=True))
    assert first.get_absolute_url() not in unread
    assert second.get_absolute_url() in unread


def test_the_database_refuses_two_versions_in_force(alice: Membership, bob: Membership) -> None:
    first = document_in_force(alice, readers=[bob])
    second = services.start_new_version(first.document, acting=alice)

    second.status = DocumentVersion.Status.IN_FORCE
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save(update_fields=["status"])


def test_a_draft_cannot_be_approved_or_published(alice: Membership) -> None:
    version = draft_document(alice).versions.get()

    with pytest.raises(ValidationError) as approving:
        version.approve(by=alice)
    with pytest.raises(ValidationError) as publishing:
        version.publish(by=alice, effective_date=timezone.localdate(), next_review_date=None, expiry_date=None)

    assert approving.value.code == publishing.value.code == "transition"
    assert version.status == DocumentVersion.Status.DRAFT


def test_approval_waits_for_every_reviewer(alice: Membership, bob: Membership) -> None:
    other = MembershipFactory.create(organization=alice.organization)
    version = draft_document(alice).versions.get()
    services.submit_for_review(version, reviewers=[bob, other], acting=alice)
    services.record_review(version, reviewer=bob, approve=True, comment="")

    with pytest.raises(ValidationError) as refused:
        services.approve_version(version, acting=alice)
    assert refused.value.messages == [str(REVIEWS_PENDING)]


def test_asking_for_changes_sends_the_version_back_to_draft_and_tells_the_author(
    alice: Membership, bob: Membership
) -> None:
    version = draft_document(alice).versions.get()
    services.submit_for_review(version, reviewers=[bob], acting=alice)

    services.record_review(version, reviewer=bob, approve=False, comment="Préciser le périmètre")

    version.refresh_from_db()
    assert version.status == DocumentVersion.Status.DRAFT
    assert alice.user.notifications.filter(title__contains="PR-DISP-01 v1").exists()
    assert version.reviews.get().decision == Review.Decision.CHANGES


def test_only_named_reviewers_and_never_the_author_review(alice: Membership, bob: Membership) -> None:
    stranger = MembershipFactory.create(organization=alice.organization)
    version = draft_document(alice).versions.get()
    services.submit_for_review(version, reviewers=[bob], acting=alice)

    with pytest.raises(ValidationError) as not_reviewer:
        services.record_review(version, reviewer=stranger, approve=True, comment="")
    with pytest.raises(ValidationError) as self_review:
        services.record_review(version, reviewer=alice, approve=True, comment="")

    assert not_reviewer.value.messages == [str(NOT_A_REVIEWER)]
    assert self_review.value.messages == [str(SELF_REVIEW)]


def test_the_next_review_must_come_after_the_effective_date(alice: Membership, bob: Membership) -> None:
    version = draft_document(alice).versions.get()
    services.submit_for_review(version, reviewers=[bob], acting=alice)
    services.record_review(version, reviewer=bob, approve=True, comment="")
    services.approve_version(version, acting=alice)
    today = timezone.localdate()

    with pytest.raises(ValidationError) as refused:
        services.publish_version(
            version,
            acting=alice,
            effective_date=today,
            next_review_date=today - timedelta(days=1),
            expiry_date=None,
            readers=[],
        )

    assert refused.value.messages == [str(DATES_ORDER)]
    version.refresh_from_db()
    assert version.status == DocumentVersion.Status.APPROVED


def test_readers_are_asked_once_and_their_acknowledgement_is_recorded(alice: Membership, bob: Membership) -> None:
    version = document_in_force(alice, readers=[bob, bob])

    assert version.read_receipts.count() == 1
    assert bob.user.notifications.filter(title__contains="PR-DISP-01 v1").exists()
    receipt = services.acknowledge_reading(version, reader=bob)
    again = services.acknowledge_reading(version, reader=bob)
    assert receipt.acknowledged_at is not None
    assert again.acknowledged_at == receipt.acknowledged_at


def test_a_version_past_the_draft_takes_no_more_files(alice: Membership, bob: Membership, bob_client: Client) -> None:
    version = document_in_force(alice, readers=[bob])

    with pytest.raises(ValidationError) as refused:
        add_attachment(version, upload=SimpleUploadedFile("annexe.pdf", PDF_BYTES), acting=alice)
    page = page_text(bob_client.get(version.get_absolute_url()))

    assert refused.value.code == "frozen"
    assert str(VERSION_FROZEN) in page
    assert 'name="file"' not in page
