"""Agenda proposals: the cases waiting for an analysis in a meeting (``core.agenda``)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ameliora.core.agenda import LIMIT, AgendaProposal, register_agenda_source
from ameliora.core.models import Organization
from ameliora.events.models import Event


def cases_to_analyse(organization: Organization) -> list[AgendaProposal]:
    """Level-3 cases not closed yet (to analyse, or whose actions the cell follows), any event in analysis."""
    waiting = (
        Event.objects.for_org(organization)
        .filter(
            Q(level=3, status__in=[Event.Status.TRIAGED, Event.Status.IN_ANALYSIS, Event.Status.ACTIONS_DECIDED])
            | Q(status=Event.Status.IN_ANALYSIS)
        )
        .select_related("organization", "category")
        .order_by("received_at", "pk")[:LIMIT]
    )
    return [
        AgendaProposal(
            key=f"events.event:{event.pk}",
            kind=_("Case to analyse"),
            title=f"{event.reference} — {event.category}" if event.category_id else event.reference,
            url=event.get_absolute_url(),
            obj=event,
        )
        for event in waiting
    ]


register_agenda_source("events.cases", cases_to_analyse, label=gettext_lazy("Cases to analyse"))
