"""Computed sources for indicators: audit compliance of the cases observed in the period."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from ameliora.core.models import Organization
from ameliora.evaluations.models import CaseAnswer, Evaluation


def compliance(organization: Organization, start: date, end: date, periodicity: str) -> tuple[int | None, int | None]:
    """Yes answers over yes + no answers of audit cases observed in the period (all audits)."""
    answers = CaseAnswer.objects.filter(
        case__organization=organization,
        case__evaluation__method=Evaluation.Method.AUDIT,
        case__observed_on__range=(start, end),
    ).exclude(value=CaseAnswer.Value.NOT_APPLICABLE)
    total = answers.count()
    if not total:
        return None, None
    return answers.filter(value=CaseAnswer.Value.YES).count(), total


def register() -> None:
    from ameliora.indicators.sources import register_source

    register_source("evaluations.compliance", _("Practice evaluations: audit compliance"), compliance)
