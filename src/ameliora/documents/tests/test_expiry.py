"""A version past its expiry date is flagged, never silently withdrawn; its owner hears of it ahead and on the day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from ameliora.core.models import Membership, Notification
from ameliora.core.tests.assertions import page_text
from ameliora.documents.models import DocumentVersion
from ameliora.documents.reminders import remind_document_expiries, remind_document_reviews
from ameliora.documents.tests.factories import document_in_force

LIST = "/o/tilleuls/documents/"


@pytest.fixture(autouse=True)
def in_english(alice_client: Client) -> Iterator[None]:
    """Read the new labels as their msgids: the French catalogue does not hold them on this branch."""
    alice_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def _expiring(owner: Membership, reader: Membership, *, in_days: int, code: str = "PR-DISP-01") -> DocumentVersion:
    version = document_in_force(owner, readers=[reader], code=code)
    DocumentVersion.objects.filter(pk=version.pk).update(expiry_date=timezone.localdate() + timedelta(days=in_days))
    version.refresh_from_db()
    return version


def test_a_version_is_expired_from_its_expiry_date_while_in_force(alice: Membership, bob: Membership) -> None:
    version = _expiring(alice, bob, in_days=0)
    today = timezone.localdate()

    assert version.is_expired(today)
    assert not version.is_expired(today - timedelta(days=1))
    version.status = DocumentVersion.Status.ARCHIVED
    assert not version.is_expired(today)


def test_the_owner_is_reminded_of_an_expiry_ahead_once_a_week(alice: Membership, bob: Membership) -> None:
    _expiring(alice, bob, in_days=10)

    assert (remind_document_expiries(), remind_document_expiries()) == (1, 0)
    reminder = Notification.objects.get(recipient=alice.user, title__startswith="Expires soon")
    assert "PR-DISP-01" in reminder.title


def test_the_owner_is_told_on_the_day_it_expires_even_after_a_recent_notice(alice: Membership, bob: Membership) -> None:
    version = _expiring(alice, bob, in_days=0)
    DocumentVersion.objects.filter(pk=version.pk).update(expiry_reminded_on=timezone.localdate() - timedelta(days=3))

    assert (remind_document_expiries(), remind_document_expiries()) == (1, 0)
    reminder = Notification.objects.get(recipient=alice.user, title__startswith="Expired")
    assert "PR-DISP-01" in reminder.title
    version.refresh_from_db()
    assert version.status == DocumentVersion.Status.IN_FORCE  # the owner acts, not the reminder


def test_reminders_go_to_the_current_owner_and_skip_far_expiries(alice: Membership, bob: Membership) -> None:
    _expiring(alice, bob, in_days=200, code="PR-LOIN")
    version = _expiring(alice, bob, in_days=-40, code="PR-PASSE")
    version.document.owner = bob
    version.document.save(update_fields=["owner"])

    assert remind_document_expiries() == 1
    assert Notification.objects.filter(recipient=bob.user, title__startswith="Expired: PR-PASSE").count() == 1
    assert not Notification.objects.filter(recipient=alice.user, title__startswith="Expire").exists()


def test_expiry_reminders_do_not_disturb_review_reminders(alice: Membership, bob: Membership) -> None:
    version = _expiring(alice, bob, in_days=5)
    DocumentVersion.objects.filter(pk=version.pk).update(next_review_date=timezone.localdate() + timedelta(days=5))

    assert (remind_document_expiries(), remind_document_reviews()) == (1, 1)


def test_the_list_flags_expired_documents_and_filters_them(
    alice: Membership, bob: Membership, alice_client: Client
) -> None:
    _expiring(alice, bob, in_days=-1, code="PR-EXPIRE")
    _expiring(alice, bob, in_days=300, code="PR-VALIDE")
    review = document_in_force(alice, readers=[bob], code="PR-REVUE")
    DocumentVersion.objects.filter(pk=review.pk).update(next_review_date=timezone.localdate() + timedelta(days=3))

    everything = page_text(alice_client.get(LIST))
    expired = page_text(alice_client.get(LIST, {"due": "expired"}))
    review_due = page_text(alice_client.get(LIST, {"due": "review"}))

    assert "PR-VALIDE" in everything
    assert 'badge text-bg-danger">expired<' in everything
    assert [code in expired for code in ("PR-EXPIRE", "PR-VALIDE", "PR-REVUE")] == [True, False, False]
    assert [code in review_due for code in ("PR-EXPIRE", "PR-VALIDE", "PR-REVUE")] == [False, False, True]


def test_the_document_page_flags_an_expired_version_and_offers_to_archive_it(
    alice: Membership, bob: Membership, alice_client: Client
) -> None:
    version = _expiring(alice, bob, in_days=-2)

    text = page_text(alice_client.get(version.document.get_absolute_url()))

    assert "This version expired on" in text
    assert "Archive without a new version" in text

    response = alice_client.post(f"{LIST}{version.document.pk}/archive/")

    version.refresh_from_db()
    assert response.status_code == 302
    assert version.status == DocumentVersion.Status.ARCHIVED
    assert "This version expired on" not in page_text(alice_client.get(version.document.get_absolute_url()))


def test_a_plain_member_sees_the_flag_but_cannot_archive(
    alice: Membership, bob: Membership, bob_client: Client
) -> None:
    version = _expiring(alice, bob, in_days=-2)
    bob_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    text = page_text(bob_client.get(version.document.get_absolute_url()))

    assert "This version expired on" in text
    assert "Archive without a new version" not in text
    assert bob_client.post(f"{LIST}{version.document.pk}/archive/").status_code == 403
    version.refresh_from_db()
    assert version.status == DocumentVersion.Status.IN_FORCE


def test_an_outsider_cannot_archive_a_document(alice: Membership, bob: Membership, charlie_client: Client) -> None:
    version = _expiring(alice, bob, in_days=-2)

    assert charlie_client.post(f"{LIST}{version.document.pk}/archive/").status_code == 404
