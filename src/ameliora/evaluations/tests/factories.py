"""Factories for practice evaluations (for the project-wide tenancy walk, and the tests)."""

from __future__ import annotations

from ameliora.core.models import Membership, Organization
from ameliora.evaluations.models import AuditCase, Criterion, Evaluation


def make_audit(
    organization: Organization, *, criteria: int = 2, status: str = Evaluation.Status.IN_PROGRESS
) -> Evaluation:
    evaluation = Evaluation.objects.create(organization=organization, title="Audit des ordonnances", status=status)
    for position in range(1, criteria + 1):
        Criterion.objects.create(evaluation=evaluation, position=position, statement=f"Critère {position}")
    return evaluation


def any_evaluation_id(organization: Organization, owner: Membership) -> int:
    return make_audit(organization).pk


def any_case_id(organization: Organization, owner: Membership) -> int:
    evaluation = make_audit(organization)
    return AuditCase.objects.create(organization=organization, evaluation=evaluation, label="Ordonnance 1").pk
