"""The one way views and the API reach processes and risks: scoped to the organization, else 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ameliora.core.models import Membership
from ameliora.processes.models import Process, Risk


def processes_for(membership: Membership) -> QuerySet[Process]:
    return Process.objects.for_org(membership.organization)


def get_process_for(membership: Membership, process_id: int) -> Process:
    return get_object_or_404(processes_for(membership).select_related("organization", "pilot__user"), pk=process_id)


def get_risk_for(membership: Membership, risk_id: int) -> Risk:
    return get_object_or_404(
        Risk.objects.for_org(membership.organization).select_related("organization", "process__organization"),
        pk=risk_id,
    )
