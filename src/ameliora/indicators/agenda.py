"""Agenda proposals: active indicators whose last analysis is concerning (``core.agenda``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ameliora.core.agenda import LIMIT, AgendaProposal, register_agenda_source
from ameliora.core.models import Organization
from ameliora.indicators.models import Indicator, Status


def concerning_indicators(organization: Organization) -> list[AgendaProposal]:
    rows = (
        Indicator.objects.for_org(organization)
        .filter(active=True, status=Status.CONCERNING)
        .select_related("organization")
        .order_by("name")[:LIMIT]
    )
    return [
        AgendaProposal(
            key=f"indicators.indicator:{indicator.pk}",
            kind=_("Concerning indicator"),
            title=indicator.name,
            url=indicator.get_absolute_url(),
            obj=indicator,
        )
        for indicator in rows
    ]


register_agenda_source("indicators.concerning", concerning_indicators, label=gettext_lazy("Concerning indicators"))
