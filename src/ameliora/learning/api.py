"""Learning API: the situations a member may see, read through the same access functions as the pages.

No ``from __future__ import annotations`` here: ninja reads ``OrgSlug`` at import time to see that
``org_slug`` comes from the router's prefix, not from the query string.
"""

from datetime import date, datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from ameliora.core.api_types import ERRORS, ObjectId, OrgSlug, Pagination
from ameliora.core.permissions import require
from ameliora.learning.access import get_situation_for, situations_for
from ameliora.learning.models import CompetencyRating, Debrief, LearningSituation, SelfCritique

router = Router(tags=["learning"])


class SituationOut(Schema):
    id: int
    title: str
    learner_id: int
    supervisor_id: int | None
    period_start: date | None
    period_end: date | None
    status: str
    campaign_id: int | None


class RatingOut(Schema):
    competency_code: str
    rater: str
    level: int
    rated_on: date


class SituationDetailOut(SituationOut):
    context: str
    plan_ids: list[int]
    self_critique: dict[str, str]
    self_critique_submitted_at: datetime | None
    learner_signed_at: datetime | None
    supervisor_signed_at: datetime | None
    ratings: list[RatingOut]


@router.get("", response={200: list[SituationOut], **ERRORS})
@paginate(Pagination, page_size=50)
def list_situations(request: HttpRequest, org_slug: OrgSlug) -> QuerySet[LearningSituation]:
    membership = request.membership  # type: ignore[attr-defined]
    require(membership, "learning.view")
    return situations_for(membership).order_by("-pk")


@router.get("/{situation_id}", response={200: SituationDetailOut, **ERRORS})
def situation_detail(request: HttpRequest, org_slug: OrgSlug, situation_id: ObjectId) -> dict[str, object]:
    membership = request.membership  # type: ignore[attr-defined]
    require(membership, "learning.view")
    situation = get_situation_for(membership, situation_id)
    critique = SelfCritique.objects.get(situation=situation)
    debrief = Debrief.objects.get(situation=situation)
    ratings = CompetencyRating.objects.filter(situation=situation).select_related("competency")
    return {
        **{name: getattr(situation, name) for name in SituationOut.model_fields},
        "context": situation.context,
        "plan_ids": list(situation.plans.values_list("pk", flat=True)),
        "self_critique": {name: getattr(critique, name) for name in SelfCritique.QUESTIONS},
        "self_critique_submitted_at": critique.submitted_at,
        "learner_signed_at": debrief.learner_signed_at,
        "supervisor_signed_at": debrief.supervisor_signed_at,
        "ratings": [
            {"competency_code": r.competency.code, "rater": r.rater, "level": r.level, "rated_on": r.rated_on}
            for r in ratings
        ],
    }
