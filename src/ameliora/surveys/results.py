"""Results of a campaign, read with a fixed number of queries whatever the number of responses.

Counts are aggregated in the database (per question and choice, per question and number, per
question and yes/no); only the latest free texts of each text question are loaded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from ameliora.surveys import stats
from ameliora.surveys.charts import Bar, bars_svg
from ameliora.surveys.models import LIKERT_LABELS, YES_NO_LABELS, Answer, Campaign, Question

TEXTS_SHOWN = 10  # on the results page; every text is on the paged list (:func:`text_answers`)
TEXTS_PER_PAGE = 50
AGREE_MIN = 4  # "agree" and "strongly agree" count as satisfied


@dataclass
class QuestionResult:
    question: Question
    respondents: int = 0
    bars: list[Bar] = field(default_factory=list)
    mean: stats.Estimate | None = None
    nps: stats.Estimate | None = None
    satisfied: stats.Estimate | None = None  # agreement questions: share of 4-5
    yes: stats.Estimate | None = None
    texts: list[Answer] = field(default_factory=list)
    text_total: int = 0
    previous_headline: float | None = None
    actions: list[Any] = field(default_factory=list)  # plans.Action rows opened from it (set by the view)
    svg: str = ""

    @property
    def headline(self) -> float | None:
        """The one figure compared between campaigns: NPS, share satisfied, share of yes, or mean."""
        for estimate in (self.nps, self.satisfied, self.yes, self.mean):
            if estimate is not None:
                return estimate.value
        return None


@dataclass
class CampaignResults:
    campaign: Campaign
    response_count: int
    response_rate: stats.Estimate | None
    satisfaction: stats.Estimate | None
    questions: list[QuestionResult]
    previous: Campaign | None = None
    previous_response_count: int | None = None
    previous_satisfaction: stats.Estimate | None = None


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The latest earlier campaign of the same questionnaire that collected answers (not a draft)."""
    return (
        Campaign.objects.for_org(campaign.organization)
        .filter(questionnaire_id=campaign.questionnaire_id, period_start__lt=campaign.period_start)
        .exclude(status=Campaign.Status.DRAFT)
        .order_by("-period_start", "-pk")
        .first()
    )


def _collect(  # noqa: PLR0912 - one branch per question kind, read top to bottom
    campaign: Campaign, questions: list[Question], *, with_texts: bool
) -> dict[int, QuestionResult]:
    answers = Answer.objects.filter(response__campaign=campaign)
    results = {question.pk: QuestionResult(question) for question in questions}
    for row in answers.values("question_id").annotate(n=Count("response_id", distinct=True)):
        if row["question_id"] in results:
            results[row["question_id"]].respondents = row["n"]
    choice_counts: dict[int, dict[int, int]] = defaultdict(dict)
    for row in answers.filter(choice__isnull=False).values("question_id", "choice_id").annotate(n=Count("id")):
        choice_counts[row["question_id"]][row["choice_id"]] = row["n"]
    number_counts: dict[int, dict[float, int]] = defaultdict(dict)
    for row in answers.filter(number__isnull=False).values("question_id", "number").annotate(n=Count("id")):
        number_counts[row["question_id"]][float(row["number"])] = row["n"]
    yes_counts: dict[int, dict[str, int]] = defaultdict(dict)
    yes_no = answers.filter(question__kind=Question.Kind.YES_NO)
    for row in yes_no.values("question_id", "text").annotate(n=Count("id")):
        yes_counts[row["question_id"]][row["text"]] = row["n"]
    text_kinds = [q for q in questions if q.is_text]
    if text_kinds:
        totals = answers.filter(question__in=text_kinds).values("question_id").annotate(n=Count("id"))
        for row in totals:
            results[row["question_id"]].text_total = row["n"]
    if with_texts:
        for question in text_kinds:
            results[question.pk].texts = list(text_answers(campaign, question)[:TEXTS_SHOWN])
    for question in questions:
        result = results[question.pk]
        total = result.respondents
        if question.has_choices:
            counts = choice_counts[question.pk]
            result.bars = [
                Bar(choice.label, counts.get(choice.pk, 0), 100 * counts.get(choice.pk, 0) / total if total else 0)
                for choice in question.choices.all()
            ]
        elif question.kind in (Question.Kind.LIKERT, Question.Kind.NPS):
            numbers = number_counts[question.pk]
            scale = LIKERT_LABELS if question.kind == Question.Kind.LIKERT else {v: str(v) for v in range(11)}
            result.bars = [
                Bar(
                    str(label), numbers.get(float(value), 0), 100 * numbers.get(float(value), 0) / total if total else 0
                )
                for value, label in scale.items()
            ]
            bottom, top = (1, 5) if question.kind == Question.Kind.LIKERT else (0, 10)
            result.mean = stats.mean_ci(numbers, lowest=bottom, highest=top)
            if question.kind == Question.Kind.NPS:
                result.nps = stats.nps(numbers)
            else:
                agree = sum(count for value, count in numbers.items() if value >= AGREE_MIN)
                result.satisfied = stats.wilson(agree, sum(numbers.values()))
        elif question.kind == Question.Kind.YES_NO:
            counts_yn = yes_counts[question.pk]
            result.bars = [
                Bar(str(label), counts_yn.get(value, 0), 100 * counts_yn.get(value, 0) / total if total else 0)
                for value, label in YES_NO_LABELS.items()
            ]
            result.yes = stats.wilson(counts_yn.get("yes", 0), sum(counts_yn.values()))
        elif question.kind == Question.Kind.NUMBER:
            result.mean = stats.mean_ci(
                number_counts[question.pk], lowest=question.min_value, highest=question.max_value
            )
    return results


def satisfaction_of(campaign: Campaign) -> stats.Estimate | None:
    """Share of agreement answers that are "agree" or "strongly agree", over every agreement question."""
    likert = Answer.objects.filter(response__campaign=campaign, question__kind=Question.Kind.LIKERT)
    counts = likert.aggregate(total=Count("id"), agree=Count("id", filter=Q(number__gte=Decimal(AGREE_MIN))))
    return stats.wilson(counts["agree"], counts["total"])


def campaign_results(campaign: Campaign, *, with_texts: bool = True) -> CampaignResults:
    questions = sorted(
        campaign.questionnaire.questions.select_related("section").prefetch_related("choices"),
        key=lambda q: ((q.section.position, q.section.pk) if q.section else (-1, 0), q.position, q.pk),
    )
    current = _collect(campaign, questions, with_texts=with_texts)
    count = campaign.responses.count()
    rate = stats.wilson(min(count, campaign.audience_size), campaign.audience_size) if campaign.audience_size else None
    results = CampaignResults(
        campaign=campaign,
        response_count=count,
        response_rate=rate,
        satisfaction=satisfaction_of(campaign),
        questions=[current[q.pk] for q in questions],
    )
    previous = previous_campaign(campaign)
    if previous is not None:
        before = _collect(previous, questions, with_texts=False)
        results.previous = previous
        results.previous_response_count = previous.responses.count()
        results.previous_satisfaction = satisfaction_of(previous)
        for result in results.questions:
            old = before[result.question.pk]
            result.previous_headline = old.headline
            if len(old.bars) == len(result.bars) and old.respondents:
                result.bars = [
                    Bar(bar.label, bar.count, bar.share, old_bar.share)
                    for bar, old_bar in zip(result.bars, old.bars, strict=True)
                ]
    for result in results.questions:
        if result.bars:
            result.svg = bars_svg(_("Answers to “%(question)s”") % {"question": result.question.text}, result.bars)
    return results


def text_answers(campaign: Campaign, question: Question) -> QuerySet[Answer]:
    """Every answer of the campaign to a text question, latest first: the paged list of free texts."""
    return (
        Answer.objects.filter(response__campaign=campaign, question=question)
        .select_related("response")
        .order_by("-response__submitted_at", "-pk")
    )
