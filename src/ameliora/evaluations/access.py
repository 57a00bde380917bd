"""The one way views reach evaluation rows: scoped to the member's organization, else 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from ameliora.core.models import Membership, OrgQuerySet
from ameliora.evaluations.models import AuditCase, Evaluation


def evaluations_for(membership: Membership) -> OrgQuerySet[Evaluation]:
    return Evaluation.objects.for_org(membership.organization)


def get_evaluation_for(membership: Membership, evaluation_id: int) -> Evaluation:
    return get_object_or_404(
        evaluations_for(membership).select_related("organization", "owner__user", "previous"), pk=evaluation_id
    )


def get_case_for(membership: Membership, case_id: int) -> AuditCase:
    return get_object_or_404(
        AuditCase.objects.for_org(membership.organization).select_related("evaluation__organization"), pk=case_id
    )
