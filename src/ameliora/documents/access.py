"""The one way views and the API reach documents: scoped to the member's organization, else 404."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from ameliora.core.access import register_freeze_check
from ameliora.core.models import Membership
from ameliora.documents.models import Document, DocumentVersion

VERSION_FROZEN = _(
    "This version is no longer a draft: its text and files are frozen. Start a new version to change them."
)


def documents_for(membership: Membership) -> QuerySet[Document]:
    return Document.objects.for_org(membership.organization)


def get_document_for(membership: Membership, document_id: int) -> Document:
    return get_object_or_404(documents_for(membership).select_related("owner__user"), pk=document_id)


def get_version_for(membership: Membership, document_id: int, number: int) -> DocumentVersion:
    return get_object_or_404(
        DocumentVersion.objects.for_org(membership.organization).select_related(
            "document__organization", "author__user", "approved_by__user", "published_by__user"
        ),
        document_id=document_id,
        number=number,
    )


def _frozen(obj: models.Model) -> str | None:
    """Files are part of what reviewers approved: only a draft takes new ones."""
    if isinstance(obj, DocumentVersion) and obj.status != DocumentVersion.Status.DRAFT:
        return str(VERSION_FROZEN)
    return None


register_freeze_check(DocumentVersion, _frozen)
