"""Agenda proposals: evaluations whose results came out in the last three months (``core.agenda``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ameliora.core.agenda import LIMIT, AgendaProposal, register_agenda_source
from ameliora.core.models import Organization
from ameliora.evaluations.models import Evaluation

RECENT = timedelta(days=90)


def evaluations_with_results(organization: Organization) -> list[AgendaProposal]:
    rows = (
        Evaluation.objects.for_org(organization)
        .filter(status=Evaluation.Status.CLOSED, closed_at__gte=timezone.now() - RECENT)
        .select_related("organization")
        .order_by("-closed_at")[:LIMIT]
    )
    return [
        AgendaProposal(
            key=f"evaluations.evaluation:{e.pk}",
            kind=_("EPP with results"),
            title=e.title,
            url=e.get_absolute_url(),
            obj=e,
        )
        for e in rows
    ]


register_agenda_source("evaluations.results", evaluations_with_results, label=gettext_lazy("EPP with results"))
