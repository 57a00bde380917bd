"""The annual quality report of an organization: what every module did in a calendar year.

``reports`` reads every domain app (the arrows allow it); computing a report writes nothing. Each section costs a
bounded number of queries: indicators are capped at :data:`INDICATOR_LIMIT` lines, spaces at
:data:`SPACE_LIMIT`, campaigns and documents at :data:`LINE_LIMIT` (the counts stay exact).

A past year is reported as it stood on its 31 December: an indicator's status and value come from
its measurements of periods up to that day, analysed as the indicators module does
(:func:`ameliora.indicators.analysis.analyse_indicator`), and "late" actions are those late at the
end of that day. The current year uses the stored status and today's lateness.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ameliora.assessments.models import Campaign
from ameliora.assessments.results import campaign_results
from ameliora.core.models import Organization
from ameliora.core.scales import Severity
from ameliora.documents.models import DocumentVersion, ReadReceipt
from ameliora.evaluations.models import Evaluation
from ameliora.evaluations.results import AuditResults, audit_results
from ameliora.events.models import Event
from ameliora.events.stats import YearFigures, year_figures
from ameliora.indicators.analysis import analyse_indicator, format_value
from ameliora.indicators.models import Direction, Indicator, Kind, Measurement, Phase, Status
from ameliora.indicators.plan_measures import current_level
from ameliora.learning.models import TrainingNeed
from ameliora.meetings.models import ExchangeSpace
from ameliora.meetings.report import SpaceReport, yearly_report
from ameliora.plans import attainment
from ameliora.plans.attainment import Attainment
from ameliora.plans.models import Action, ActionPlan, ActionQuerySet, Objective
from ameliora.surveys.models import Campaign as SurveyCampaign
from ameliora.surveys.models import Response
from ameliora.surveys.sources import satisfaction_rate

INDICATOR_LIMIT = 100
SPACE_LIMIT = 20
LINE_LIMIT = 50


@dataclass(frozen=True)
class IndicatorLine:
    indicator: Indicator
    status: str
    value: float | None  # on the displayed scale, the last period up to the report's date
    note: str = ""  # why the status says otherwise than the last value against the target

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def value_text(self) -> str:
        return format_value(self.indicator, self.value)

    @property
    def target_text(self) -> str:
        target = self.indicator.target_value
        return "" if target is None else format_value(self.indicator, float(target))

    @property
    def contradicts_last_value(self) -> bool:
        """On target (or not) while the last value alone says the opposite: the status reads the
        current phase's level, not the last value (a milestone's status is its last value)."""
        target = self.indicator.target_value
        if target is None or self.value is None or self.indicator.kind == Kind.YES_NO:
            return False
        lower = self.indicator.direction == Direction.DOWN
        last_meets = attainment.meets(self.value, float(target), lower_is_better=lower)
        return last_meets != (self.status == Status.ON_TARGET)


@dataclass(frozen=True)
class PlanObjectives:
    """A plan of the year and whether its objectives were met, as the plan page judges them."""

    plan: ActionPlan
    attainments: list[Attainment]

    @property
    def summary(self) -> str:
        return attainment.summary(self.attainments)


@dataclass(frozen=True)
class ActionFigures:
    opened: int
    done: int
    cancelled: int
    late: int
    late_on: date  # the day "late" is judged: 31 December of a past year, today otherwise
    plans_active: int
    plans_closed: int

    @property
    def done_rate(self) -> float | None:
        return 100 * self.done / self.opened if self.opened else None


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
        return 100 * self.readings_done / self.readings_asked if self.readings_asked else None


@dataclass(frozen=True)
class SurveyFigures:
    responses: int
    agree: int
    likert_answers: int
    campaigns: list[tuple[SurveyCampaign, int]]  # campaigns that received answers in the year, with their count

    @property
    def satisfaction(self) -> float | None:
        return 100 * self.agree / self.likert_answers if self.likert_answers else None


@dataclass(frozen=True)
class EvaluationFigures:
    audits: list[AuditResults]  # audits of the year, with their compliance and the comparison with their previous round
    audit_total: int
    write_ups: list[tuple[str, int]]  # (method, count) of the case reviews, patient tracers and peer reviews

    @property
    def write_up_total(self) -> int:
        return sum(n for _method, n in self.write_ups)


@dataclass(frozen=True)
class AnnualReport:
    organization: Organization
    year: int
    as_of: date  # 31 December of a past year, today for the current one
    is_past: bool  # figures "as of" are those of 31 December, not today's
    indicators: list[IndicatorLine]
    indicator_total: int
    indicator_counts: list[tuple[str, int]]
    events: YearFigures
    event_severities: list[tuple[str, int]]  # (severity, events), care services only (a CPTS reads levels)
    actions: ActionFigures
    campaigns: list[CampaignLine]
    spaces: list[SpaceReport]
    documents: DocumentFigures
    trainings_done: int
    trainings_planned: int
    surveys: SurveyFigures
    evaluations: EvaluationFigures
    objectives: list[PlanObjectives]

    @property
    def resolution_percent(self) -> float | None:
        return self.events.resolution_percent

    @property
    def sessions_held(self) -> int:
        return sum(space.held for space in self.spaces)

    @property
    def is_cpts(self) -> bool:
        return self.organization.kind == Organization.Kind.CPTS


def _year_end(year: int) -> datetime:
    """The first instant after the year (local time): "by the end of the year" is "before this"."""
    return datetime(year + 1, 1, 1, tzinfo=timezone.get_default_timezone())


def _indicators(
    organization: Organization, as_of: date, *, stored: bool
) -> tuple[list[IndicatorLine], int, list[tuple[str, int]]]:
    """Active indicators with their status and value on ``as_of``.

    ``stored``: read the status and last value stored on write (they are today's). Otherwise
    analyse each indicator's measurements of periods up to ``as_of``, in three queries whatever
    the number of indicators; indicators created after ``as_of`` with no measurement by then are
    left out (they did not exist yet).
    """
    active = Indicator.objects.for_org(organization).filter(active=True).select_related("organization")
    if stored:
        counts = Counter(active.values_list("status", flat=True))
        lines = [IndicatorLine(i, i.status, i.last_value) for i in active.order_by("name")[:INDICATOR_LIMIT]]
    else:
        measured = Measurement.objects.filter(organization=organization, period_start__lte=as_of)
        indicators = list(
            active.filter(Q(created_at__lt=_year_end(as_of.year)) | Q(pk__in=measured.values("indicator"))).order_by(
                "name"
            )
        )
        # Joined on "active" rather than an IN list of ids, which grows with the indicators.
        by_indicator: dict[int, list[Measurement]] = {i.pk: [] for i in indicators}
        for m in measured.filter(indicator__active=True):
            by_indicator[m.indicator_id].append(m)
        phases: dict[int, list[Phase]] = {i.pk: [] for i in indicators}
        for phase in Phase.objects.filter(organization=organization, indicator__active=True, start__lte=as_of):
            if phase.indicator_id in phases:  # not an indicator created after the year, still unmeasured
                phases[phase.indicator_id].append(phase)
        all_lines = [_line_on(i, by_indicator[i.pk], phases[i.pk], as_of) for i in indicators]
        counts = Counter(line.status for line in all_lines)
        lines = all_lines[:INDICATOR_LIMIT]
    by_status = [(str(s.label), counts[s.value]) for s in Status if counts.get(s.value)]
    return _explained(lines, as_of), sum(counts.values()), by_status


def _explained(lines: list[IndicatorLine], as_of: date) -> list[IndicatorLine]:
    """Say on each line whose status contradicts its last value which level the status read
    (two queries for those lines together, none when there is none)."""
    odd = [line.indicator for line in lines if line.contradicts_last_value]
    if not odd:
        return lines
    measurements: dict[int, list[Measurement]] = {i.pk: [] for i in odd}
    for m in Measurement.objects.filter(indicator__in=odd, period_start__lte=as_of):
        measurements[m.indicator_id].append(m)
    phases: dict[int, list[Phase]] = {i.pk: [] for i in odd}
    for phase in Phase.objects.filter(indicator__in=odd, start__lte=as_of):
        phases[phase.indicator_id].append(phase)
    explained = []
    for line in lines:
        level = None
        if line.contradicts_last_value:
            i = line.indicator
            level = current_level(i, measurements[i.pk], phases[i.pk], day=as_of)
        explained.append(line if level is None else _with_note(line, level))
    return explained


def _with_note(line: IndicatorLine, level: float) -> IndicatorLine:
    indicator = line.indicator
    lower = indicator.direction == Direction.DOWN
    level_meets = attainment.meets(level, float(indicator.target_value or 0), lower_is_better=lower)
    if level_meets != (line.status == Status.ON_TARGET):
        return line  # the status has another reason (an alert threshold): the level does not explain it
    words = {"level": format_value(indicator, level), "value": line.value_text, "target": line.target_text}
    if level_meets:
        note = _(
            "The status reads the current phase's level, %(level)s, which meets the target %(target)s; "
            "the last value, %(value)s, alone does not."
        )
    else:
        note = _(
            "The status reads the current phase's level, %(level)s, which does not meet the target %(target)s "
            "yet; the last value, %(value)s, alone does."
        )
    return IndicatorLine(indicator, line.status, line.value, note % words)


def _line_on(indicator: Indicator, measurements: list[Measurement], phases: list[Phase], as_of: date) -> IndicatorLine:
    analysis = analyse_indicator(indicator, measurements, phases, today=as_of)
    value = analysis.series.displayed[-1] * indicator.scale if analysis.has_data else None
    return IndicatorLine(indicator, analysis.status, value)


def _actions(organization: Organization, year: int, as_of: date, *, today: date) -> ActionFigures:
    actions = Action.objects.for_org(organization)
    plans = ActionPlan.objects.for_org(organization)
    return ActionFigures(
        opened=actions.filter(created_at__year=year).count(),
        done=actions.filter(done_at__year=year).count(),
        cancelled=actions.filter(cancelled_at__year=year).count(),
        late=actions.open().late(today).count() if as_of >= today else _late_at_year_end(actions, year),
        late_on=as_of,
        plans_active=plans.filter(status=ActionPlan.Status.ACTIVE).count(),
        plans_closed=plans.filter(closed_at__year=year).count(),
    )


def _late_at_year_end(actions: ActionQuerySet, year: int) -> int:
    """Actions late at the end of 31 December: created by then, due that day or before, and not done
    or cancelled by then (one query).

    Read from the action's dates: done (or cancelled) before the year end and still so today; or
    done before the year end and reopened after it (``started_at`` records the reopening). A
    cancellation undone, or a due date moved, are not dated: the current state counts for them.
    """
    end = _year_end(year)
    closed_then = (
        Q(status=Action.Status.DONE, done_at__lt=end)
        | Q(status=Action.Status.CANCELLED, cancelled_at__lt=end)
        | Q(status=Action.Status.IN_PROGRESS, done_at__lt=end, started_at__gte=end)
    )
    return int(actions.filter(created_at__lt=end, due_date__lt=date(year + 1, 1, 1)).exclude(closed_then).count())


def _event_severities(organization: Organization, year: int) -> list[tuple[str, int]]:
    """Events received in the year per severity given at triage, most severe first (one query)."""
    start, end = _year_end(year - 1), _year_end(year)
    rows = dict(
        Event.objects.for_org(organization)
        .filter(received_at__gte=start, received_at__lt=end)
        .values_list("severity")
        .annotate(n=Count("pk"))
        .values_list("severity", "n")
    )
    lines = [(str(s.label), rows[s.value]) for s in reversed(Severity) if rows.get(s.value)]
    if rows.get(None):
        lines.append((str(_("Severity not assessed")), rows[None]))
    return lines


def _evaluations(organization: Organization, year: int) -> EvaluationFigures:
    """Evaluations of the year: those whose period ends in it, or, without a period, closed in it.

    Audits read their results as the evaluations page does (:func:`audit_results`: a few queries
    each, at most :data:`LINE_LIMIT` audits); write-ups are counted per method in one query.
    """
    of_year = (
        Evaluation.objects.for_org(organization)
        .exclude(status=Evaluation.Status.DRAFT)
        .filter(Q(period_end__year=year) | Q(period_end__isnull=True, closed_at__year=year))
    )
    audits = of_year.filter(method=Evaluation.Method.AUDIT)
    rows = dict(
        of_year.exclude(method=Evaluation.Method.AUDIT)
        .values_list("method")
        .annotate(n=Count("pk"))
        .values_list("method", "n")
    )
    shown = (
        audits.select_related("organization", "previous")
        .prefetch_related("criteria")
        .order_by("period_end", "title")[:LINE_LIMIT]
    )
    return EvaluationFigures(
        audits=[audit_results(audit) for audit in shown],
        audit_total=audits.count(),
        write_ups=[(str(m.label), rows[m.value]) for m in Evaluation.Method if rows.get(m.value)],
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


def survey_figures(organization: Organization, year: int) -> SurveyFigures:
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


def _objectives(organization: Organization, year: int, as_of: date) -> list[PlanObjectives]:
    """The plans under way in the year (opened by its end, not a draft, not closed before it), the
    first :data:`LINE_LIMIT` by code, with their objectives judged on ``as_of`` (six queries)."""
    plans = list(
        ActionPlan.objects.for_org(organization)
        .exclude(status=ActionPlan.Status.DRAFT)
        .filter(created_at__lt=_year_end(year))
        .exclude(closed_at__lt=_year_end(year - 1))
        .select_related("organization")
        .order_by("code", "pk")[:LINE_LIMIT]
    )
    objectives = list(Objective.objects.filter(plan__in=plans).order_by("plan", "position", "pk"))
    judged: dict[int, list[Attainment]] = {}
    for item in attainment.attainments(objectives, today=as_of):
        judged.setdefault(item.objective.plan_id, []).append(item)
    return [PlanObjectives(plan, judged[plan.pk]) for plan in plans if plan.pk in judged]


def annual_report(organization: Organization, year: int, *, today: date | None = None) -> AnnualReport:
    today = today or timezone.localdate()
    as_of = min(today, date(year, 12, 31))
    indicators, indicator_total, indicator_counts = _indicators(organization, as_of, stored=as_of >= today)
    spaces = ExchangeSpace.objects.for_org(organization).filter(active=True).order_by("name")[:SPACE_LIMIT]
    return AnnualReport(
        organization=organization,
        year=year,
        as_of=as_of,
        is_past=as_of < today,
        indicators=indicators,
        indicator_total=indicator_total,
        indicator_counts=indicator_counts,
        events=year_figures(organization, year, today=today),
        event_severities=[] if organization.kind == Organization.Kind.CPTS else _event_severities(organization, year),
        actions=_actions(organization, year, as_of, today=today),
        campaigns=_campaigns(organization, year),
        spaces=[yearly_report(space, year) for space in spaces],
        documents=_documents(organization, year),
        trainings_done=TrainingNeed.objects.for_org(organization).filter(done_on__year=year).count(),
        trainings_planned=TrainingNeed.objects.for_org(organization).filter(status=TrainingNeed.Status.PLANNED).count(),
        surveys=survey_figures(organization, year),
        evaluations=_evaluations(organization, year),
        objectives=_objectives(organization, year, as_of),
    )
