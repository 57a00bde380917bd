"""The one way views and the API reach documents: scoped to the member's organization, else 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ameliora.core.models import Membership
from ameliora.documents.models import Document, DocumentVersion


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
