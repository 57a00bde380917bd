"""From an indicator's rows to the engine and back: payload, reading, its sentences, chart.

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

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ameliora.analytics import svg
from ameliora.analytics.errors import AnalysisInputError
from ameliora.analytics.report import analyse
from ameliora.core.figures import format_figure
from ameliora.indicators.models import Annotation, Direction, Indicator, Kind, Measurement, Phase
from ameliora.indicators.reading import (
    MIN_POINTS,
    Reading,
    Signal,
    empty_reading,
    read,
    read_milestone,
)

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
    """A number for people: ``core.figures``' rounding rule and the language's decimal separator."""
    return format_figure(value)


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


# --- The reading and its sentences ------------------------------------------------------------------


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

    @property
    def sentence(self) -> str:
        """The comparison in one sentence (the page, the plan's final review, the REX dossier)."""
        change = self.absolute_change + (f", {self.relative_change}" if self.relative_change else "")
        return _("Before: %(before)s; after: %(after)s (%(change)s); %(test)s, %(p)s.") % {
            "before": self.estimate_before,
            "after": self.estimate_after,
            "change": change,
            "test": self.test_name,
            "p": self.p_value,
        }


@dataclass(frozen=True)
class Sentence:
    """One sentence of the conclusion; ``rule`` names the signal it reports (``None``: no signal)."""

    text: str
    rule: str | None = None


@dataclass
class IndicatorAnalysis:
    """An indicator's series, the engine's answer and the :class:`Reading` of it; everything shown
    (status, sentences, badges, before/after card) is derived from ``reading``."""

    indicator: Indicator
    series: Series
    reading: Reading
    results: list[dict[str, Any]] = field(default_factory=list)
    before_after: BeforeAfter | None = None
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.reading.status

    @property
    def error(self) -> str:
        return self.reading.error

    @property
    def level(self) -> float | None:
        """The current level on the display scale (see :attr:`Reading.current_level`)."""
        return self.reading.current_level

    @property
    def conclusion(self) -> list[str]:
        return [s.text for s in self.sentences]

    @property
    def has_data(self) -> bool:
        return bool(self.series.periods)

    def signal_flags(self) -> list[bool]:
        """Per point, whether the chart and the table mark it as a special cause: a point of a signal
        the reading names (a shift's run, a trend, two of three, outside the limits), never a whole phase.

        The engine, like qicharts2, flags every point of a phase whose runs test fails; too few
        crossings is a property of the phase, said in a sentence, not of its points. Earlier phases,
        which the reading does not read, keep their points outside the limits only.
        """
        named = {point for signal in self.reading.signals if signal.rule != "few_crossings" for point in signal.points}
        flags: list[bool] = []
        for k, result in enumerate(self.results):
            size = len(result["y"])
            if k == len(self.results) - 1:
                start = len(flags)
                flags.extend(self.series.periods[start + i] in named for i in range(size))
            else:
                flags.extend(bool(s) for s in result.get("sigma_signal") or [False] * size)
        return flags

    def rows(self) -> list[dict[str, Any]]:
        """The numbers as a table: one row per period, newest first."""
        flags = self.signal_flags()
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
    return indicator.value_label(value)


def analyse_indicator(
    indicator: Indicator,
    measurements: Sequence[Measurement],
    phases: Sequence[Phase] = (),
    *,
    today: date | None = None,
) -> IndicatorAnalysis:
    """Analyse an indicator's series; never raises on odd data (the error is reported instead)."""
    series = build_series(indicator, measurements, phases)
    if not series.periods:
        analysis = IndicatorAnalysis(indicator=indicator, series=series, reading=empty_reading(indicator))
    elif indicator.kind == Kind.YES_NO:
        reading = read_milestone(indicator, series.periods, series.y, today=today)
        analysis = IndicatorAnalysis(indicator=indicator, series=series, reading=reading)
    else:
        payload = payload_for(indicator, series)
        try:
            results = analyse(payload)
        except AnalysisInputError as exc:
            reading = empty_reading(indicator, error=str(exc))
            analysis = IndicatorAnalysis(indicator=indicator, series=series, reading=reading)
        else:
            reading = read(
                indicator,
                periods=series.periods,
                displayed=series.displayed,
                phase_labels=series.phase_labels,
                phase_starts=series.phase_starts,
                results=results,
                payload=payload,
            )
            analysis = IndicatorAnalysis(indicator=indicator, series=series, reading=reading, results=results)
            comparison = results[-1].get("comparison")
            if comparison is not None and len(results) > 1:
                analysis.before_after = _before_after(indicator, comparison, series)
    analysis.sentences = describe(analysis.reading, indicator, analysis.before_after)
    return analysis


# --- Sentences, formatted from the reading only ------------------------------------------------------


def _line_words(chart: str, reference: str) -> str:
    if chart == "run":
        return _("the median") if reference == "own" else _("the previous phase's median")
    return _("the mean") if reference == "own" else _("the previous phase's mean")


def _dates(indicator: Indicator, points: Sequence[date]) -> str:
    """The periods of a few points, in words; beyond five, the first ones and how many more."""
    shown = [format_period(p, indicator.periodicity) for p in points[:5]]
    text = ", ".join(shown)
    if len(points) > len(shown):
        more = len(points) - len(shown)
        text += " " + ngettext("and %(count)s more", "and %(count)s more", more) % {"count": more}
    return text


def _shift_sentence(indicator: Indicator, reading: Reading, shift: Signal) -> str:
    if shift.side == "above":
        run = ngettext(
            "%(count)s consecutive point above %(line)s (%(centre)s), from %(start)s to %(end)s",
            "%(count)s consecutive points above %(line)s (%(centre)s), from %(start)s to %(end)s",
            shift.length,
        )
    else:
        run = ngettext(
            "%(count)s consecutive point below %(line)s (%(centre)s), from %(start)s to %(end)s",
            "%(count)s consecutive points below %(line)s (%(centre)s), from %(start)s to %(end)s",
            shift.length,
        )
    detail = run % {
        "count": shift.length,
        "line": _line_words(reading.chart, shift.reference),
        "centre": format_number(shift.centre),
        "start": format_period(shift.start, indicator.periodicity),
        "end": format_period(shift.end, indicator.periodicity),
    }
    suggestion = reading.suggested_phase
    if shift.reference == "own" and suggestion is not None and suggestion.reason == "after_shift":
        then = _("then a change in the right direction") if shift.good else _("then a change in the wrong direction")
        return _("%(detail)s, %(then)s.") % {"detail": detail[0].upper() + detail[1:], "then": then}
    if shift.reference == "previous":
        headline = (
            _("Significant improvement since %(date)s") if shift.good else _("Significant deterioration since %(date)s")
        ) % {"date": format_day(shift.start)}
    else:
        headline = (
            _("Sustained shift in the right direction") if shift.good else _("Sustained shift in the wrong direction")
        )
    return _("%(headline)s: %(detail)s.") % {"headline": headline, "detail": detail}


def _signal_sentence(indicator: Indicator, reading: Reading, signal: Signal) -> str:  # noqa: PLR0911 — one per rule
    words = {
        "count": signal.length,
        "dates": _dates(indicator, signal.points),
        "start": format_period(signal.start, indicator.periodicity),
        "end": format_period(signal.end, indicator.periodicity),
        "line": _line_words(reading.chart, "own"),
    }
    if signal.rule == "shift":
        return _shift_sentence(indicator, reading, signal)
    if signal.rule == "few_crossings":
        return _(
            "Too few crossings of %(line)s from %(start)s to %(end)s: %(crossings)s, at least %(min)s expected; "
            "the points cluster in long runs."
        ) % {**words, "crossings": reading.n_crossings, "min": reading.n_crossings_min}
    if signal.rule == "outside_limits":
        if signal.side == "above":
            text = ngettext(
                "%(count)s point above the upper control limit: %(dates)s.",
                "%(count)s points above the upper control limit: %(dates)s.",
                signal.length,
            )
        else:
            text = ngettext(
                "%(count)s point below the lower control limit: %(dates)s.",
                "%(count)s points below the lower control limit: %(dates)s.",
                signal.length,
            )
        return text % words
    if signal.rule == "trend":
        if signal.rising:
            return (
                _("Trend: %(count)s points in a row each higher than the one before, from %(start)s to %(end)s.")
                % words
            )
        return _("Trend: %(count)s points in a row each lower than the one before, from %(start)s to %(end)s.") % words
    if signal.side == "above":
        return _("Two of three points beyond two sigma above %(line)s: %(dates)s.") % words
    return _("Two of three points beyond two sigma below %(line)s: %(dates)s.") % words


def _random_sentence(reading: Reading) -> str:
    if reading.longest_run is None:
        return _("No special cause detected.")
    words = {
        "run": reading.longest_run,
        "run_max": reading.longest_run_max,
        "crossings": reading.n_crossings,
        "crossings_min": reading.n_crossings_min,
    }
    if reading.chart == "run":
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


def _milestone_sentences(reading: Reading) -> list[Sentence]:
    if reading.milestone_since is not None:
        return [Sentence(_("Milestone reached since %(date)s.") % {"date": format_day(reading.milestone_since)})]
    if reading.planned:
        return [
            Sentence(_("Milestone not reached yet (planned for %(date)s).") % {"date": format_day(reading.planned)})
        ]
    return [Sentence(_("Milestone not reached yet."))]


def describe(reading: Reading, indicator: Indicator, card: BeforeAfter | None = None) -> list[Sentence]:  # noqa: PLR0912 — one sentence per field, read top-down
    """The conclusion, sentence by sentence, formatted from the reading's fields (and the
    before/after card, itself formatted from the same comparison)."""
    if reading.error:
        return [Sentence(_("The analysis could not run on these data: %(error)s") % {"error": reading.error})]
    if reading.status == "no_data":
        return [Sentence(_("No measurement yet: enter the first period to start the chart."))]
    if reading.milestone:
        return _milestone_sentences(reading)
    sentences: list[Sentence] = []
    shift = reading.shift
    if shift is not None:
        sentences.append(Sentence(_shift_sentence(indicator, reading, shift), "shift"))
    for signal in reading.signals:
        if signal is not shift:
            sentences.append(Sentence(_signal_sentence(indicator, reading, signal), signal.rule))
    suggestion = reading.suggested_phase
    if suggestion is not None:
        sentences.append(
            Sentence(
                _(
                    "The level seems to have changed from %(date)s: mark a phase there to recompute the centre line "
                    "and limits and compare before and after."
                )
                % {"date": format_period(suggestion.start, indicator.periodicity)}
            )
        )
    ba = reading.before_after
    if ba is not None and card is not None:
        since = format_day(ba.since) if ba.since else ""
        if shift is None or shift.reference != "previous":
            if ba.significant and ba.improved is not None:
                headline = (
                    _("Significant improvement since %(date)s")
                    if ba.improved
                    else _("Significant deterioration since %(date)s")
                )
                sentences.append(Sentence(headline % {"date": since} + "."))
            else:
                sentences.append(
                    Sentence(
                        _("No significant change since %(date)s (%(label)s).")
                        % {"date": since, "label": reading.phase_label}
                    )
                )
        sentences.append(Sentence(card.sentence))
    if not reading.signals and ba is None:
        sentences.append(Sentence(_random_sentence(reading)))
    if reading.n_obs < MIN_POINTS:
        sentences.append(
            Sentence(
                ngettext(
                    "Only %(count)s point in this phase: at least %(min)s are needed to detect a change reliably.",
                    "Only %(count)s points in this phase: at least %(min)s are needed to detect a change reliably.",
                    reading.n_obs,
                )
                % {"count": reading.n_obs, "min": MIN_POINTS}
            )
        )
    if reading.current_level is not None and reading.level_since is not None:
        sentences.append(
            Sentence(
                _("Current level: %(level)s since %(date)s.")
                % {
                    "level": format_value(indicator, reading.current_level),
                    "date": format_period(reading.level_since, indicator.periodicity),
                }
            )
        )
    if reading.target_met is not None and reading.current_level is not None:
        words = {
            "target": indicator.target_label,
            "level": format_value(indicator, reading.current_level),
        }
        if reading.target_met:
            sentences.append(Sentence(_("Target %(target)s met: current level %(level)s.") % words))
        else:
            sentences.append(Sentence(_("Target %(target)s not met yet: current level %(level)s.") % words))
    if reading.beyond_alert:
        sentences.append(
            Sentence(
                _("The last value (%(value)s) is beyond the alert threshold (%(threshold)s).")
                % {
                    "value": format_value(indicator, reading.last_value),
                    "threshold": format_value(indicator, float(indicator.alert_threshold or 0)),
                }
            )
        )
    return sentences


def _good_side(direction: str) -> int:
    return 1 if direction == Direction.UP else -1


def _meets(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == Direction.UP else value <= target


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
        target="" if indicator.target_value is None else indicator.target_label,
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
    target_label = "" if target is None else _("Target %(target)s") % {"target": indicator.target_label}
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
        signals=analysis.signal_flags(),
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
