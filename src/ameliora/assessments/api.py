"""Self-assessment API: campaigns with their scores (overall and per section)."""

from collections import defaultdict
from datetime import date, datetime

from django.http import HttpRequest
from ninja import Router, Schema

from ameliora.assessments import scoring
from ameliora.assessments.access import campaigns_for, get_campaign_for
from ameliora.assessments.models import Answer, Campaign
from ameliora.assessments.results import answer_row, campaign_results
from ameliora.core.api_types import ERRORS, ObjectId, OrgSlug, PageNumber
from ameliora.core.permissions import require

router = Router(tags=["assessments"])


class ScoreOut(Schema):
    percent: float | None
    counted: int
    not_applicable: int
    unanswered: int
    total: int
    mandatory_unmet: int
    progress: int


class AssessmentCampaignOut(Schema):
    id: int
    name: str
    grid: str
    grid_key: str
    grid_version: str
    status: str
    period_start: date
    period_end: date
    closed_at: datetime | None
    score: ScoreOut


class SectionOut(Schema):
    code: str
    title: str
    score: ScoreOut
    previous_percent: float | None
    trend: str


class AssessmentCampaignDetailOut(AssessmentCampaignOut):
    previous_campaign_id: int | None
    previous_percent: float | None
    sections: list[SectionOut]
    weaknesses: list[str]


def _score(value: scoring.Score) -> ScoreOut:
    return ScoreOut(
        percent=round(value.percent, 1) if value.percent is not None else None,
        counted=value.counted,
        not_applicable=value.not_applicable,
        unanswered=value.unanswered,
        total=value.total,
        mandatory_unmet=value.mandatory_unmet,
        progress=value.progress,
    )


def _campaign(campaign: Campaign, score: scoring.Score) -> dict[str, object]:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "grid": campaign.grid.name,
        "grid_key": campaign.grid.key,
        "grid_version": campaign.grid.version,
        "status": campaign.status,
        "period_start": campaign.period_start,
        "period_end": campaign.period_end,
        "closed_at": campaign.closed_at,
        "score": _score(score),
    }


class AssessmentCampaignPage(Schema):
    items: list[AssessmentCampaignOut]
    count: int


PAGE_SIZE = 50


@router.get("/campaigns", response={200: AssessmentCampaignPage, **ERRORS})
def list_campaigns(request: HttpRequest, org_slug: OrgSlug, page: PageNumber = 1) -> dict[str, object]:
    """Campaigns, latest first, 50 a page; scores need the answers, read in one query for the page."""
    membership = request.membership  # type: ignore[attr-defined]
    require(membership, "assessments.view")
    queryset = campaigns_for(membership).select_related("grid")
    start = (page - 1) * PAGE_SIZE
    campaigns = list(queryset[start : start + PAGE_SIZE])
    rows: dict[int, list[scoring.Row]] = defaultdict(list)
    grids = {c.pk: c.grid for c in campaigns}
    answers = Answer.objects.filter(campaign__in=[c.pk for c in campaigns]).select_related("criterion__section")
    for answer in answers:
        grid = grids[answer.campaign_id]
        rows[answer.campaign_id].append(answer_row(answer, grid.answer_weights, grid.answer_scale))
    return {"items": [_campaign(c, scoring.score(rows[c.pk])) for c in campaigns], "count": queryset.count()}


@router.get("/campaigns/{campaign_id}", response={200: AssessmentCampaignDetailOut, **ERRORS})
def campaign_detail(request: HttpRequest, org_slug: OrgSlug, campaign_id: ObjectId) -> dict[str, object]:
    membership = request.membership  # type: ignore[attr-defined]
    require(membership, "assessments.view")
    campaign = get_campaign_for(membership, campaign_id)
    results = campaign_results(campaign)
    return {
        **_campaign(campaign, results.overall),
        "previous_campaign_id": results.previous_campaign.pk if results.previous_campaign else None,
        "previous_percent": results.previous_overall.percent if results.previous_overall else None,
        "sections": [
            {
                "code": s.section.code,
                "title": s.section.title,
                "score": _score(s.score),
                "previous_percent": s.previous.percent if s.previous else None,
                "trend": s.trend,
            }
            for s in results.sections
        ],
        "weaknesses": [item.criterion.code for item in results.weaknesses],
    }
