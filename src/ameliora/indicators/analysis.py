"""From an indicator's rows to the engine and back: payload, status, plain-French conclusion, chart.

This module is the only bridge between the ORM rows of an indicator and the pure analysis engine
(:mod:`ameliora.analytics`). It reads no database itself: callers pass the measurements, phases
and annotations they fetched (so the list and the page control their query counts).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ameliora.analytics import svg
from ameliora.analytics.charts import ChartLimits
from ameliora.analytics.errors import AnalysisInputError
from ameliora.analytics.report import analyse
from ameliora.analytics.rules import classify_assurance
from ameliora.analytics.runs import runs_analysis
from ameliora.indicators.models import Annotation, Direction, Indicator, Kind, Measurement, Phase, Status

#: Fewer points than this in a phase: the rules are shown but the conclusion warns.
MIN_POINTS = 10
#: The fewest baseline points of a frozen baseline (the engine's own minimum).
MIN_FREEZE = 2


def _test_name(name: str) -> str:
    labels = {
        "two_proportion_z": _("two-proportion z test"),
        "fisher_exact": _("Fisher's exact test"),
        "poisson_exact_conditional": _("exact Poisson comparison of rates"),
        "mann_whitney_u": _("Mann-Whitney U test"),
    }
    return labels.get(name, name)


# --- Formatting -----------------------------------------------------------------------------------


def format_number(value: float | None) -> str:
    """A number for people: localized decimal separator, precision that suits its size."""
    if value is None or not math.isfinite(value):
        return "—"
    size = abs(value)
    places = 0 if size >= 100 else 1 if size >= 10 else 2
    rounded = round(value, places)
    if rounded == int(rounded):
        return formats.number_format(int(rounded))
    return formats.number_format(rounded, decimal_pos=None)


def format_p(p: float) -> str:
    if p < 0.001:
        return "p < " + formats.number_format(0.001, decimal_pos=3)
    return "p = " + formats.number_format(round(p, 3), decimal_pos=3)


def format_period(day: date, periodicity: str) -> str:
    if periodicity == "month":
        return formats.date_format(day, "M Y")
    if periodicity == "quarter":
        return _("Q%(quarter)s %(year)s") % {"quarter": (day.month - 1) // 3 + 1, "year": day.year}
    if periodicity == "year":
        return str(day.year)
    return formats.date_format(day, "d/m/y")


def format_day(day: date) -> str:
    return formats.date_format(day, "d/m/Y")


# --- Series and payload ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """An indicator's measurements in period order, with the phase index of each point.

    ``excluded`` flags the measurements left out of the limits; ``freeze`` is the number of baseline
    points of the first phase when the indicator froze its baseline (qicharts2's ``freeze``).
    """

    periods: list[date]
    y: list[float]
    n: list[float] | None
    phase_of_point: list[int]
    phase_labels: list[str]
    phase_starts: list[date | None]
    excluded: list[bool] = field(default_factory=list)
    freeze: int | None = None

    @property
    def displayed(self) -> list[float]:
        if self.n is None:
            return self.y
        return [y / n for y, n in zip(self.y, self.n, strict=True)]


def build_series(indicator: Indicator, measurements: Sequence[Measurement], phases: Sequence[Phase]) -> Series:
    rows = sorted(measurements, key=lambda m: m.period_start)
    periods = [m.period_start for m in rows]
    if indicator.uses_ratio:
        y = [float(m.numerator or 0) for m in rows]
        n: list[float] | None = [float(m.denominator or 1) for m in rows]
    else:
        y = [float(m.value if m.value is not None else math.nan) for m in rows]
        n = None
    ordered = sorted(phases, key=lambda p: p.start)
    labels = [_("Baseline")] + [p.label for p in ordered]
    starts: list[date | None] = [None] + [p.start for p in ordered]
    phase_of_point = []
    for period in periods:
        k = 0
        for i, phase in enumerate(ordered, start=1):
            if period >= phase.start:
                k = i
        phase_of_point.append(k)
    # Keep only phases that hold points, renumbered in order.
    used = sorted(set(phase_of_point))
    renumber = {old: new for new, old in enumerate(used)}
    return Series(
        periods=periods,
        y=y,
        n=n,
        phase_of_point=[renumber[k] for k in phase_of_point],
        phase_labels=[labels[k] for k in used],
        phase_starts=[starts[k] for k in used],
        excluded=[m.excluded for m in rows],
        freeze=_freeze(indicator, periods, phase_of_point),
    )


def _freeze(indicator: Indicator, periods: Sequence[date], phase_of_point: Sequence[int]) -> int | None:
    """The baseline points to send to the engine: within the first phase, at least two, else none.

    A phase added later inside the frozen baseline ends it there: the first phase is then its own
    baseline (the freeze no longer changes anything).
    """
    points = indicator.baseline_points(periods)
    first_phase = sum(1 for k in phase_of_point if k == phase_of_point[0]) if phase_of_point else 0
    if points is None or points < MIN_FREEZE:
        return None
    return min(points, first_phase)


def payload_for(indicator: Indicator, series: Series) -> dict[str, Any]:
    chart = indicator.chart_type or "run"
    target = None
    if indicator.target_value is not None:
        target = float(indicator.target_value) / indicator.scale
    return {
        "chart": chart,
        "y": series.y,
        "n": series.n,
        "phases": series.phase_of_point if len(series.phase_labels) > 1 else None,
        "rules": indicator.rules,
        "direction": indicator.direction,
        "target": target,
        "freeze": series.freeze,
        "exclude": [i + 1 for i, excluded in enumerate(series.excluded) if excluded] or None,
    }


# --- Reading the results ---------------------------------------------------------------------------


def _good_side(direction: str) -> int:
    return 1 if direction == Direction.UP else -1


@dataclass(frozen=True)
class Shift:
    """A sustained run on one side of a centre line: where it starts, how long, which way."""

    start: date
    length: int
    side: int  # +1 above, -1 below
    centre: float  # on the engine's scale
    reference: str  # "own" (the phase's own centre) or "previous" (the previous phase's)


def _last_run_signal(result: dict[str, Any], periods: Sequence[date]) -> Shift | None:
    """The last run of points flagged by the runs rule in this phase."""
    flags = result.get("run_signal") or []
    y, cl = result["y"], result["cl"]
    if cl is None or not any(flags):
        return None
    end = max(i for i, f in enumerate(flags) if f)
    start = end
    while start > 0 and flags[start - 1]:
        start -= 1
    side = 1 if (y[end] or 0) > cl else -1
    return Shift(start=periods[start], length=end - start + 1, side=side, centre=cl, reference="own")


def _shift_from_previous(
    previous: dict[str, Any], current_y: Sequence[float | None], periods: Sequence[date]
) -> Shift | None:
    """Anhøj's shift rule on the current phase around the *previous* phase's centre line
    (qicharts2's "frozen" baseline): a run longer than ``round(log2(n) + 3)`` points."""
    cl = previous.get("cl")
    if cl is None:
        return None
    values = [math.nan if v is None else v for v in current_y]
    if all(math.isnan(v) for v in values):
        return None
    runs = runs_analysis(values, cl)
    if runs.longest_run is None or runs.longest_run_max is None or runs.longest_run <= runs.longest_run_max:
        return None
    # Find that longest run to date it and know its side.
    best: tuple[int, int, int] | None = None  # (length, start, side)
    run_start, run_side, length = 0, 0, 0
    for i, v in enumerate(values):
        side = 0 if math.isnan(v) or v == cl else (1 if v > cl else -1)
        if side == 0:
            if math.isnan(v):
                continue  # missing points do not break a run
            run_side, length = 0, 0
            continue
        if side == run_side:
            length += 1
        else:
            run_side, length, run_start = side, 1, i
        if best is None or length > best[0]:
            best = (length, run_start, run_side)
    if best is None:
        return None
    return Shift(start=periods[best[1]], length=best[0], side=best[2], centre=cl, reference="previous")


@dataclass(frozen=True)
class BeforeAfter:
    """The last phase against the one before, formatted for the card."""

    before_label: str
    after_label: str
    since: str
    median_before: str
    median_after: str
    mean_before: str
    mean_after: str
    estimate_label: str
    estimate_before: str
    estimate_after: str
    absolute_change: str
    relative_change: str
    test_name: str
    p_value: str
    significant: bool
    improved: bool | None
    target_met: bool | None
    target: str


@dataclass
class IndicatorAnalysis:
    indicator: Indicator
    series: Series
    results: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    status: str = Status.NO_DATA
    conclusion: list[str] = field(default_factory=list)
    before_after: BeforeAfter | None = None
    level: float | None = None  # the current level on the display scale (last phase's centre line)
    #: NHS "Making Data Count" variation of the last phase (``"improving"``, ``"concerning"``,
    #: ``"common_cause"``, ``"special_cause_high"``/``"low"``): NHS rules only, "" otherwise.
    variation: str = ""
    #: NHS assurance of the last phase against the target (``"consistently_met"``,
    #: ``"consistently_not_met"``, ``"inconsistent"``), ``"no_target"``, or "" without control limits.
    assurance: str = ""

    @property
    def has_data(self) -> bool:
        return bool(self.series.periods)

    def rows(self) -> list[dict[str, Any]]:
        """The numbers as a table: one row per period, newest first."""
        flags: list[bool] = []
        for result in self.results:
            flags.extend(bool(s) for s in result.get("special_cause") or [False] * len(result["y"]))
        out = []
        scale = self.indicator.scale
        for i, period in enumerate(self.series.periods):
            value = self.series.displayed[i] * scale
            out.append(
                {
                    "period": period,
                    "label": format_period(period, self.indicator.periodicity),
                    "value": format_value(self.indicator, value),
                    "numerator": format_number(self.series.y[i]) if self.series.n is not None else "",
                    "denominator": format_number(self.series.n[i]) if self.series.n is not None else "",
                    "phase": self.series.phase_labels[self.series.phase_of_point[i]],
                    "signal": flags[i] if i < len(flags) else False,
                }
            )
        return out[::-1]


def format_value(indicator: Indicator, value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    if indicator.kind == Kind.YES_NO:
        return _("yes") if value >= 0.5 else _("no")
    unit = indicator.display_unit
    shown = format_number(value)
    if not unit:
        return shown
    return f"{shown}\u00a0{unit}"


def _meets(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == Direction.UP else value <= target


def analyse_indicator(
    indicator: Indicator,
    measurements: Sequence[Measurement],
    phases: Sequence[Phase] = (),
    *,
    today: date | None = None,
) -> IndicatorAnalysis:
    """Analyse an indicator's series; never raises on odd data (the error is reported instead)."""
    series = build_series(indicator, measurements, phases)
    result = IndicatorAnalysis(indicator=indicator, series=series)
    if not series.periods:
        result.conclusion = [_("No measurement yet: enter the first period to start the chart.")]
        return result
    if indicator.kind == Kind.YES_NO:
        _conclude_milestone(result, today=today)
        return result
    try:
        result.results = analyse(payload_for(indicator, series))
    except AnalysisInputError as exc:
        result.error = str(exc)
        result.status = Status.STABLE
        result.conclusion = [_("The analysis could not run on these data: %(error)s") % {"error": exc}]
        return result
    _conclude(result)
    _classify(result)
    return result


def _limits_of(phase: dict[str, Any]) -> ChartLimits:
    """The engine's JSON output for one phase back into the engine's own dataclass."""

    def array(values: Sequence[float | None]) -> Any:
        return np.array([math.nan if v is None else v for v in values], dtype=np.float64)

    cl = phase.get("cl")
    return ChartLimits(
        chart=phase["chart"],
        y=array(phase["y"]),
        cl=math.nan if cl is None else cl,
        lcl=array(phase["lcl"]),
        ucl=array(phase["ucl"]),
        lcl_2sigma=array(phase["lcl_2sigma"]),
        ucl_2sigma=array(phase["ucl_2sigma"]),
    )


def _classify(result: IndicatorAnalysis) -> None:
    """The "Making Data Count" icons of the last phase.

    Variation comes from the engine with the NHS rules only: it reads the NHS special causes of the
    last point (shift of 7, trend, two in three, outside the limits); with Anhøj's rules the status
    and the conclusion already say it. Assurance compares the target with the control limits of the
    last point, whatever the rule set, so for Anhøj it is computed with the engine's own
    ``classify_assurance`` on the limits it returned. Run charts have no limits, hence no assurance.
    """
    indicator = result.indicator
    last = result.results[-1]
    result.variation = last.get("variation") or ""
    has_limits = any(v is not None for v in [*(last.get("lcl") or []), *(last.get("ucl") or [])])
    if not has_limits:
        return
    if indicator.target_value is None:
        result.assurance = "no_target"
        return
    assurance = last.get("assurance")
    if assurance is None and indicator.rules != "nhs":
        target = float(indicator.target_value) / indicator.scale
        limits = _limits_of(last)
        assurance = classify_assurance(limits, target, "up" if indicator.direction == Direction.UP else "down")
    result.assurance = assurance or ""


def _conclude_milestone(result: IndicatorAnalysis, *, today: date | None) -> None:
    indicator = result.indicator
    last = result.series.y[-1]
    wanted = 1.0 if indicator.direction == Direction.UP else 0.0
    achieved = last == wanted
    since = result.series.periods[-1]
    for period, value in zip(reversed(result.series.periods), reversed(result.series.y), strict=True):
        if value != wanted:
            break
        since = period
    result.level = last
    if achieved:
        result.status = Status.ON_TARGET
        result.conclusion = [_("Milestone reached since %(date)s.") % {"date": format_day(since)}]
        return
    late = indicator.target_date is not None and today is not None and today > indicator.target_date
    result.status = Status.CONCERNING if late else Status.STABLE
    if indicator.target_date:
        text = _("Milestone not reached yet (planned for %(date)s).") % {"date": format_day(indicator.target_date)}
    else:
        text = _("Milestone not reached yet.")
    result.conclusion = [text]


def _line_words(chart: str, reference: str) -> str:
    if chart == "run":
        return _("the median") if reference == "own" else _("the previous phase's median")
    return _("the mean") if reference == "own" else _("the previous phase's mean")


def _shift_sentence(shift: Shift, *, good: bool, chart: str, scale: float) -> str:
    run = ngettext(
        "%(count)s consecutive point below %(line)s (%(centre)s)",
        "%(count)s consecutive points below %(line)s (%(centre)s)",
        shift.length,
    )
    if shift.side > 0:
        run = ngettext(
            "%(count)s consecutive point above %(line)s (%(centre)s)",
            "%(count)s consecutive points above %(line)s (%(centre)s)",
            shift.length,
        )
    detail = run % {
        "count": shift.length,
        "line": _line_words(chart, shift.reference),
        "centre": format_number(shift.centre * scale),
    }
    headline = _("Significant improvement since %(date)s") if good else _("Significant deterioration since %(date)s")
    return _("%(headline)s: %(detail)s.") % {
        "headline": headline % {"date": format_day(shift.start)},
        "detail": detail,
    }


def _conclude(result: IndicatorAnalysis) -> None:  # noqa: PLR0912, PLR0915 — one decision table, read top-down
    indicator = result.indicator
    results, series = result.results, result.series
    chart = indicator.chart_type or "run"
    scale = indicator.scale
    good_side = _good_side(indicator.direction)
    last = results[-1]
    first_point = len(series.periods) - len(last["y"])
    periods = series.periods[first_point:]
    cl = last.get("cl")
    result.level = None if cl is None else cl * scale
    sentences: list[str] = []
    improving = concerning = False

    # 1. A shift against the previous phase (the change the team made), else inside the phase.
    shift = None
    if len(results) > 1:
        shift = _shift_from_previous(results[-2], last["y"], periods)
    if shift is None:
        shift = _last_run_signal(last, periods)
    if shift is not None:
        good = shift.side == good_side
        improving, concerning = good, not good
        sentences.append(_shift_sentence(shift, good=good, chart=chart, scale=scale))

    # 2. Points outside the control limits in the last phase.
    sigma = [bool(s) for s in last.get("sigma_signal") or []]
    if any(sigma):
        outside = [i for i, s in enumerate(sigma) if s]
        last_out = outside[-1]
        above = (last["y"][last_out] or 0) > (last["ucl"][last_out] or math.inf)
        good = (1 if above else -1) == good_side
        sentences.append(
            ngettext(
                "%(count)s point outside the control limits (last on %(date)s).",
                "%(count)s points outside the control limits (last on %(date)s).",
                len(outside),
            )
            % {"count": len(outside), "date": format_day(periods[last_out])}
        )
        if shift is None:
            improving, concerning = good, not good

    # 3. NHS rules: the engine's own variation icon decides.
    if indicator.rules == "nhs" and last.get("variation") in {"improving", "concerning"}:
        improving = last["variation"] == "improving"
        concerning = not improving

    # 4. Before/after comparison with the previous phase.
    comparison = last.get("comparison")
    if comparison is not None and len(results) > 1:
        result.before_after = _before_after(indicator, comparison, series)
        change = comparison["absolute_change"]
        if comparison["significant"] and change:
            good = (1 if change > 0 else -1) == good_side
            if shift is None:
                headline = (
                    _("Significant improvement since %(date)s")
                    if good
                    else _("Significant deterioration since %(date)s")
                )
                sentences.append(headline % {"date": format_day(periods[0])} + ".")
                improving, concerning = good, not good
        elif shift is None:
            sentences.append(
                _("No significant change since %(date)s (%(label)s).")
                % {"date": format_day(periods[0]), "label": series.phase_labels[-1]}
            )
        sentences.append(
            _("Before: %(before)s; after: %(after)s (%(change)s); %(test)s, %(p)s.")
            % {
                "before": result.before_after.estimate_before,
                "after": result.before_after.estimate_after,
                "change": result.before_after.absolute_change
                + (f", {result.before_after.relative_change}" if result.before_after.relative_change else ""),
                "test": result.before_after.test_name,
                "p": result.before_after.p_value,
            }
        )

    # 5. No signal at all: say why the variation looks random.
    if not sentences or (shift is None and not any(sigma) and len(results) == 1):
        sentences.append(_random_sentence(last, chart))

    n_obs = last.get("n_obs") or 0
    if n_obs < MIN_POINTS:
        sentences.append(
            ngettext(
                "Only %(count)s point in this phase: at least %(min)s are needed to detect a change reliably.",
                "Only %(count)s points in this phase: at least %(min)s are needed to detect a change reliably.",
                n_obs,
            )
            % {"count": n_obs, "min": MIN_POINTS}
        )

    # 6. Target and alert threshold, on the current level.
    on_target = None
    if indicator.target_value is not None and result.level is not None:
        target = float(indicator.target_value)
        on_target = _meets(result.level, target, indicator.direction)
        words = {
            "target": format_value(indicator, target),
            "level": format_value(indicator, result.level),
        }
        if on_target:
            sentences.append(_("Target %(target)s met: current level %(level)s.") % words)
        else:
            sentences.append(_("Target %(target)s not met yet: current level %(level)s.") % words)
    last_value = series.displayed[-1] * scale
    if indicator.alert_threshold is not None and math.isfinite(last_value):
        threshold = float(indicator.alert_threshold)
        if not _meets(last_value, threshold, indicator.direction) and last_value != threshold:
            concerning = True
            sentences.append(
                _("The last value (%(value)s) is beyond the alert threshold (%(threshold)s).")
                % {"value": format_value(indicator, last_value), "threshold": format_value(indicator, threshold)}
            )

    if concerning:
        result.status = Status.CONCERNING
    elif on_target:
        result.status = Status.ON_TARGET
    elif improving:
        result.status = Status.IMPROVING
    else:
        result.status = Status.STABLE
    result.conclusion = sentences


def _random_sentence(last: dict[str, Any], chart: str) -> str:
    if last.get("longest_run") is None:
        return _("No special cause detected.")
    words = {
        "run": last["longest_run"],
        "run_max": last["longest_run_max"],
        "crossings": last["n_crossings"],
        "crossings_min": last["n_crossings_min"],
    }
    if chart == "run":
        return (
            _(
                "Random variation only: no unusually long run (longest %(run)s, limit %(run_max)s) "
                "and enough crossings of the median (%(crossings)s, at least %(crossings_min)s expected)."
            )
            % words
        )
    return (
        _(
            "Random variation only: no point outside the control limits, no unusually long run "
            "(longest %(run)s, limit %(run_max)s), enough crossings (%(crossings)s, at least %(crossings_min)s)."
        )
        % words
    )


def _before_after(indicator: Indicator, comparison: dict[str, Any], series: Series) -> BeforeAfter:
    scale = indicator.scale
    kind = comparison["kind"]
    estimate_label = {
        "proportion": _("Overall proportion"),
        "rate": _("Overall rate") if indicator.kind == Kind.RATE else _("Mean per period"),
        "continuous": _("Median"),
    }[kind]
    change = comparison["absolute_change"] * scale
    relative = comparison["relative_change"]
    improved = None
    if change:
        improved = (1 if change > 0 else -1) == _good_side(indicator.direction)
    signed = ("+" if change > 0 else "") + format_value(indicator, change)
    if kind == "proportion":
        signed = ("+" if change > 0 else "") + format_number(change) + "\u00a0" + _("points")
    target_met = None
    if indicator.target_value is not None:
        target_met = _meets(comparison["estimate_after"] * scale, float(indicator.target_value), indicator.direction)
    test = comparison["test"]
    since = series.phase_starts[-1]
    return BeforeAfter(
        before_label=series.phase_labels[-2],
        after_label=series.phase_labels[-1],
        since=format_day(since) if since else "",
        median_before=format_value(indicator, comparison["median_before"] * scale),
        median_after=format_value(indicator, comparison["median_after"] * scale),
        mean_before=format_value(indicator, comparison["mean_before"] * scale),
        mean_after=format_value(indicator, comparison["mean_after"] * scale),
        estimate_label=estimate_label,
        estimate_before=format_value(indicator, comparison["estimate_before"] * scale),
        estimate_after=format_value(indicator, comparison["estimate_after"] * scale),
        absolute_change=signed,
        relative_change=""
        if relative is None
        else ("+" if relative > 0 else "") + format_number(relative * 100) + "\u00a0%",
        test_name=_test_name(test["name"]),
        p_value=format_p(test["p_value"]),
        significant=bool(comparison["significant"]),
        improved=improved,
        target_met=target_met,
        target="" if indicator.target_value is None else format_value(indicator, float(indicator.target_value)),
    )


# --- Chart ----------------------------------------------------------------------------------------


def chart_labels() -> dict[str, str]:
    return {
        "values": _("Values"),
        "centre": _("Centre line (median or mean)"),
        "limits": _("Control limits"),
        "target": _("Target"),
        "signal": _("Signal (special cause)"),
        "annotation": _("Annotation"),
        "no_data": _("No data yet"),
        "excluded": _("Excluded from the limits (explained)"),
        "freeze": _("Frozen baseline"),
    }


def render_svg(analysis: IndicatorAnalysis, annotations: Sequence[Annotation] = ()) -> str:
    """The indicator page's chart as an SVG string (also printed in the plan and REX dossier PDFs)."""
    return svg.render_chart(chart_of(analysis, annotations), number=format_number)


def chart_of(analysis: IndicatorAnalysis, annotations: Sequence[Annotation] = ()) -> svg.Chart:
    """What the indicator's chart draws, values on the display scale: for :func:`render_svg` and
    for renderers of other formats (the REX dossier's DOCX draws it as a PNG)."""
    indicator = analysis.indicator
    series = analysis.series
    x_labels = [format_period(p, indicator.periodicity) for p in series.periods]
    scale = indicator.scale
    value_labels = [format_value(indicator, v * scale) for v in series.displayed]
    notes = []
    for note in annotations:
        index = _index_of(series.periods, note.date)
        if index is not None:
            notes.append(svg.Annotation(index=index, text=f"{format_day(note.date)} : {note.text}"))
    target = None if indicator.target_value is None else float(indicator.target_value)
    target_label = "" if target is None else _("Target %(target)s") % {"target": format_value(indicator, target)}
    description = " ".join(analysis.conclusion)
    if indicator.kind == Kind.YES_NO or not analysis.results:
        return svg.Chart(
            title=indicator.name,
            description=description,
            x_labels=x_labels,
            y=[None if math.isnan(v) else v for v in series.displayed],
            value_labels=value_labels,
            phases=[svg.Phase(start=start, end=end, label=label) for start, end, label in _phase_ranges(series)],
            annotations=notes,
            y_ticks=[(0.0, _("no")), (1.0, _("yes"))] if indicator.kind == Kind.YES_NO else None,
            labels=chart_labels(),
            chart_id=f"indicator-{indicator.pk}",
        )
    return svg.chart_from_analysis(
        analysis.results,
        title=indicator.name,
        description=description,
        x_labels=x_labels,
        value_labels=value_labels,
        phase_labels=series.phase_labels if len(series.phase_labels) > 1 else [],
        scale=scale,
        target=target,
        target_label=target_label,
        annotations=notes,
        show_limits=(indicator.chart_type or "run") != "run",
        labels=chart_labels(),
        chart_id=f"indicator-{indicator.pk}",
    )


def _phase_ranges(series: Series) -> list[tuple[int, int, str]]:
    ranges = []
    for k, label in enumerate(series.phase_labels):
        points = [i for i, p in enumerate(series.phase_of_point) if p == k]
        if points:
            ranges.append((points[0], points[-1] + 1, label if len(series.phase_labels) > 1 else ""))
    return ranges


def _index_of(periods: Sequence[date], day: date) -> int | None:
    """The index of the period containing ``day`` (the last period starting on or before it)."""
    index = None
    for i, start in enumerate(periods):
        if start <= day:
            index = i
    return index
