"""The users' representatives' view: what the law gives them to read, de-identified.

Counts only: adverse events per category and severity (no text of a declaration, no reporter, no
date finer than the year), the progress of the action plans under way, the satisfaction surveys'
results and the annual report. Representatives (``user_representative``) hold
``reports.representatives``; managers too, to see what their representatives read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ameliora.core.models import Organization
from ameliora.core.scales import Severity
from ameliora.events.models import Event
from ameliora.plans.models import Action, ActionPlan
from ameliora.reports.annual import SurveyFigures, survey_figures

PLAN_LIMIT = 30


@dataclass(frozen=True)
class SeverityTable:
    columns: list[str]  # severity labels, most severe first, then "not assessed"
    rows: list[tuple[str, list[int], int]]  # (category, counts per column, row total)
    totals: list[int]
    total: int


@dataclass(frozen=True)
class PlanProgress:
    code: str
    title: str
    status: str
    done: int
    total: int

    @property
    def percent(self) -> float | None:
        return 100 * self.done / self.total if self.total else None


@dataclass(frozen=True)
class RepresentativeSummary:
    organization: Organization
    year: int
    events: SeverityTable
    plans: list[PlanProgress]
    surveys: SurveyFigures


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def severity_table(organization: Organization, year: int) -> SeverityTable:
    """Events received in the year, per category and severity given at triage (one query, counts only)."""
    start, end = _year_bounds(year)
    counts = (
        Event.objects.for_org(organization)
        .filter(received_at__gte=start, received_at__lt=end)
        .values_list("category__name", "severity")
        .annotate(n=Count("pk"))
    )
    keys: list[int | None] = [s.value for s in reversed(Severity)] + [None]
    columns = [str(s.label) for s in reversed(Severity)] + [_("Not assessed")]
    per_category: dict[str, dict[int | None, int]] = {}
    for category, severity, n in counts:
        per_category.setdefault(category or _("No category"), {})[severity] = n
    rows = []
    for category in sorted(per_category):
        line = [per_category[category].get(key, 0) for key in keys]
        rows.append((category, line, sum(line)))
    totals = [sum(row[1][index] for row in rows) for index in range(len(keys))]
    return SeverityTable(columns=columns, rows=rows, totals=totals, total=sum(totals))


def plan_progress(organization: Organization) -> list[PlanProgress]:
    """The plans under way (active or under review): actions done among those not cancelled."""
    plans = (
        ActionPlan.objects.for_org(organization)
        .filter(status__in=[ActionPlan.Status.ACTIVE, ActionPlan.Status.UNDER_REVIEW])
        .annotate(
            n_done=Count("actions", filter=Q(actions__status=Action.Status.DONE)),
            n_total=Count("actions", filter=~Q(actions__status=Action.Status.CANCELLED)),
        )
        .order_by("code")
        .values_list("code", "title", "status", "n_done", "n_total")[:PLAN_LIMIT]
    )
    labels = dict(ActionPlan.Status.choices)
    return [PlanProgress(code, title, str(labels[status]), done, total) for code, title, status, done, total in plans]


def representative_summary(organization: Organization, year: int) -> RepresentativeSummary:
    return RepresentativeSummary(
        organization=organization,
        year=year,
        events=severity_table(organization, year),
        plans=plan_progress(organization),
        surveys=survey_figures(organization, year),
    )
