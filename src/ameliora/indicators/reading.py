"""One structured reading of an indicator's series: what the engine found, with the points concerned.

Every sentence and badge about an indicator (its page, the dashboard, a plan's results step, the
annual report, the REX dossier, the API) is derived from the :class:`Reading` that :func:`read`
builds from the engine's output for the last phase. Nothing here writes a sentence: the sentences
are formatted from the reading's fields (``analysis.describe``), so they cannot claim more than the
reading holds, and the reading holds only what the engine flagged.

Rules, applied to the last phase (earlier phases are the page's history, not its reading):

* ``shift`` against the phase's own centre line: with Anhøj's rules, the runs longer than
  ``longest_run_max`` (the points the engine flags in ``run_signal``); with the NHS rules, the runs
  of :data:`~ameliora.analytics.rules.NHS_SHIFT_POINTS` or more (``shift``). The most recent such run
  is reported, with its own points only: a run chart of a process that moved from one level to
  another has two long runs around the overall centre line, and the current level is the later one.
* ``shift`` against the *previous* phase's centre line (``reference="previous"``): Anhøj's
  longest-run rule on the last phase around the centre line of the phase before, as qicharts2 does
  with a frozen baseline; the longest such run is reported.
* ``few_crossings``: fewer crossings of the centre line than ``n_crossings_min`` (Anhøj only).
* ``outside_limits``: the points beyond the control limits, one signal per side.
* ``trend`` and ``two_of_three``: the NHS rules' flagged points, one signal per trend and per side.

The **proposed phase** (a change point) is the start of the reported own-centre shift when a point of
the phase comes before it; when the shift opens the phase, it is the first point after it (the
process left the level of the shift there), provided at least two points follow. The current level
is then computed on the points from the proposed start to the end, with the chart's own centre-line
formula, which is the level the page will show once the phase is accepted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

import numpy as np

from ameliora.analytics.charts import ChartLimits
from ameliora.analytics.errors import AnalysisInputError
from ameliora.analytics.report import analyse
from ameliora.analytics.rules import NHS_SHIFT_POINTS, classify_assurance
from ameliora.analytics.runs import Run, runs_analysis, runs_of
from ameliora.indicators.models import Direction, Indicator, Kind, Status

Rule = Literal["shift", "few_crossings", "trend", "outside_limits", "two_of_three"]
Side = Literal["above", "below"]
Variation = Literal["improvement", "concern", "common_cause"]
Assurance = Literal["met", "not_met", "inconsistent"]

#: Fewer points than this in a phase: the rules are shown but the conclusion warns.
MIN_POINTS = 10
#: The fewest points after a shift that opened the phase for a phase to be proposed after it.
MIN_POINTS_AFTER_SHIFT = 2

_VARIATIONS: dict[str, Variation] = {
    "improving": "improvement",
    "concerning": "concern",
    "common_cause": "common_cause",
}
_ASSURANCES: dict[str, Assurance] = {
    "consistently_met": "met",
    "consistently_not_met": "not_met",
    "inconsistent": "inconsistent",
}


@dataclass(frozen=True)
class Signal:
    """A special cause the engine found, with the periods of the points concerned.

    ``side`` is the side of ``centre`` (a shift, two of three) or of the limits (outside the limits)
    where every point lies; ``None`` for a trend (``rising`` says which way) and too few crossings.
    ``centre`` is the centre line the rule was applied to, on the display scale; ``reference`` says
    whose it is (``"own"``: the phase's, ``"previous"``: the phase before's). ``good`` is true when
    the signal goes the indicator's way, ``None`` when the rule has no direction; for a shift that
    opened the phase and ended before it (the former level), when leaving it goes the indicator's way.
    """

    rule: Rule
    points: tuple[date, ...]
    side: Side | None
    reference: Literal["own", "previous"]
    centre: float | None
    good: bool | None
    rising: bool | None = None

    @property
    def start(self) -> date:
        return self.points[0]

    @property
    def end(self) -> date:
        return self.points[-1]

    @property
    def length(self) -> int:
        return len(self.points)


@dataclass(frozen=True)
class SuggestedPhase:
    """Where a new phase should start: ``reason`` ``"shift"`` (the start of a sustained shift) or
    ``"after_shift"`` (the first point after a shift that opened the phase)."""

    start: date
    reason: Literal["shift", "after_shift"]


@dataclass(frozen=True)
class BeforeAfterTest:
    """The last phase compared with the one before (the engine's ``comparison``), display scale."""

    test: str
    p_value: float
    significant: bool
    estimate_before: float
    estimate_after: float
    absolute_change: float
    relative_change: float | None
    improved: bool | None
    since: date | None


@dataclass(frozen=True)
class Reading:
    """What the series says, as data. ``status`` is one of :class:`~ameliora.indicators.models.Status`.

    ``current_level`` is on the display scale: the last phase's centre line, or, when a phase is
    proposed, the level of the points from ``level_since`` on. ``milestone_since`` / ``planned`` are
    for yes/no indicators (reached since, planned date). ``error`` is the engine's refusal, if any.
    """

    status: str
    variation: Variation | None = None
    assurance: Assurance | None = None
    current_level: float | None = None
    level_since: date | None = None
    signals: tuple[Signal, ...] = ()
    suggested_phase: SuggestedPhase | None = None
    before_after: BeforeAfterTest | None = None
    chart: str = ""
    rules: str = ""
    has_limits: bool = False
    target_met: bool | None = None
    last_value: float | None = None
    beyond_alert: bool = False
    n_obs: int = 0
    phase_start: date | None = None
    phase_label: str = ""
    longest_run: int | None = None
    longest_run_max: int | None = None
    n_crossings: int | None = None
    n_crossings_min: int | None = None
    milestone: bool = False
    milestone_since: date | None = None
    planned: date | None = None
    error: str = ""

    def signals_of(self, rule: Rule) -> tuple[Signal, ...]:
        return tuple(s for s in self.signals if s.rule == rule)

    @property
    def shift(self) -> Signal | None:
        """The shift that explains the status: against the previous phase first, else the own one."""
        shifts = sorted(self.signals_of("shift"), key=lambda s: s.reference != "previous")
        return shifts[0] if shifts else None


# --- Building the reading ---------------------------------------------------------------------------


def _good_side(direction: str) -> int:
    return 1 if direction == Direction.UP else -1


def _meets(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == Direction.UP else value <= target


def _side_word(side: int) -> Side:
    return "above" if side > 0 else "below"


@dataclass(frozen=True)
class _Phase:
    """The last phase's points, as the rules see them."""

    periods: list[date]
    y: list[float]  # NaN where missing or excluded (neither tested nor counted)
    excluded: list[int]  # 1-based positions in the phase
    result: dict[str, Any]
    offset: int  # position of the phase's first point in the series


def _last_phase(results: Sequence[dict[str, Any]], periods: Sequence[date]) -> _Phase:
    last = results[-1]
    offset = len(periods) - len(last["y"])
    excluded = [i + 1 for i, flag in enumerate(last.get("excluded") or []) if flag]
    y = [math.nan if value is None or (i + 1) in excluded else float(value) for i, value in enumerate(last["y"])]
    return _Phase(periods=list(periods[offset:]), y=y, excluded=excluded, result=last, offset=offset)


def _own_shift(phase: _Phase, rules: str, chart: str) -> Run | None:
    """The most recent run the engine flags as a shift around the phase's own centre line."""
    cl = phase.result.get("cl")
    if cl is None or chart == "mr":  # no runs rule on moving ranges (qicharts2)
        return None
    if rules == "nhs":
        runs = runs_of(phase.y, cl, centre_breaks=True)
        long = [r for r in runs if r.length >= NHS_SHIFT_POINTS]
    else:
        limit = phase.result.get("longest_run_max")
        runs = runs_of(phase.y, cl)
        long = [r for r in runs if limit is not None and r.length > limit]
    return long[-1] if long else None


def _previous_shift(previous: dict[str, Any], phase: _Phase) -> Run | None:
    """Anhøj's longest-run rule on the last phase around the previous phase's centre line; the
    longest run (the latest of equal ones) when it is longer than ``round(log2(n) + 3)``."""
    cl = previous.get("cl")
    if cl is None or all(math.isnan(v) for v in phase.y):
        return None
    stats = runs_analysis(phase.y, cl)
    if stats.longest_run is None or stats.longest_run_max is None or stats.longest_run <= stats.longest_run_max:
        return None
    runs = runs_of(phase.y, cl)
    return max(reversed(runs), key=lambda r: r.length)


def _suggestion(phase: _Phase, shift: Run | None) -> tuple[SuggestedPhase, int] | None:
    """The proposed change point and its position in the phase (see the module docstring)."""
    if shift is None:
        return None
    useful = [i for i, v in enumerate(phase.y) if not math.isnan(v)]
    if useful and useful[0] < shift.start:
        return SuggestedPhase(start=phase.periods[shift.start], reason="shift"), shift.start
    after = [i for i in useful if i > shift.end]
    if len(after) >= MIN_POINTS_AFTER_SHIFT:
        return SuggestedPhase(start=phase.periods[after[0]], reason="after_shift"), after[0]
    return None


def _groups_by_side(flags: Sequence[Any], sides: Sequence[int]) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = {}
    for i, (flag, side) in enumerate(zip(flags, sides, strict=True)):
        if flag and side:
            groups.setdefault(side, []).append(i)
    return groups


def _trends(phase: _Phase) -> list[tuple[list[int], bool]]:
    """The NHS trends of the phase: flagged points in a row (missing ones skipped), split where the
    direction turns or a value repeats; each with ``rising``."""
    flags = phase.result.get("trend") or []
    y = phase.y
    pieces: list[list[int]] = []
    current: list[int] = []
    for i in (i for i, value in enumerate(y) if not math.isnan(value)):
        if not flags[i]:
            pieces.append(current)
            current = []
            continue
        if current and y[i] == y[current[-1]]:
            pieces.append(current)
            current = []
        elif len(current) > 1 and (y[i] > y[current[-1]]) != (y[current[-1]] > y[current[-2]]):
            pieces.append(current)
            current = [current[-1]]
        current.append(i)
    pieces.append(current)
    return [(piece, y[piece[-1]] > y[piece[0]]) for piece in pieces if len(piece) > 1]


def _signals(indicator: Indicator, phase: _Phase, previous: dict[str, Any] | None) -> list[Signal]:
    scale = indicator.scale
    good_side = _good_side(indicator.direction)
    result, chart, rules = phase.result, indicator.chart_type or "run", indicator.rules
    cl = result.get("cl")
    centre = None if cl is None else cl * scale

    def dates(points: Sequence[int]) -> tuple[date, ...]:
        return tuple(phase.periods[i] for i in points)

    found: list[Signal] = []
    if previous is not None:
        run = _previous_shift(previous, phase)
        if run is not None:
            found.append(
                Signal(
                    rule="shift",
                    points=dates(run.points),
                    side=_side_word(run.side),
                    reference="previous",
                    centre=previous["cl"] * scale,
                    good=run.side == good_side,
                )
            )
    own = _own_shift(phase, rules, chart)
    if own is not None:
        found.append(
            Signal(
                rule="shift",
                points=dates(own.points),
                side=_side_word(own.side),
                reference="own",
                centre=centre,
                good=own.side == good_side,
            )
        )
    crossings, crossings_min = result.get("n_crossings"), result.get("n_crossings_min")
    if rules != "nhs" and chart != "mr" and crossings is not None and crossings < crossings_min and cl is not None:
        useful = [i for run in runs_of(phase.y, cl) for i in run.points]
        found.append(Signal("few_crossings", dates(useful), None, "own", centre, None))
    y = phase.y
    ucl = result.get("ucl") or [None] * len(y)
    outside_sides = [1 if ucl[i] is not None and v > ucl[i] else -1 for i, v in enumerate(y)]
    for side, points in sorted(_groups_by_side(result.get("sigma_signal") or [], outside_sides).items()):
        found.append(Signal("outside_limits", dates(points), _side_word(side), "own", centre, side == good_side))
    if rules == "nhs" and cl is not None:
        for points, rising in _trends(phase):
            good = rising == (good_side > 0)
            found.append(Signal("trend", dates(points), None, "own", centre, good, rising=rising))
        sides = [0 if math.isnan(v) or v == cl else (1 if v > cl else -1) for v in y]
        for side, points in sorted(_groups_by_side(result.get("two_in_three") or [], sides).items()):
            found.append(Signal("two_of_three", dates(points), _side_word(side), "own", centre, side == good_side))
    return sorted(found, key=lambda s: (s.start, s.end))


def _level_since(payload: dict[str, Any], position: int) -> float | None:
    """The centre line of the points from ``position`` (in the series) to the end, computed by the
    engine with the chart's own formula; ``None`` when the engine cannot compute it."""
    n = payload.get("n")
    exclude = [k - position for k in payload.get("exclude") or [] if k > position]
    sliced = {
        **payload,
        "y": payload["y"][position:],
        "n": None if n is None else n[position:],
        "phases": None,
        "freeze": None,
        "exclude": exclude or None,
    }
    try:
        cl = analyse(sliced)[0].get("cl")
    except AnalysisInputError:
        return None
    return None if cl is None else float(cl)


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


def _assurance(indicator: Indicator, last: dict[str, Any]) -> Assurance | None:
    """The target against the control limits of the last point, whatever the rule set: the engine
    answers with the NHS rules; with Anhøj's, its own ``classify_assurance`` on the limits returned."""
    if indicator.target_value is None:
        return None
    assurance = last.get("assurance")
    if assurance is None and indicator.rules != "nhs":
        target = float(indicator.target_value) / indicator.scale
        assurance = classify_assurance(
            _limits_of(last), target, "up" if indicator.direction == Direction.UP else "down"
        )
    return _ASSURANCES.get(assurance or "")


def _before_after(
    indicator: Indicator, comparison: dict[str, Any] | None, since: date | None
) -> BeforeAfterTest | None:
    if comparison is None:
        return None
    scale = indicator.scale
    change = comparison["absolute_change"] * scale
    improved = None if not change else (1 if change > 0 else -1) == _good_side(indicator.direction)
    return BeforeAfterTest(
        test=comparison["test"]["name"],
        p_value=float(comparison["test"]["p_value"]),
        significant=bool(comparison["significant"]),
        estimate_before=comparison["estimate_before"] * scale,
        estimate_after=comparison["estimate_after"] * scale,
        absolute_change=change,
        relative_change=comparison["relative_change"],
        improved=improved,
        since=since,
    )


def _judge(
    indicator: Indicator, signals: Sequence[Signal], last: dict[str, Any], before_after: BeforeAfterTest | None
) -> tuple[Variation | None, bool, bool]:
    """The variation badge and whether the signals say improving or concerning.

    The signal that decides is the shift (against the previous phase first), else the latest
    signal with a direction. With the NHS rules the engine's variation (its last point) decides; a
    significant before/after comparison decides when no shift was found.
    """
    shifts = sorted((s for s in signals if s.rule == "shift"), key=lambda s: s.reference != "previous")
    directed = [s for s in signals if s.good is not None]
    headline = shifts[0] if shifts else (max(directed, key=lambda s: s.end) if directed else None)
    improving = concerning = False
    if headline is not None:
        improving, concerning = bool(headline.good), not headline.good
    if indicator.rules == "nhs" and last.get("variation") in {"improving", "concerning"}:
        improving = last["variation"] == "improving"
        concerning = not improving
    if not shifts and before_after is not None and before_after.significant and before_after.improved is not None:
        improving, concerning = before_after.improved, not before_after.improved
    variation: Variation | None
    if indicator.rules == "nhs":
        variation = _VARIATIONS.get(last.get("variation") or "")
    elif headline is not None:
        variation = "improvement" if headline.good else "concern"
    else:
        variation = None if signals else "common_cause"
    return variation, improving, concerning


def read(
    indicator: Indicator,
    *,
    periods: Sequence[date],
    displayed: Sequence[float],
    phase_labels: Sequence[str],
    phase_starts: Sequence[date | None],
    results: Sequence[dict[str, Any]],
    payload: dict[str, Any],
) -> Reading:
    """The reading of an analysed series (``results``: :func:`ameliora.analytics.report.analyse`'s
    answer to ``payload``; ``displayed``: the plotted values, unscaled)."""
    scale = indicator.scale
    phase = _last_phase(results, periods)
    last = phase.result
    previous = results[-2] if len(results) > 1 else None
    signals = _signals(indicator, phase, previous)
    own = _own_shift(phase, indicator.rules, indicator.chart_type or "run")
    suggestion = _suggestion(phase, own)
    if suggestion is not None and suggestion[0].reason == "after_shift":
        # The run that opened the phase was the former level: the change it signals is the way out of it.
        signals = [replace(s, good=not s.good) if s.rule == "shift" and s.reference == "own" else s for s in signals]
    cl = last.get("cl")
    level = None if cl is None else cl * scale
    level_since = None
    if suggestion is not None:
        since_level = _level_since(payload, phase.offset + suggestion[1])
        if since_level is not None:
            level, level_since = since_level * scale, suggestion[0].start
    before_after = None
    if previous is not None:
        before_after = _before_after(indicator, last.get("comparison"), phase_starts[-1])

    variation, improving, concerning = _judge(indicator, signals, last, before_after)
    target_met = None
    if indicator.target_value is not None and level is not None:
        target_met = _meets(level, float(indicator.target_value), indicator.direction)
    last_value = displayed[-1] * scale if displayed and math.isfinite(displayed[-1]) else None
    beyond_alert = False
    if indicator.alert_threshold is not None and last_value is not None:
        threshold = float(indicator.alert_threshold)
        beyond_alert = not _meets(last_value, threshold, indicator.direction) and last_value != threshold
    if concerning or beyond_alert:
        status = Status.CONCERNING
    elif target_met:
        status = Status.ON_TARGET
    elif improving:
        status = Status.IMPROVING
    else:
        status = Status.STABLE
    has_limits = any(v is not None for v in [*(last.get("lcl") or []), *(last.get("ucl") or [])])
    return Reading(
        status=str(status),
        variation=variation,
        assurance=_assurance(indicator, last) if has_limits else None,
        current_level=level,
        level_since=level_since,
        signals=tuple(signals),
        suggested_phase=None if suggestion is None else suggestion[0],
        before_after=before_after,
        chart=indicator.chart_type or "run",
        rules=indicator.rules,
        has_limits=has_limits,
        target_met=target_met,
        last_value=last_value,
        beyond_alert=beyond_alert,
        n_obs=last.get("n_obs") or 0,
        phase_start=phase_starts[-1],
        phase_label=phase_labels[-1] if len(phase_labels) > 1 else "",
        longest_run=last.get("longest_run"),
        longest_run_max=last.get("longest_run_max"),
        n_crossings=last.get("n_crossings"),
        n_crossings_min=last.get("n_crossings_min"),
    )


def read_milestone(
    indicator: Indicator, periods: Sequence[date], values: Sequence[float], *, today: date | None
) -> Reading:
    """A yes/no indicator: reached (since when) or not (late after its planned date)."""
    wanted = 1.0 if indicator.direction == Direction.UP else 0.0
    since = periods[-1]
    for period, value in zip(reversed(periods), reversed(values), strict=True):
        if value != wanted:
            break
        since = period
    achieved = values[-1] == wanted
    late = indicator.target_date is not None and today is not None and today > indicator.target_date
    status = Status.ON_TARGET if achieved else Status.CONCERNING if late else Status.STABLE
    return Reading(
        status=str(status),
        current_level=values[-1],
        chart="",
        rules=indicator.rules,
        target_met=achieved,
        last_value=values[-1],
        milestone=True,
        milestone_since=since if achieved else None,
        planned=indicator.target_date,
        n_obs=len(values),
    )


def empty_reading(indicator: Indicator, *, error: str = "") -> Reading:
    """No measurement yet (status "no data"), or data the engine refused (status "stable")."""
    if error:
        return Reading(status=str(Status.STABLE), rules=indicator.rules, error=error)
    return Reading(status=str(Status.NO_DATA), rules=indicator.rules, milestone=indicator.kind == Kind.YES_NO)
