"""Audit results: compliance per criterion with its 95 % confidence interval, and the comparison of two rounds.

Compliance = yes ÷ (yes + no); "not applicable" answers are left out of both. The interval is Wilson's
(``analytics.intervals``). Two rounds compare per criterion with ``analytics.compare.compare_proportions``
(two-proportion z-test, Fisher's exact test when expected counts are small), two-sided at 5 %.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from ameliora.analytics.compare import compare_proportions
from ameliora.analytics.intervals import wilson_interval
from ameliora.evaluations.models import CaseAnswer, Criterion, Evaluation


@dataclass(frozen=True)
class Compliance:
    yes: int
    no: int
    not_applicable: int

    @property
    def applicable(self) -> int:
        return self.yes + self.no

    @property
    def percent(self) -> float | None:
        return round(100 * self.yes / self.applicable, 1) if self.applicable else None

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.applicable:
            return None
        low, high = wilson_interval(self.yes, self.applicable)
        return round(100 * low, 1), round(100 * high, 1)


#: The tests ``compare_proportions`` may choose, as people read them (same wording as the indicator pages).
TEST_LABELS = {
    "two_proportion_z": _("two-proportion z test"),
    "fisher_exact": _("Fisher's exact test"),
}


@dataclass(frozen=True)
class Change:
    before: float | None
    p_value: float
    test: str
    trend: str  # "better", "worse", "same" (no significant change)

    @property
    def test_label(self) -> str:
        return str(TEST_LABELS.get(self.test, self.test))


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    compliance: Compliance
    change: Change | None


@dataclass(frozen=True)
class AuditResults:
    evaluation: Evaluation
    cases: int
    criteria: list[CriterionResult]
    overall: Compliance
    previous: Evaluation | None
    overall_change: Change | None


def _counts(evaluation: Evaluation) -> dict[str, Compliance]:
    rows = (
        CaseAnswer.objects.filter(case__evaluation=evaluation)
        .values("criterion__statement")
        .annotate(
            yes=Count("pk", filter=Q(value=CaseAnswer.Value.YES)),
            no=Count("pk", filter=Q(value=CaseAnswer.Value.NO)),
            na=Count("pk", filter=Q(value=CaseAnswer.Value.NOT_APPLICABLE)),
        )
    )
    return {r["criterion__statement"]: Compliance(r["yes"], r["no"], r["na"]) for r in rows}


def _change(before: Compliance | None, after: Compliance) -> Change | None:
    if before is None or not before.applicable or not after.applicable:
        return None
    comparison = compare_proportions([before.yes], [before.applicable], [after.yes], [after.applicable])
    trend = "same"
    if comparison.significant:
        trend = "better" if comparison.absolute_change > 0 else "worse"
    return Change(before.percent, comparison.test.p_value, comparison.test.name, trend)


def _total(values: list[Compliance]) -> Compliance:
    return Compliance(sum(v.yes for v in values), sum(v.no for v in values), sum(v.not_applicable for v in values))


def audit_results(evaluation: Evaluation) -> AuditResults:
    """Results of an audit in a fixed number of queries; criteria match the previous round by statement."""
    counts = _counts(evaluation)
    previous = evaluation.previous
    before = _counts(previous) if previous is not None else {}
    empty = Compliance(0, 0, 0)
    lines = []
    for criterion in evaluation.criteria.all():
        compliance = counts.get(criterion.statement, empty)
        lines.append(CriterionResult(criterion, compliance, _change(before.get(criterion.statement), compliance)))
    overall = _total([line.compliance for line in lines])
    return AuditResults(
        evaluation=evaluation,
        cases=evaluation.cases.count(),
        criteria=lines,
        overall=overall,
        previous=previous,
        overall_change=_change(_total(list(before.values())), overall) if previous is not None else None,
    )
