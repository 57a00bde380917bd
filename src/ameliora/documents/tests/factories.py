from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ameliora.core.models import Membership, Organization
from ameliora.core.tests.factories import MembershipFactory
from ameliora.documents import services
from ameliora.documents.models import Document, DocumentKind, DocumentVersion


def draft_document(
    author: Membership, *, code: str = "PR-DISP-01", title: str = "Double contrôle", body: str = "Deux regards."
) -> Document:
    return services.create_document(
        acting=author, kind=DocumentKind.PROCEDURE, code=code, title=title, owner=author, body=body
    )


def document_in_force(
    author: Membership, *, approver: Membership | None = None, code: str = "PR-DISP-01", readers: list[Membership]
) -> DocumentVersion:
    """A document whose version 1 went through review, approval and publication."""
    approver = approver or author
    reviewer = MembershipFactory.create(organization=author.organization)
    document = draft_document(author, code=code)
    version = document.versions.get()
    services.submit_for_review(version, reviewers=[reviewer], acting=author)
    services.record_review(version, reviewer=reviewer, approve=True, comment="")
    services.approve_version(version, acting=approver)
    today = timezone.localdate()
    services.publish_version(
        version,
        acting=approver,
        effective_date=today,
        next_review_date=today + timedelta(days=365),
        expiry_date=None,
        readers=readers,
    )
    version.refresh_from_db()
    return version


def any_document_id(organization: Organization, owner: Membership) -> int:
    """For the tenancy walk: a document of ``organization`` with a version 1."""
    return draft_document(owner, code=f"DOC-{Document.objects.count() + 1}").pk
