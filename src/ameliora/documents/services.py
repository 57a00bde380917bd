"""Writes on controlled documents: each runs in one transaction and notifies after commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ameliora.core import webhooks
from ameliora.core.models import Membership, WebhookTopic
from ameliora.core.services import notify, retire_notifications
from ameliora.core.uploads import validate_upload, without_metadata
from ameliora.documents.models import (
    NO_REVIEWER,
    NOT_A_REVIEWER,
    NOT_EDITABLE,
    NOT_IN_REVIEW,
    REVIEWS_PENDING,
    SELF_REVIEW,
    Document,
    DocumentVersion,
    ReadReceipt,
    Review,
)
from ameliora.processes.models import Process

NOTHING_IN_FORCE = gettext_lazy("No version of this document is in force.")
OTHER_ORGANIZATION_OWNER = gettext_lazy("The owner must be a member of the document's organization.")
OTHER_ORGANIZATION_PROCESS = gettext_lazy("This process belongs to another organization.")
DOCUMENT_FILE_TYPES = frozenset({"pdf", "docx", "odt", "png", "jpg", "jpeg"})


def _store_file(version: DocumentVersion, upload: UploadedFile | None) -> None:
    if upload is None:
        return
    kind = validate_upload(upload, allowed=DOCUMENT_FILE_TYPES)
    version.file.save(upload.name or "document", without_metadata(upload, kind), save=False)
    version.file_name = (upload.name or "document")[:255]


@transaction.atomic
def create_document(
    *,
    acting: Membership,
    kind: str,
    code: str,
    title: str,
    owner: Membership | None,
    body: str = "",
    upload: UploadedFile | None = None,
    processes: Iterable[Process] = (),
) -> Document:
    """Create a document with its first draft (version 1)."""
    document = Document.objects.create(
        organization=acting.organization, kind=kind, code=code, title=title, owner=owner or acting
    )
    set_processes(document, processes=processes, acting=acting)
    version = DocumentVersion(document=document, number=1, body=body, author=acting)
    _store_file(version, upload)
    version.save()
    return document


@transaction.atomic
def update_document(
    document: Document, *, acting: Membership, kind: str, code: str, title: str, owner: Membership
) -> Document:
    """Change the document's details; history keeps the old values. A new owner is told, since
    the review and expiry reminders now go to them."""
    if owner.organization_id != document.organization_id:
        raise ValidationError(OTHER_ORGANIZATION_OWNER, code="other_organization")
    previous_owner_id = document.owner_id
    document.kind = kind
    document.code = code
    document.title = title
    document.owner = owner
    document.save(update_fields=["kind", "code", "title", "owner"])
    if owner.pk not in (previous_owner_id, acting.pk):
        notify(
            [owner.user],
            organization=document.organization,
            title=lambda: _("You are now the owner of %(document)s") % {"document": document.code},
            url=document.get_absolute_url(),
        )
    return document


@transaction.atomic
def set_processes(document: Document, *, processes: Iterable[Process], acting: Membership) -> Document:
    """Say which processes of the map the document serves (all of the document's organization)."""
    processes = list(processes)
    if any(p.organization_id != document.organization_id for p in processes):
        raise ValidationError(OTHER_ORGANIZATION_PROCESS, code="other_organization")
    document.processes.set(processes)
    return document


@transaction.atomic
def start_new_version(document: Document, *, acting: Membership) -> DocumentVersion:
    """Open the next draft, starting from the latest version's content; the lifecycle starts again."""
    latest = document.versions.select_for_update().order_by("-number").first()
    number = (document.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    return DocumentVersion.objects.create(
        document=document,
        number=number,
        body=latest.body if latest else "",
        author=acting,
    )


@transaction.atomic
def update_draft(
    version: DocumentVersion, *, body: str, change_summary: str, upload: UploadedFile | None, acting: Membership
) -> DocumentVersion:
    if not version.is_editable:
        raise ValidationError(NOT_EDITABLE, code="not_editable")
    version.body = body
    version.change_summary = change_summary
    _store_file(version, upload)
    version.save(update_fields=["body", "change_summary", "file", "file_name"])
    return version


@transaction.atomic
def submit_for_review(version: DocumentVersion, *, reviewers: Iterable[Membership], acting: Membership) -> None:
    reviewers = [r for r in reviewers if r.pk != (version.author_id or 0)]
    if not reviewers:
        raise ValidationError(NO_REVIEWER, code="no_reviewer")
    version.save(update_fields=version.submit())
    version.reviews.all().delete()
    Review.objects.bulk_create([Review(version=version, reviewer=r) for r in reviewers])
    notify(
        [r.user for r in reviewers],
        organization=version.document.organization,
        title=lambda: _("%(version)s is waiting for your review") % {"version": version},
        url=version.get_absolute_url(),
    )


@transaction.atomic
def record_review(version: DocumentVersion, *, reviewer: Membership, approve: bool, comment: str) -> Review:
    """A reviewer approves, or asks for changes (which sends the version back to draft)."""
    if version.author_id == reviewer.pk:
        raise ValidationError(SELF_REVIEW, code="self_review")
    review = version.reviews.select_for_update().filter(reviewer=reviewer).first()
    if review is None:
        raise ValidationError(NOT_A_REVIEWER, code="not_reviewer")
    if version.status != DocumentVersion.Status.IN_REVIEW:
        raise ValidationError(NOT_IN_REVIEW, code="not_in_review")
    review.decision = Review.Decision.APPROVED if approve else Review.Decision.CHANGES
    review.comment = comment
    review.decided_at = timezone.now()
    review.save(update_fields=["decision", "comment", "decided_at"])
    # The reviewer has answered: "waiting for your review" is done for them.
    retire_notifications(
        organization=version.document.organization, url=version.get_absolute_url(), recipient=reviewer.user
    )
    if not approve:
        version.save(update_fields=version.request_changes())
        if version.author is not None:
            notify(
                [version.author.user],
                organization=version.document.organization,
                title=lambda: _("Changes were requested on %(version)s") % {"version": version},
                url=version.get_absolute_url(),
            )
    return review


@transaction.atomic
def approve_version(version: DocumentVersion, *, acting: Membership) -> None:
    if version.reviews.exclude(decision=Review.Decision.APPROVED).exists():
        raise ValidationError(REVIEWS_PENDING, code="reviews_pending")
    version.save(update_fields=version.approve(by=acting))
    # Nobody's review is awaited any more (a reviewer who never opened the notification included).
    retire_notifications(organization=version.document.organization, url=version.get_absolute_url())


@transaction.atomic
def publish_version(
    version: DocumentVersion,
    *,
    acting: Membership,
    effective_date: date,
    next_review_date: date | None,
    expiry_date: date | None,
    readers: Iterable[Membership],
) -> int:
    """Put an approved version in force, archive the one it supersedes, and ask the readers to read it.

    Returns the number of people asked to read it.
    """
    document = Document.objects.select_for_update().get(pk=version.document_id)
    previous = document.versions.filter(status=DocumentVersion.Status.IN_FORCE).first()
    if previous is not None:
        previous.save(update_fields=previous.archive())
        retire_notifications(organization=document.organization, url=previous.get_absolute_url())
    version.save(
        update_fields=version.publish(
            by=acting, effective_date=effective_date, next_review_date=next_review_date, expiry_date=expiry_date
        )
    )
    unique_readers = list({r.pk: r for r in readers}.values())
    ReadReceipt.objects.bulk_create([ReadReceipt(version=version, reader=r) for r in unique_readers])
    notify(
        [r.user for r in unique_readers],
        organization=document.organization,
        title=lambda: _("New version to read: %(version)s") % {"version": version},
        url=version.get_absolute_url(),
    )
    webhooks.emit(
        document.organization,
        WebhookTopic.DOCUMENT_PUBLISHED,
        data={
            "document": {
                "id": document.pk,
                "code": document.code,
                "title": document.title,
                "kind": document.kind,
                "version": version.number,
                "effective_date": effective_date.isoformat(),
                "url": webhooks.absolute(version.get_absolute_url()),
            }
        },
    )
    return len(unique_readers)


@transaction.atomic
def archive_document(document: Document, *, acting: Membership) -> DocumentVersion:
    """Archive the version in force without a successor (an expired or withdrawn document).

    The old versions stay readable; a new version can be started and published later.
    """
    document = Document.objects.select_for_update().get(pk=document.pk)
    version = document.versions.filter(status=DocumentVersion.Status.IN_FORCE).first()
    if version is None:
        raise ValidationError(NOTHING_IN_FORCE, code="nothing_in_force")
    version.save(update_fields=version.archive())
    retire_notifications(organization=document.organization, url=version.get_absolute_url())
    return version


@transaction.atomic
def acknowledge_reading(version: DocumentVersion, *, reader: Membership) -> ReadReceipt:
    """Record "I have read it". A member not on the list may acknowledge too: reading is never refused."""
    receipt, _created = ReadReceipt.objects.get_or_create(version=version, reader=reader)
    if receipt.acknowledged_at is None:
        receipt.acknowledged_at = timezone.now()
        receipt.save(update_fields=["acknowledged_at"])
    return receipt
