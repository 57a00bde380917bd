"""The demo indicators: the pharmacy's second plan is measured; an outlier is explained, a baseline frozen."""

from __future__ import annotations

from django.utils import timezone

from ameliora.core.demo import build_demo
from ameliora.indicators.analysis import analyse_indicator
from ameliora.indicators.demo import DEMO_CHANGE_POINT, OUTAGE_WEEK, build_indicators
from ameliora.indicators.models import ImportMapping, Indicator, Kind, Measurement, Phase, Status
from ameliora.plans import measures
from ameliora.plans.models import ActionPlan


def test_the_preparations_plan_is_measured_and_the_demo_is_idempotent(db: None) -> None:
    organizations = build_demo()
    counts = (Indicator.objects.count(), Measurement.objects.count(), Phase.objects.count())
    links = Indicator.objectives.through.objects.count()

    build_indicators(organizations)

    assert (Indicator.objects.count(), Measurement.objects.count(), Phase.objects.count()) == counts
    late_deliveries = ImportMapping.objects.get(indicator__name="Préparations sous-traitées livrées en retard par mois")
    assert late_deliveries.columns == {"period": "Mois", "value": "Retards", "note": "Remarque"}
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


def test_the_demo_shows_an_explained_outlier_and_a_frozen_baseline(db: None) -> None:
    build_demo()
    today = timezone.localdate()

    errors = Indicator.objects.get(name="Erreurs de dispensation par semaine")
    outage = errors.measurements.get(excluded=True)
    first = errors.measurements.order_by("period_start").first()
    delay = Indicator.objects.get(name="Délai de réponse aux demandes de soins non programmés")
    delay_rows = list(delay.measurements.all())
    analysis = analyse_indicator(delay, delay_rows, today=today)

    assert outage.value == 13
    assert "Panne du logiciel" in outage.exclusion_reason
    assert first is not None
    assert (outage.period_start - first.period_start).days == 7 * OUTAGE_WEEK  # in the baseline, before the phase
    errors_analysis = analyse_indicator(errors, list(errors.measurements.all()), list(errors.phases.all()))
    # The outage week is far above the baseline's limits, yet neither widens them nor signals.
    assert errors_analysis.results[0]["excluded"][OUTAGE_WEEK] is True
    assert errors_analysis.results[0]["special_cause"][OUTAGE_WEEK] is False
    assert delay.baseline_points(m.period_start for m in delay_rows) == 12
    assert analysis.results[0]["freeze"] == 12


def test_the_demo_shows_a_proposed_phase(db: None) -> None:
    build_demo()
    indicator = Indicator.objects.get(name=DEMO_CHANGE_POINT)
    rows = sorted(indicator.measurements.all(), key=lambda m: m.period_start)
    reading = analyse_indicator(indicator, rows, list(indicator.phases.all())).reading
    assert reading.suggested_phase is not None
    assert reading.suggested_phase.start == rows[8].period_start
