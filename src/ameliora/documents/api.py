"""Documents API: the organization's documents with the version in force.

No ``from __future__ import annotations`` here: ninja reads ``OrgSlug`` at import time to see that
``org_slug`` comes from the router's prefix, not from the query string.
"""

from datetime import date

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from ameliora.core.api_types import ERRORS, OrgSlug, Pagination
from ameliora.core.permissions import require
from ameliora.documents.access import documents_for
from ameliora.documents.models import Document, DocumentVersion

router = Router(tags=["documents"])


class DocumentOut(Schema):
    id: int
    code: str
    title: str
    kind: str
    version_in_force: int | None
    effective_date: date | None
    next_review_date: date | None


def _in_force(field: str) -> Subquery:
    versions = DocumentVersion.objects.filter(document=OuterRef("pk"), status=DocumentVersion.Status.IN_FORCE)
    return Subquery(versions.values(field)[:1])


@router.get("", response={200: list[DocumentOut], **ERRORS})
@paginate(Pagination, page_size=50)
def list_documents(request: HttpRequest, org_slug: OrgSlug) -> QuerySet[Document]:
    membership = request.membership  # type: ignore[attr-defined]
    require(membership, "documents.view")
    return (
        documents_for(membership)
        .annotate(
            version_in_force=_in_force("number"),
            effective_date=_in_force("effective_date"),
            next_review_date=_in_force("next_review_date"),
        )
        .order_by("code")
    )
