"""What the indicators say to the action plans whose objectives they measure.

Registered with :func:`ameliora.plans.measures.register_measures` (plans never imports indicators):
the values at a review's date, and the indicator page's analysis (before/after card, status) for
the plan's results step and its PDF. Both cost a fixed number of queries whatever the number of
indicators.
"""

from __future__ import annotations

from datetime import date

from django.db.models import OuterRef, Subquery
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ameliora.indicators.analysis import analyse_indicator, format_period, format_value, render_svg
from ameliora.indicators.models import Indicator, Measurement, Status
from ameliora.plans.measures import IndicatorResult, register_measures
from ameliora.plans.models import ActionPlan


def linked_indicator_ids(plan: ActionPlan) -> list[int]:
    """The indicators measuring the plan's objectives, in the objectives' order, each once (1 query)."""
    links = (
        Indicator.objectives.through.objects.filter(objective__plan=plan)
        .order_by("objective__position", "objective_id", "indicator__name", "indicator_id")
        .values_list("indicator_id", flat=True)
    )
    return list(dict.fromkeys(links))


def _in_order(indicators: list[Indicator], ids: list[int]) -> list[Indicator]:
    by_pk = {i.pk: i for i in indicators}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _displayed(indicator: Indicator, measurement: Measurement) -> float | None:
    """A measurement on the indicator's displayed scale (% for a proportion, per N for a rate)."""
    if indicator.uses_ratio:
        if measurement.numerator is None or not measurement.denominator:
            return None
        return float(measurement.numerator) / float(measurement.denominator) * indicator.scale
    return None if measurement.value is None else float(measurement.value)


def _target(indicator: Indicator) -> str:
    return "" if indicator.target_value is None else indicator.target_label


def readings_at(plan: ActionPlan, day: date) -> list[str]:
    """One line per linked indicator: the measurement of the last period starting on or before
    ``day`` (not the latest one: a review records the values at its date), and the target (3 queries)."""
    ids = linked_indicator_ids(plan)
    if not ids:
        return []
    at_date = Measurement.objects.filter(indicator=OuterRef("pk"), period_start__lte=day).order_by("-period_start")
    indicators = list(Indicator.objects.filter(pk__in=ids).annotate(reading_id=Subquery(at_date.values("pk")[:1])))
    readings = Measurement.objects.in_bulk([i.reading_id for i in indicators if i.reading_id])  # type: ignore[attr-defined]
    lines = []
    for indicator in _in_order(indicators, ids):
        measurement = readings.get(indicator.reading_id)  # type: ignore[attr-defined]
        if measurement is None:
            reading = _("no value yet")
        else:
            reading = format_value(indicator, _displayed(indicator, measurement))
            reading += f" ({date_format(measurement.period_start, 'SHORT_DATE_FORMAT')})"
        if indicator.target_value is not None:
            reading += " · " + _("target %(target)s") % {"target": _target(indicator)}
        lines.append(_("%(label)s:") % {"label": indicator.name} + " " + reading)
    return lines


def results_of(plan: ActionPlan, day: date, *, charts: bool = False) -> list[IndicatorResult]:
    """Each linked indicator analysed as on its own page (same function, same before/after card)."""
    ids = linked_indicator_ids(plan)
    if not ids:
        return []
    indicators = list(
        Indicator.objects.filter(pk__in=ids).select_related("organization").prefetch_related("measurements", "phases")
    )
    results = []
    for indicator in _in_order(indicators, ids):
        analysis = analyse_indicator(
            indicator, list(indicator.measurements.all()), list(indicator.phases.all()), today=day
        )
        last_value = ""
        if analysis.has_data:
            series = analysis.series
            value = format_value(indicator, series.displayed[-1] * indicator.scale)
            last_value = f"{value} ({format_period(series.periods[-1], indicator.periodicity)})"
        results.append(
            IndicatorResult(
                name=indicator.name,
                url=indicator.get_absolute_url(),
                status=analysis.status,
                status_label=str(Status(analysis.status).label),
                last_value=last_value,
                target=_target(indicator),
                conclusion=analysis.conclusion,
                before_after=analysis.before_after,
                chart=mark_safe(render_svg(analysis)) if charts else "",
            )
        )
    return results


register_measures(readings=readings_at, results=results_of)
