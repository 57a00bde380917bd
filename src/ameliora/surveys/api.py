"""Surveys API: campaigns (paged, with response counts) and one campaign's results per question."""

from datetime import date

from django.db.models import Count
from django.http import HttpRequest
from ninja import Router, Schema

from ameliora.core.api_types import ERRORS, ObjectId, OrgSlug, PageNumber
from ameliora.core.permissions import require
from ameliora.surveys.access import campaigns_for, get_campaign_for
from ameliora.surveys.models import Campaign
from ameliora.surveys.results import campaign_results
from ameliora.surveys.stats import Estimate

router = Router(tags=["surveys"])
PAGE_SIZE = 50


class EstimateOut(Schema):
    value: float
    low: float | None
    high: float | None
    n: int


class SurveyCampaignOut(Schema):
    id: int
    name: str
    questionnaire: str
    status: str
    period_start: date
    period_end: date
    audience_size: int | None
    response_count: int


class SurveyCampaignPage(Schema):
    items: list[SurveyCampaignOut]
    count: int


class ChoiceCountOut(Schema):
    label: str
    count: int
    share: float


class QuestionOut(Schema):
    id: int
    text: str
    kind: str
    respondents: int
    distribution: list[ChoiceCountOut]
    mean: EstimateOut | None
    nps: EstimateOut | None
    satisfied: EstimateOut | None


class SurveyCampaignDetailOut(SurveyCampaignOut):
    response_rate: EstimateOut | None
    satisfaction: EstimateOut | None
    previous_campaign_id: int | None
    questions: list[QuestionOut]


def _estimate(value: Estimate | None) -> EstimateOut | None:
    if value is None:
        return None
    return EstimateOut(
        value=round(value.value, 2),
        low=None if value.low is None else round(value.low, 2),
        high=None if value.high is None else round(value.high, 2),
        n=value.n,
    )


def _campaign(campaign: Campaign, response_count: int) -> dict[str, object]:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "questionnaire": campaign.questionnaire.title,
        "status": campaign.status,
        "period_start": campaign.period_start,
        "period_end": campaign.period_end,
        "audience_size": campaign.audience_size,
        "response_count": response_count,
    }


@router.get("/campaigns", response={200: SurveyCampaignPage, **ERRORS})
def list_campaigns(request: HttpRequest, org_slug: OrgSlug, page: PageNumber = 1) -> dict[str, object]:
    """Campaigns, latest first, 50 a page, with their response counts (one aggregate query)."""
    membership = request.membership  # type: ignore[attr-defined]
    require(membership, "surveys.view")
    queryset = campaigns_for(membership).select_related("questionnaire").order_by("-period_start", "-pk")
    start = (page - 1) * PAGE_SIZE
    campaigns = list(queryset.annotate(n=Count("responses"))[start : start + PAGE_SIZE])
    return {"items": [_campaign(c, c.n) for c in campaigns], "count": queryset.count()}


@router.get("/campaigns/{survey_campaign_id}", response={200: SurveyCampaignDetailOut, **ERRORS})
def campaign_detail(request: HttpRequest, org_slug: OrgSlug, survey_campaign_id: ObjectId) -> dict[str, object]:
    membership = request.membership  # type: ignore[attr-defined]
    require(membership, "surveys.view")
    campaign = get_campaign_for(membership, survey_campaign_id)
    results = campaign_results(campaign, with_texts=False)
    return {
        **_campaign(campaign, results.response_count),
        "response_rate": _estimate(results.response_rate),
        "satisfaction": _estimate(results.satisfaction),
        "previous_campaign_id": results.previous.pk if results.previous else None,
        "questions": [
            {
                "id": r.question.pk,
                "text": r.question.text,
                "kind": r.question.kind,
                "respondents": r.respondents,
                "distribution": [{"label": b.label, "count": b.count, "share": round(b.share, 2)} for b in r.bars],
                "mean": _estimate(r.mean),
                "nps": _estimate(r.nps),
                "satisfied": _estimate(r.satisfied),
            }
            for r in results.questions
        ],
    }
