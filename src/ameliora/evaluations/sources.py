"""Computed sources for indicators: audit compliance of the cases observed in the period.

``evaluations.compliance`` can be narrowed to one audit series: a first round and the rounds that
follow it (each pointing back at its ``previous`` one), so that a monthly indicator follows one practice
(e.g. the double check) across rounds; empty: every audit of the organization.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from ameliora.core.models import Organization
from ameliora.evaluations.models import CaseAnswer, Evaluation


def _audit_rounds(organization: Organization) -> tuple[dict[int, str], dict[int, int | None]]:
    """Titles and previous round of every audit of the organization (one query)."""
    rows = Evaluation.objects.for_org(organization).filter(method=Evaluation.Method.AUDIT)
    titles: dict[int, str] = {}
    previous: dict[int, int | None] = {}
    for pk, title, previous_id in rows.values_list("pk", "title", "previous_id"):
        titles[pk] = title
        previous[pk] = previous_id
    return titles, previous


def _first_round(pk: int, previous: dict[int, int | None]) -> int:
    seen = {pk}
    while (before := previous.get(pk)) is not None and before in previous and before not in seen:
        seen.add(before)
        pk = before
    return pk


def audit_series_choices(organization: Organization) -> list[tuple[str, str]]:
    """One choice per series, named after its first round, with its number of rounds."""
    titles, previous = _audit_rounds(organization)
    rounds: dict[int, int] = {}
    for pk in titles:
        first = _first_round(pk, previous)
        rounds[first] = rounds.get(first, 0) + 1
    choices = []
    for first, count in rounds.items():
        label = titles[first]
        if count > 1:
            label = str(_("%(title)s (%(count)s rounds)") % {"title": label, "count": count})
        choices.append((str(first), label))
    return sorted(choices, key=lambda choice: choice[1].lower())


def series_of(organization: Organization, parameter: str) -> list[int]:
    """The audits of the series whose first round is ``parameter`` (none if it is not one of the org's)."""
    first = int(parameter) if parameter.isdigit() else 0
    _titles, previous = _audit_rounds(organization)
    return [pk for pk in previous if _first_round(pk, previous) == first]


def compliance(
    organization: Organization, start: date, end: date, periodicity: str, *, parameter: str = ""
) -> tuple[int | None, int | None]:
    """Yes answers over yes + no answers of audit cases observed in the period (all audits, or one series)."""
    answers = CaseAnswer.objects.filter(
        case__organization=organization,
        case__evaluation__method=Evaluation.Method.AUDIT,
        case__observed_on__range=(start, end),
    ).exclude(value=CaseAnswer.Value.NOT_APPLICABLE)
    if parameter:
        answers = answers.filter(case__evaluation_id__in=series_of(organization, parameter))
    total = answers.count()
    if not total:
        return None, None
    return answers.filter(value=CaseAnswer.Value.YES).count(), total


def register() -> None:
    from ameliora.indicators.sources import SourceParameter, register_source

    register_source(
        "evaluations.compliance",
        _("Practice evaluations: audit compliance"),
        compliance,
        parameter=SourceParameter(_("Audit (with its later rounds)"), audit_series_choices),
    )
