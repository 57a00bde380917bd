"""Agenda proposals: documents in force whose review falls due within a month (``core.agenda``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ameliora.core.agenda import LIMIT, AgendaProposal, register_agenda_source
from ameliora.core.models import Organization
from ameliora.documents.models import DocumentVersion

REVIEW_HORIZON = timedelta(days=30)


def documents_due_for_review(organization: Organization) -> list[AgendaProposal]:
    rows = (
        DocumentVersion.objects.for_org(organization)
        .filter(status=DocumentVersion.Status.IN_FORCE, next_review_date__lte=timezone.localdate() + REVIEW_HORIZON)
        .select_related("document__organization")
        .order_by("next_review_date", "pk")[:LIMIT]
    )
    return [
        AgendaProposal(
            key=f"documents.documentversion:{version.pk}",
            kind=_("Document due for review"),
            title=f"{version} — {version.document.title}",
            url=version.get_absolute_url(),
            obj=version,
        )
        for version in rows
    ]


register_agenda_source("documents.review", documents_due_for_review, label=gettext_lazy("Documents due for review"))
