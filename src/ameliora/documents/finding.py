"""What the navigation finds in documents: search by code or title, "my reviews" and "my readings"."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ameliora.core.models import Membership
from ameliora.core.mywork import LIMIT, WorkItem, register_work
from ameliora.core.permissions import can
from ameliora.core.search import SearchResult, SearchSource, register_search_provider
from ameliora.documents.access import documents_for
from ameliora.documents.models import Document, DocumentVersion, ReadReceipt, Review


def _show(document: Document) -> SearchResult:
    return SearchResult(f"{document.code} — {document.title}", document.get_absolute_url(), document.get_kind_display())


def search_documents(membership: Membership, query: str) -> SearchSource:
    documents = documents_for(membership) if can(membership, "documents.view") else Document.objects.none()
    documents = documents.filter(Q(code__icontains=query) | Q(title__icontains=query))
    return SearchSource(documents.select_related("organization").order_by("code", "pk"), _show)


def my_reviews(membership: Membership) -> list[WorkItem]:
    """Versions still in review on which I am a named reviewer who has not given an opinion."""
    reviews = (
        Review.objects.filter(
            reviewer=membership,
            decision=Review.Decision.PENDING,
            version__status=DocumentVersion.Status.IN_REVIEW,
            version__document__organization=membership.organization,
        )
        .select_related("version__document__organization")
        .order_by("version__created_at", "pk")[:LIMIT]
    )
    return [
        WorkItem(f"{r.version} — {r.version.document.title}", r.version.get_absolute_url(), _("Document to review"))
        for r in reviews
    ]


def my_readings(membership: Membership) -> list[WorkItem]:
    """Versions in force I was asked to read and have not acknowledged (a superseded one is no longer asked)."""
    receipts = (
        ReadReceipt.objects.filter(
            reader=membership,
            acknowledged_at__isnull=True,
            version__status=DocumentVersion.Status.IN_FORCE,
            version__document__organization=membership.organization,
        )
        .select_related("version__document__organization")
        .order_by("requested_at", "pk")[:LIMIT]
    )
    return [
        WorkItem(f"{r.version} — {r.version.document.title}", r.version.get_absolute_url(), _("Document to read"))
        for r in receipts
    ]


register_search_provider("documents", _("Documents"), search_documents)
register_work("reviews", my_reviews)
register_work("readings", my_readings)
