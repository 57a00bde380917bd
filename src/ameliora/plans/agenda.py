"""Agenda proposals: open actions past their due date (``core.agenda``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ameliora.core.agenda import LIMIT, AgendaProposal, register_agenda_source
from ameliora.core.models import Organization
from ameliora.plans.models import Action


def overdue_actions(organization: Organization) -> list[AgendaProposal]:
    rows = (
        Action.objects.for_org(organization)
        .open()
        .late()
        .select_related("organization", "plan")
        .order_by("due_date", "pk")[:LIMIT]
    )
    return [
        AgendaProposal(
            key=f"plans.action:{action.pk}",
            kind=_("Overdue action"),
            title=f"{action.plan.code} — {action.title}",
            url=action.get_absolute_url(),
            obj=action,
        )
        for action in rows
    ]


register_agenda_source("plans.overdue", overdue_actions, label=gettext_lazy("Overdue actions"))
