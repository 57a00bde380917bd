"""The annual quality report of an organization: what every module did in a calendar year.

``reports`` reads every domain app (the arrows allow it) and writes nothing. Each section costs a
bounded number of queries: indicators are capped at :data:`INDICATOR_LIMIT` lines, spaces at
:data:`SPACE_LIMIT`, campaigns and documents at :data:`LINE_LIMIT` (the counts stay exact).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.utils import timezone

from ameliora.assessments.models import Campaign
from ameliora.assessments.results import campaign_results
from ameliora.core.models import Organization
from ameliora.documents.models import DocumentVersion, ReadReceipt
from ameliora.events.stats import YearFigures, year_figures
from ameliora.indicators.models import Indicator, Status
from ameliora.learning.models import TrainingNeed
from ameliora.meetings.models import ExchangeSpace
from ameliora.meetings.report import SpaceReport, yearly_report
from ameliora.plans.models import Action, ActionPlan
from ameliora.surveys.models import Campaign as SurveyCampaign
from ameliora.surveys.models import Response
from ameliora.surveys.sources import satisfaction_rate

INDICATOR_LIMIT = 100
SPACE_LIMIT = 20
LINE_LIMIT = 50


@dataclass(frozen=True)
class IndicatorLine:
    indicator: Indicator
    status_label: str


@dataclass(frozen=True)
class ActionFigures:
    opened: int
    done: int
    cancelled: int
    late_now: int
    plans_active: int
    plans_closed: int

    @property
    def done_rate(self) -> float | None:
        return round(100 * self.done / self.opened, 1) if self.opened else None


@dataclass(frozen=True)
class CampaignLine:
    campaign: Campaign
    score: float | None
    previous: float | None


@dataclass(frozen=True)
class DocumentFigures:
    published: int
    versions: list[DocumentVersion]
    readings_asked: int
    readings_done: int

    @property
    def read_share(self) -> float | None:
        return round(100 * self.readings_done / self.readings_asked, 1) if self.readings_asked else None


@dataclass(frozen=True)
class SurveyFigures:
    responses: int
    agree: int
    likert_answers: int
    campaigns: list[tuple[SurveyCampaign, int]]  # campaigns that received answers in the year, with their count

    @property
    def satisfaction(self) -> float | None:
        return round(100 * self.agree / self.likert_answers, 1) if self.likert_answers else None


@dataclass(frozen=True)
class AnnualReport:
    organization: Organization
    year: int
    indicators: list[IndicatorLine]
    indicator_total: int
    indicator_counts: list[tuple[str, int]]
    events: YearFigures
    actions: ActionFigures
    campaigns: list[CampaignLine]
    spaces: list[SpaceReport]
    documents: DocumentFigures
    trainings_done: int
    trainings_planned: int
    surveys: SurveyFigures

    @property
    def resolution_percent(self) -> float | None:
        rate = self.events.resolution_rate
        return None if rate is None else round(100 * rate, 1)

    @property
    def sessions_held(self) -> int:
        return sum(space.held for space in self.spaces)

    @property
    def is_cpts(self) -> bool:
        return self.organization.kind == Organization.Kind.CPTS


def _indicators(organization: Organization) -> tuple[list[IndicatorLine], int, list[tuple[str, int]]]:
    active = Indicator.objects.for_org(organization).filter(active=True)
    counts = Counter(active.values_list("status", flat=True))
    lines = [
        IndicatorLine(i, str(Status(i.status).label))
        for i in active.select_related("organization").order_by("name")[:INDICATOR_LIMIT]
    ]
    by_status = [(str(s.label), counts[s.value]) for s in Status if counts.get(s.value)]
    return lines, sum(counts.values()), by_status


def _actions(organization: Organization, year: int) -> ActionFigures:
    actions = Action.objects.for_org(organization)
    plans = ActionPlan.objects.for_org(organization)
    return ActionFigures(
        opened=actions.filter(created_at__year=year).count(),
        done=actions.filter(done_at__year=year).count(),
        cancelled=actions.filter(cancelled_at__year=year).count(),
        late_now=actions.open().late().count(),
        plans_active=plans.filter(status=ActionPlan.Status.ACTIVE).count(),
        plans_closed=plans.filter(closed_at__year=year).count(),
    )


def _campaigns(organization: Organization, year: int) -> list[CampaignLine]:
    campaigns = (
        Campaign.objects.for_org(organization)
        .filter(period_end__year=year)
        .select_related("grid", "organization")
        .order_by("period_end")[:LINE_LIMIT]
    )
    lines = []
    for campaign in campaigns:
        results = campaign_results(campaign)
        previous = results.previous_overall.percent if results.previous_overall else None
        lines.append(CampaignLine(campaign, results.overall.percent, previous))
    return lines


def _documents(organization: Organization, year: int) -> DocumentFigures:
    published = DocumentVersion.objects.for_org(organization).filter(published_at__year=year)
    readings = ReadReceipt.objects.filter(version__document__organization=organization, requested_at__year=year)
    return DocumentFigures(
        published=published.count(),
        versions=list(published.select_related("document__organization").order_by("published_at")[:LINE_LIMIT]),
        readings_asked=readings.count(),
        readings_done=readings.filter(acknowledged_at__isnull=False).count(),
    )


def _surveys(organization: Organization, year: int) -> SurveyFigures:
    agree, total = satisfaction_rate(organization, date(year, 1, 1), date(year, 12, 31), "year")
    responses = Response.objects.for_org(organization).filter(submitted_at__year=year)
    per_campaign = dict(responses.values_list("campaign").annotate(n=Count("pk")).values_list("campaign", "n"))
    campaigns = (
        SurveyCampaign.objects.for_org(organization)
        .filter(pk__in=per_campaign)
        .select_related("organization")
        .order_by("name")[:LINE_LIMIT]
    )
    return SurveyFigures(
        responses=sum(per_campaign.values()),
        agree=int(agree or 0),
        likert_answers=int(total or 0),
        campaigns=[(c, per_campaign[c.pk]) for c in campaigns],
    )


def annual_report(organization: Organization, year: int, *, today: date | None = None) -> AnnualReport:
    indicators, indicator_total, indicator_counts = _indicators(organization)
    spaces = ExchangeSpace.objects.for_org(organization).filter(active=True).order_by("name")[:SPACE_LIMIT]
    return AnnualReport(
        organization=organization,
        year=year,
        indicators=indicators,
        indicator_total=indicator_total,
        indicator_counts=indicator_counts,
        events=year_figures(organization, year, today=today or timezone.localdate()),
        actions=_actions(organization, year),
        campaigns=_campaigns(organization, year),
        spaces=[yearly_report(space, year) for space in spaces],
        documents=_documents(organization, year),
        trainings_done=TrainingNeed.objects.for_org(organization).filter(done_on__year=year).count(),
        trainings_planned=TrainingNeed.objects.for_org(organization).filter(status=TrainingNeed.Status.PLANNED).count(),
        surveys=_surveys(organization, year),
    )
