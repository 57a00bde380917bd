"""Results of a campaign, read with a fixed number of queries whatever the size of the grid.

Scores follow :mod:`ameliora.assessments.scoring`. The comparison is with ``campaign.previous``
when the campaign was started from one, else with the latest earlier campaign on the same grid
key; criteria and sections are matched by code, so a new version of a grid still compares.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from ameliora.assessments import scales, scoring
from ameliora.assessments.models import Answer, Campaign, Criterion, Section
from ameliora.core.models import Attachment, Link


@dataclass
class LinkedObject:
    label: str
    url: str


@dataclass
class Item:
    """One criterion of the campaign, with everything a review board reads."""

    answer: Answer
    criterion: Criterion
    section: Section
    row: scoring.Row
    value_label: str
    previous_value_label: str = ""
    previous_worth: float | None = None
    trend: str = scoring.NOT_COMPARABLE
    evidence: list[Attachment] = field(default_factory=list)
    links: list[LinkedObject] = field(default_factory=list)

    @property
    def worth_percent(self) -> float | None:
        return None if self.row.worth is None or not self.row.answered else 100 * self.row.worth


@dataclass
class SectionResult:
    section: Section
    score: scoring.Score
    previous: scoring.Score | None
    trend: str
    items: list[Item]


@dataclass
class CampaignResults:
    campaign: Campaign
    overall: scoring.Score
    previous_campaign: Campaign | None
    previous_overall: scoring.Score | None
    sections: list[SectionResult]
    weaknesses: list[Item]
    trends: dict[str, int]

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]


def comparison_campaign(campaign: Campaign) -> Campaign | None:
    if campaign.previous_id is not None:
        return campaign.previous
    return (
        Campaign.objects.for_org(campaign.organization)
        .filter(grid__key=campaign.grid.key, period_start__lt=campaign.period_start)
        .exclude(pk=campaign.pk)
        .select_related("grid")
        .order_by("-period_start", "-pk")
        .first()
    )


def answer_row(answer: Answer, weights: dict[str, dict[str, float]], grid_scale: str) -> scoring.Row:
    criterion = answer.criterion
    answered = answer.status == Answer.Status.ANSWERED and bool(answer.value)
    worth = scales.worth(criterion.answer_scale or grid_scale, answer.value, weights) if answered else None
    return scoring.Row(
        section=criterion.section.code,
        code=criterion.code,
        weight=criterion.weight,
        worth=worth,
        answered=answered,
        mandatory=criterion.mandatory,
    )


def _answers(campaign: Campaign) -> list[Answer]:
    return list(
        Answer.objects.filter(campaign=campaign)
        .select_related("criterion__section", "criterion__organization", "answered_by", "organization")
        .order_by("criterion__section__position", "criterion__position", "criterion__pk")
    )


def _evidence(campaign: Campaign, answers: list[Answer]) -> dict[int, list[Attachment]]:
    content_type = ContentType.objects.get_for_model(Answer)
    result: dict[int, list[Attachment]] = defaultdict(list)
    attachments = Attachment.objects.for_org(campaign.organization).filter(
        content_type=content_type, object_id__in=[a.pk for a in answers]
    )
    for attachment in attachments.order_by("uploaded_at", "pk"):
        result[attachment.object_id].append(attachment)
    return result


def linked_objects(
    organization: Any, targets: dict[type[models.Model], list[int]]
) -> dict[tuple[type[models.Model], int], list[LinkedObject]]:
    """What points at the given objects through a core ``Link`` (actions opened from a criterion…).

    One query for the links, then one per kind of linking object: no import of the linking app.
    """
    condition = Q()
    types: dict[int, type[models.Model]] = {}
    for model, ids in targets.items():
        content_type = ContentType.objects.get_for_model(model)
        types[content_type.pk] = model
        condition |= Q(to_type=content_type, to_id__in=ids)
    if not condition:
        return {}
    links = list(Link.objects.for_org(organization).filter(condition).order_by("created_at", "pk"))
    by_source_type: dict[int, set[int]] = defaultdict(set)
    for link in links:
        by_source_type[link.from_type_id].add(link.from_id)
    sources: dict[tuple[int, int], Any] = {}
    for type_id, source_ids in by_source_type.items():
        source_model = ContentType.objects.get_for_id(type_id).model_class()
        if source_model is None:
            continue
        for obj in source_model._default_manager.filter(pk__in=source_ids):
            sources[(type_id, obj.pk)] = obj
    result: dict[tuple[type[models.Model], int], list[LinkedObject]] = defaultdict(list)
    for link in links:
        source = sources.get((link.from_type_id, link.from_id))
        if source is None:
            continue
        url_method = getattr(source, "get_absolute_url", None)
        entry = LinkedObject(label=str(source), url=url_method() if callable(url_method) else "")
        key = (types[link.to_type_id], link.to_id)
        if entry not in result[key]:
            result[key].append(entry)
    return result


def campaign_results(campaign: Campaign, *, with_details: bool = False) -> CampaignResults:
    """Scores, weaknesses and comparison; ``with_details`` also loads evidence and linked actions."""
    grid = campaign.grid
    answers = _answers(campaign)
    items = [
        Item(
            answer=a,
            criterion=a.criterion,
            section=a.criterion.section,
            row=answer_row(a, grid.answer_weights, grid.answer_scale),
            value_label=scales.label(a.criterion.scale_for(grid), a.value) if a.value else "",
        )
        for a in answers
    ]
    previous = comparison_campaign(campaign)
    previous_rows: dict[str, tuple[scoring.Row, str]] = {}
    if previous is not None:
        for a in _answers(previous):
            previous_rows[a.criterion.code] = (
                answer_row(a, previous.grid.answer_weights, previous.grid.answer_scale),
                scales.label(a.criterion.scale_for(previous.grid), a.value) if a.value else "",
            )
    trends: dict[str, int] = defaultdict(int)
    for item in items:
        before = previous_rows.get(item.criterion.code)
        if before is not None:
            item.previous_worth = before[0].worth if before[0].answered else None
            item.previous_value_label = before[1]
            now = item.row.worth if item.row.answered else None
            item.trend = scoring.trend(item.previous_worth, now)
            trends[item.trend] += 1
    if with_details:
        evidence = _evidence(campaign, answers)
        links = linked_objects(
            campaign.organization,
            {Answer: [a.pk for a in answers], Criterion: [a.criterion_id for a in answers]},
        )
        for item in items:
            item.evidence = evidence.get(item.answer.pk, [])
            combined = links.get((Answer, item.answer.pk), []) + links.get((Criterion, item.criterion.pk), [])
            item.links = list({(e.label, e.url): e for e in combined}.values())
    sections_in_order: dict[int, Section] = {}
    for item in items:
        sections_in_order.setdefault(item.section.pk, item.section)
    section_codes = [s.code for s in sections_in_order.values()]
    current = scoring.results([i.row for i in items], section_codes)
    before_results = (
        scoring.results([row for row, _label in previous_rows.values()], section_codes) if previous else None
    )
    section_results = []
    for section in sections_in_order.values():
        score = current.sections[section.code]
        earlier = before_results.sections.get(section.code) if before_results else None
        section_results.append(
            SectionResult(
                section=section,
                score=score,
                previous=earlier,
                trend=scoring.trend(earlier.percent if earlier else None, score.percent),
                items=[i for i in items if i.section.pk == section.pk],
            )
        )
    weak = [(position, item) for position, item in enumerate(items) if scoring.is_weakness(item.row)]
    weaknesses = [item for _position, item in sorted(weak, key=lambda p: scoring.weakness_order(p[1].row, p[0]))]
    return CampaignResults(
        campaign=campaign,
        overall=current.overall,
        previous_campaign=previous,
        previous_overall=before_results.overall if before_results else None,
        sections=section_results,
        weaknesses=weaknesses,
        trends=dict(trends),
    )
