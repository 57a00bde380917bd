"""What the indicators say to the action plans whose objectives they measure.

Registered with :func:`ameliora.plans.measures.register_measures` (plans never imports indicators):
the values at a review's date, the indicator page's analysis (before/after card, status) for
the plan's results step and its PDF, and each objective's measures (current level, target,
direction) that :mod:`ameliora.plans.attainment` judges. All cost a fixed number of queries
whatever the number of indicators.

:func:`current_level` is the one place objectives and the annual report read an indicator's
current level from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial

from django.db.models import OuterRef, Subquery
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ameliora.indicators.analysis import analyse_indicator, format_period, format_value, render_svg
from ameliora.indicators.models import Direction, Indicator, Kind, Measurement, Phase, Status
from ameliora.plans.measures import IndicatorResult, Measure, register_measures
from ameliora.plans.models import ActionPlan, Objective


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


def current_level(
    indicator: Indicator, measurements: Sequence[Measurement], phases: Sequence[Phase], *, day: date
) -> float | None:
    """The indicator's current level on its displayed scale, from the measurements and phases given
    (the caller keeps those up to ``day``): the level the indicator page states."""
    return analyse_indicator(indicator, measurements, phases, today=day).level


def _wanted(indicator: Indicator) -> float | None:
    """The indicator's target; a milestone without one wants "yes" (or "no" if lower is better)."""
    if indicator.target_value is not None:
        return float(indicator.target_value)
    if indicator.kind == Kind.YES_NO:
        return 0.0 if indicator.direction == Direction.DOWN else 1.0
    return None


def measures_of(objectives: Sequence[Objective], day: date) -> dict[int, list[Measure]]:
    """For each objective, its indicators' levels as of ``day`` or of its deadline if that came
    first (4 queries whatever the number of objectives and indicators)."""
    if not objectives:
        return {}
    by_pk = {o.pk: o for o in objectives}
    links = list(
        Indicator.objectives.through.objects.filter(objective_id__in=by_pk)
        .order_by("objective_id", "indicator__name", "indicator_id")
        .values_list("objective_id", "indicator_id")
    )
    indicators = Indicator.objects.filter(pk__in={i for _o, i in links}).select_related("organization")
    indicators = indicators.prefetch_related("measurements", "phases")
    loaded = {i.pk: i for i in indicators}
    levels: dict[tuple[int, date], float | None] = {}
    found: dict[int, list[Measure]] = {}
    for objective_id, indicator_id in links:
        indicator = loaded[indicator_id]
        deadline = by_pk[objective_id].deadline
        as_of = min(day, deadline) if deadline is not None else day
        if (indicator_id, as_of) not in levels:
            measurements = [m for m in indicator.measurements.all() if m.period_start <= as_of]
            phases = [p for p in indicator.phases.all() if p.start <= as_of]
            levels[indicator_id, as_of] = (
                current_level(indicator, measurements, phases, day=as_of) if measurements else None
            )
        found.setdefault(objective_id, []).append(
            Measure(
                indicator_id=indicator_id,
                name=indicator.name,
                url=indicator.get_absolute_url(),
                level=levels[indicator_id, as_of],
                as_of=as_of,
                target=_wanted(indicator),
                target_date=indicator.target_date,
                lower_is_better=indicator.direction == Direction.DOWN,
                show=partial(format_value, indicator),
                milestone=indicator.kind == Kind.YES_NO,
            )
        )
    return found


register_measures(readings=readings_at, results=results_of, measures=measures_of)
