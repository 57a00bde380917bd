"""The demo indicators: the pharmacy's second plan (preparations circuit) is measured too."""

from __future__ import annotations

from django.utils import timezone

from ameliora.core.demo import build_demo
from ameliora.indicators.demo import build_indicators
from ameliora.indicators.models import Indicator, Kind, Measurement, Phase, Status
from ameliora.plans import measures
from ameliora.plans.models import ActionPlan


def test_the_preparations_plan_is_measured_and_the_demo_is_idempotent(db: None) -> None:
    organizations = build_demo()
    counts = (Indicator.objects.count(), Measurement.objects.count(), Phase.objects.count())
    links = Indicator.objectives.through.objects.count()

    build_indicators(organizations)

    assert (Indicator.objects.count(), Measurement.objects.count(), Phase.objects.count()) == counts
    assert Indicator.objectives.through.objects.count() == links
    plan = ActionPlan.objects.get(code="PAQ-TIL-02")
    measured = Indicator.objects.filter(objectives__plan=plan).distinct()
    assert {i.kind for i in measured} == {Kind.YES_NO, Kind.COUNT}
    assert not plan.objectives.filter(indicators__isnull=True).exists()  # each objective is measured
    results = {r.name: r for r in measures.results_of(plan, timezone.localdate())}
    milestone = results["Fiche de fabrication complète à la libération"]
    assert milestone.status == Status.ON_TARGET
    late = results["Préparations sous-traitées livrées en retard par mois"].before_after
    assert late is not None
    assert late.improved is True
    assert late.significant
