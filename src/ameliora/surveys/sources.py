"""Computed sources: survey results feed indicators (see :mod:`ameliora.indicators.sources`).

* ``surveys.responses``: responses submitted in the period (all campaigns of the organization).
* ``surveys.satisfaction_rate``: agreement answers "agree" or "strongly agree" (numerator) over all
  agreement answers (denominator) of the responses submitted in the period.

Both can be narrowed to one questionnaire (its campaigns), e.g. the patients' one apart from the
referring doctors'; empty: every questionnaire.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ameliora.core.models import Organization
from ameliora.indicators.sources import Number, SourceParameter, register_source
from ameliora.surveys.models import Answer, Question, Questionnaire, Response
from ameliora.surveys.results import AGREE_MIN


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Local midnight of ``start`` and of the day after ``end``: a range on the column itself uses its index."""
    tz = timezone.get_default_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)


def questionnaire_choices(organization: Organization) -> list[tuple[str, str]]:
    return [(str(pk), title) for pk, title in Questionnaire.objects.for_org(organization).values_list("pk", "title")]


def _responses(organization: Organization, start: date, end: date, questionnaire: str) -> Any:
    first, after = _bounds(start, end)
    responses = Response.objects.for_org(organization).filter(submitted_at__gte=first, submitted_at__lt=after)
    if questionnaire:
        pk = int(questionnaire) if questionnaire.isdigit() else 0
        responses = responses.filter(campaign__questionnaire_id=pk)
    return responses


def responses_in_period(
    organization: Organization, start: date, end: date, periodicity: str, *, parameter: str = ""
) -> tuple[Number | None, Number | None]:
    return _responses(organization, start, end, parameter).count(), None


def satisfaction_rate(
    organization: Organization, start: date, end: date, periodicity: str, *, parameter: str = ""
) -> tuple[Number | None, Number | None]:
    counts = (
        Answer.objects.for_org(organization)
        .filter(question__kind=Question.Kind.LIKERT, response__in=_responses(organization, start, end, parameter))
        .aggregate(total=Count("id"), agree=Count("id", filter=Q(number__gte=Decimal(AGREE_MIN))))
    )
    if not counts["total"]:
        return None, None
    return counts["agree"], counts["total"]


QUESTIONNAIRE = SourceParameter(_("Questionnaire"), questionnaire_choices)

register_source("surveys.responses", _("Survey responses"), responses_in_period, parameter=QUESTIONNAIRE)
register_source(
    "surveys.satisfaction_rate", _("Satisfaction rate (surveys)"), satisfaction_rate, parameter=QUESTIONNAIRE
)
