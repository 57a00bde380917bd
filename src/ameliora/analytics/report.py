"""The engine's entry point: :func:`analyse` turns a JSON payload into one result per phase.

Input (a JSON object)::

    {"chart": "run|i|mr|xbar|s|p|pp|u|up|c|g|t",   required
     "y": [...],                  required; numbers or null; for xbar/s a list of lists
                                  (one per subgroup, null for a subgroup without values)
     "n": [...] or null,          denominators: required for p, pp, u, up;
                                  optional for run, i, mr (y / n is plotted); else null
     "phases": [...] or null,     one label (string or integer) per point, in blocks
     "rules": "anhoej" or "nhs",  default "anhoej"
     "direction": "up", "down" or null,  which way is better (NHS icons, targets)
     "target": number or null,   on the scale of the plotted values; needs a direction
     "freeze": integer or null,  number of baseline points (qicharts2 ``freeze``),
                                  counted from the first point, within the first phase
     "exclude": [...] or null}   1-based positions of the points left out of the
                                  centre line, the limits and the rules (qicharts2 ``exclude``)

Output: one JSON-serialisable dict per phase, in order; see :meth:`PhaseResult.to_dict`
and ``docs/analytics.md``. Bad input raises :class:`AnalysisInputError`.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from numbers import Real
from typing import Any, Literal, Protocol, cast, get_args

import numpy as np

from ameliora.analytics import _baseline, _validation
from ameliora.analytics._arrays import BoolArray, FloatArray, as_float_array, frozen
from ameliora.analytics.charts import (
    ChartLimits,
    c_chart,
    g_chart,
    i_chart,
    mr_chart,
    p_chart,
    pp_chart,
    run_chart,
    s_chart,
    t_chart,
    u_chart,
    up_chart,
    xbar_chart,
)
from ameliora.analytics.compare import (
    Comparison,
    compare_continuous,
    compare_proportions,
    compare_rates,
)
from ameliora.analytics.errors import AnalysisInputError
from ameliora.analytics.rules import (
    Assurance,
    Direction,
    NhsSignals,
    Variation,
    classify_assurance,
    classify_variation,
    limits_defined,
    nhs_signals,
    sigma_signals,
)
from ameliora.analytics.runs import RunsAnalysis, runs_analysis

Chart = Literal["run", "i", "mr", "xbar", "s", "p", "pp", "u", "up", "c", "g", "t"]
RuleSet = Literal["anhoej", "nhs"]
Label = str | int
Subgroups = tuple[tuple[float, ...], ...]

CHARTS: tuple[Chart, ...] = get_args(Chart)
RULE_SETS: tuple[RuleSet, ...] = get_args(RuleSet)
PAYLOAD_KEYS = ("chart", "y", "n", "phases", "rules", "direction", "target", "freeze", "exclude")

_NEEDS_N = frozenset({"p", "pp", "u", "up"})
_TAKES_N = _NEEDS_N | {"run", "i", "mr"}
_SUBGROUPED = frozenset({"xbar", "s"})


@dataclass(frozen=True, eq=False)
class AnalysisRequest:
    """A validated payload.

    Attributes:
        chart: Chart type.
        y: The values (``NaN`` for missing), or for xbar/s one tuple of values per subgroup.
        n: Denominators, or ``None``.
        phases: One label per point, in contiguous blocks, or ``None`` for a single phase.
        rules: Special-cause rule set.
        direction: ``"up"`` if higher is better, ``"down"`` if lower is better, or ``None``.
        target: Target on the plotted scale, or ``None``.
        freeze: Number of baseline points, counted from the first point and
            within the first phase (qicharts2's ``freeze``), or ``None``.
        exclude: 1-based positions of the points left out of the computations
            (qicharts2's ``exclude``).
    """

    chart: Chart
    y: FloatArray | Subgroups
    n: FloatArray | None
    phases: tuple[Label, ...] | None
    rules: RuleSet
    direction: Direction | None
    target: float | None
    freeze: int | None = None
    exclude: tuple[int, ...] = ()


@dataclass(frozen=True, eq=False)
class PhaseResult:
    """Analysis of one phase.

    Attributes:
        phase: The phase label, ``None`` when the payload had no phases.
        rules: The rule set applied.
        chart: Plotted values, centre line and limits.
        runs: Anhøj runs analysis around the centre line (always computed).
        sigma_signal: Per point, outside the control limits (``False`` where
            undefined, and at an excluded point, which is not tested).
        sigma_defined: Per point, the point and at least one limit exist and
            the point is not excluded.
        special_cause: Per point, a special cause under ``rules``: with
            ``"anhoej"`` ``sigma_signal or run_signal``, with ``"nhs"`` any of the
            four NHS rules. Never at an excluded point: as in qicharts2, an
            excluded point is left out of the runs analysis (and here of the
            NHS rules) and is not drawn as a signal.
        signal: The phase shows a special cause: with ``"anhoej"`` a runs signal
            or a point outside the limits; with ``"nhs"`` any special-cause point.
        nhs: NHS rule details (``"nhs"`` rules only).
        variation: NHS variation icon (``"nhs"`` rules only).
        assurance: NHS assurance icon (``"nhs"`` rules with a target only).
        comparison: Before/after comparison with the previous phase (``None`` for
            the first phase or when either phase has no plotted value).
    """

    phase: Label | None
    rules: RuleSet
    chart: ChartLimits
    runs: RunsAnalysis
    sigma_signal: BoolArray
    sigma_defined: BoolArray
    special_cause: BoolArray
    signal: bool
    nhs: NhsSignals | None
    variation: Variation | None
    assurance: Assurance | None
    comparison: Comparison | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable summary (qicharts2 names in snake_case) and per-point lists."""
        nhs = self.nhs
        return {
            "phase": self.phase,
            "chart": self.chart.chart,
            "rules": self.rules,
            "freeze": self.chart.freeze,
            "n_obs": self.runs.n_obs,
            "n_useful": self.runs.n_useful,
            "longest_run": self.runs.longest_run,
            "longest_run_max": self.runs.longest_run_max,
            "n_crossings": self.runs.n_crossings,
            "n_crossings_min": self.runs.n_crossings_min,
            "runs_signal": self.runs.runs_signal,
            "cl": _number(self.chart.cl),
            "y": _numbers(self.chart.y),
            "lcl": _numbers(self.chart.lcl),
            "ucl": _numbers(self.chart.ucl),
            "lcl_2sigma": _numbers(self.chart.lcl_2sigma),
            "ucl_2sigma": _numbers(self.chart.ucl_2sigma),
            "excluded": (~self.chart.included).tolist(),
            "sigma_signal": [
                flag if defined else None
                for flag, defined in zip(self.sigma_signal.tolist(), self.sigma_defined.tolist(), strict=True)
            ],
            "run_signal": self.runs.run_signal.tolist(),
            "special_cause": self.special_cause.tolist(),
            "signal": self.signal,
            "shift": None if nhs is None else nhs.shift.tolist(),
            "trend": None if nhs is None else nhs.trend.tolist(),
            "two_in_three": None if nhs is None else nhs.two_in_three.tolist(),
            "variation": self.variation,
            "assurance": self.assurance,
            "comparison": None if self.comparison is None else self.comparison.to_dict(),
        }


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _numbers(values: FloatArray) -> list[float | None]:
    return [None if math.isnan(value) else value for value in values.tolist()]


# --- Payload parsing -------------------------------------------------------------------------


def _choice(payload: Mapping[str, object], key: str, allowed: tuple[str, ...], default: str | None) -> str | None:
    value = payload.get(key, default)
    if value is None or (isinstance(value, str) and value in allowed):
        return value
    expected = ", ".join(f"'{option}'" for option in allowed)
    raise AnalysisInputError(f"{key} must be one of {expected}, got {value!r}")


def _number_or_none(key: str, value: object) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, Real):
        raise AnalysisInputError(f"{key} must be a number or null, got {value!r}")
    try:
        return float(value)
    except OverflowError:
        raise AnalysisInputError(f"{key} is too large, got {value!r}") from None


def _list(key: str, value: object) -> Sequence[object]:
    if not isinstance(value, list | tuple):
        raise AnalysisInputError(f"{key} must be a list, got {type(value).__name__}")
    return value


def _values(key: str, raw: object) -> FloatArray:
    items = _list(key, raw)
    values = as_float_array([_number_or_none(f"{key}[{i}]", item) for i, item in enumerate(items)])
    _validation.require_bounded(key, values)
    return values


def _subgroups(raw: object, chart: str) -> Subgroups:
    groups = []
    for i, group in enumerate(_list("y", raw)):
        if group is None:
            groups.append(())
            continue
        if not isinstance(group, list | tuple):
            raise AnalysisInputError(
                f"y[{i}] must be a list of the values of one subgroup (or null) for chart '{chart}', got {group!r}"
            )
        values = _values(f"y[{i}]", group)
        groups.append(tuple(values.tolist()))
    return tuple(groups)


def _phases(raw: object, size: int) -> tuple[Label, ...] | None:
    if raw is None:
        return None
    labels = _list("phases", raw)
    if len(labels) != size:
        raise AnalysisInputError(f"phases has {len(labels)} labels but y has {size}; they must have the same length")
    seen: set[Label] = set()
    for i, label in enumerate(labels):
        if isinstance(label, bool) or not isinstance(label, str | int):
            raise AnalysisInputError(f"phases[{i}] must be a string or an integer, got {label!r}")
        if i and label != labels[i - 1] and label in seen:
            raise AnalysisInputError(
                f"phase {label!r} is split: it reappears at phases[{i}]; "
                "each phase must be one block of consecutive points"
            )
        seen.add(label)
    return tuple(cast(Label, label) for label in labels)


def _check_domain(chart: Chart, y: FloatArray, n: FloatArray | None) -> None:
    """Chart-specific checks on the whole series, so that messages give global positions."""
    if n is not None:
        _validation.ratio(y, n, chart)
    if chart in {"p", "pp", "u", "up", "c"}:
        _validation.require_counts(y, chart)
    if chart in {"p", "pp"} and n is not None:
        _validation.require_proportions(y, n, chart)
    if chart == "g":
        _validation.require_non_negative("y", y, chart, "counts of opportunities between events")
    if chart == "t":
        _validation.require_positive("y", y, chart, "times between events")


def parse_payload(payload: Mapping[str, object]) -> AnalysisRequest:
    """Validate a payload (see the module docstring) into an :class:`AnalysisRequest`."""
    if not isinstance(payload, Mapping):
        raise AnalysisInputError(f"the payload must be a JSON object, got {type(payload).__name__}")
    unknown = sorted(set(payload) - set(PAYLOAD_KEYS))
    if unknown:
        raise AnalysisInputError(
            f"unknown payload key(s): {', '.join(map(repr, unknown))}; expected: {', '.join(PAYLOAD_KEYS)}"
        )
    for key in ("chart", "y"):
        if payload.get(key) is None:
            raise AnalysisInputError(f"the payload is missing the required key '{key}'")
    chart = cast(Chart, _choice(payload, "chart", CHARTS, None))
    rules = cast(RuleSet, _choice(payload, "rules", RULE_SETS, "anhoej"))
    direction = cast(Direction | None, _choice(payload, "direction", ("up", "down"), None))
    target_value = _number_or_none("target", payload.get("target"))
    target = None if math.isnan(target_value) else target_value
    if target is not None and direction is None:
        raise AnalysisInputError("a target needs a direction: 'up' (higher is better) or 'down'")

    y: FloatArray | Subgroups
    if chart in _SUBGROUPED:
        y = _subgroups(payload["y"], chart)
        size = len(y)
    else:
        y = _values("y", payload["y"])
        size = y.size
    if size == 0:
        raise AnalysisInputError("y is empty: at least one observation is needed")

    raw_n = payload.get("n")
    n = None if raw_n is None else _values("n", raw_n)
    if chart in _NEEDS_N and n is None:
        raise AnalysisInputError(f"chart '{chart}' needs denominators: n must be a list as long as y")
    if chart not in _TAKES_N and n is not None:
        raise AnalysisInputError(f"chart '{chart}' takes no denominators: n must be null")
    if isinstance(y, np.ndarray):
        _check_domain(chart, y, n)
    phases = _phases(payload.get("phases"), size)

    return AnalysisRequest(
        chart=chart,
        y=y,
        n=n,
        phases=phases,
        rules=rules,
        direction=direction,
        target=target,
        freeze=_freeze(payload.get("freeze"), size, phases),
        exclude=_baseline.check_exclude(_exclude(payload.get("exclude")), size),
    )


def _freeze(value: object, size: int, phases: tuple[Label, ...] | None) -> int | None:
    """``freeze`` counts baseline points from the first point; they must lie in the first phase."""
    if phases is None:
        return _baseline.check_freeze(value, size)
    first = next((i for i, label in enumerate(phases) if label != phases[0]), size)
    return _baseline.check_freeze(value, first, scope=f"the first phase {phases[0]!r} (freeze applies to it only)")


def _exclude(value: object) -> Sequence[object] | None:
    if value is None:
        return None
    return _list("exclude", value)


# --- Analysis --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Phase:
    """The points of one phase; ``freeze`` and ``exclude`` count from its first point (1-based)."""

    label: Label | None
    y: FloatArray | Subgroups
    n: FloatArray | None
    freeze: int | None
    exclude: tuple[int, ...]

    def kept(self, values: FloatArray) -> FloatArray:
        """``values`` of this phase with the excluded points missing."""
        kept = values.copy()
        kept[[position - 1 for position in self.exclude]] = np.nan
        return frozen(kept)


def _split(request: AnalysisRequest) -> list[_Phase]:
    size = len(request.y)
    labels = request.phases
    starts = [0] if labels is None else [0] + [i for i in range(1, size) if labels[i] != labels[i - 1]]
    bounds = zip(starts, [*starts[1:], size], strict=True)
    return [
        _Phase(
            None if labels is None else labels[start],
            request.y[start:end],
            None if request.n is None else request.n[start:end],
            request.freeze if start == 0 else None,
            tuple(position - start for position in request.exclude if start < position <= end),
        )
        for start, end in bounds
    ]


def _where(phase: _Phase) -> str:
    return "the series" if phase.label is None else f"phase {phase.label!r}"


def _chart(chart: Chart, phase: _Phase) -> ChartLimits:
    if chart in _SUBGROUPED:
        groups = cast(Subgroups, phase.y)
        sizes = np.array([sum(not math.isnan(value) for value in group) for group in groups])
        base = _baseline.baseline(sizes.size, phase.freeze, phase.exclude)
        _baseline.require_enough(sizes > 0, base, where=_where(phase))
        if not (sizes >= 2).any():
            raise AnalysisInputError(
                f"{_where(phase)} has no subgroup of two or more values; "
                f"chart '{chart}' needs one to estimate the standard deviation"
            )
        if not (sizes[base.mask] >= 2).any():
            raise AnalysisInputError(
                f"{_where(phase)} has no subgroup of two or more values left in its baseline after the exclusions; "
                f"chart '{chart}' needs one to estimate the standard deviation"
            )
        subgrouped = xbar_chart if chart == "xbar" else s_chart
        return subgrouped(groups, freeze=phase.freeze, exclude=phase.exclude)
    y = cast(FloatArray, phase.y)
    values = y if phase.n is None else _validation.ratio(y, phase.n, chart)
    if np.isnan(values).all():
        raise AnalysisInputError(f"{_where(phase)} has no observation (all values missing or zero denominators)")
    base = _baseline.baseline(values.size, phase.freeze, phase.exclude)
    _baseline.require_enough(~np.isnan(values), base, where=_where(phase))
    if chart in _NEEDS_N:
        return _CHARTS_WITH_N[chart](y, cast(FloatArray, phase.n), freeze=phase.freeze, exclude=phase.exclude)
    return _CHARTS[chart](values, freeze=phase.freeze, exclude=phase.exclude)


class _ChartWithN(Protocol):
    def __call__(
        self, y: FloatArray, n: FloatArray, /, *, freeze: int | None, exclude: Sequence[int]
    ) -> ChartLimits: ...


class _ChartOfValues(Protocol):
    def __call__(self, y: FloatArray, /, *, freeze: int | None, exclude: Sequence[int]) -> ChartLimits: ...


_CHARTS_WITH_N: dict[str, _ChartWithN] = {
    "p": p_chart,
    "pp": pp_chart,
    "u": u_chart,
    "up": up_chart,
}
_CHARTS: dict[str, _ChartOfValues] = {
    "run": run_chart,
    "i": i_chart,
    "mr": mr_chart,
    "c": c_chart,
    "g": g_chart,
    "t": t_chart,
}


def _comparison(
    request: AnalysisRequest, before: _Phase, after: _Phase, plotted: tuple[FloatArray, FloatArray]
) -> Comparison | None:
    """Compare two phases, their excluded points left out."""
    direction, target = request.direction, request.target
    if request.chart in {"p", "pp", "u", "up", "c"}:
        y_before, y_after = before.kept(cast(FloatArray, before.y)), after.kept(cast(FloatArray, after.y))
        if request.chart == "c":
            exposures = (np.ones(y_before.size), np.ones(y_after.size))
            return compare_rates(y_before, exposures[0], y_after, exposures[1], direction=direction, target=target)
        compare = compare_proportions if request.chart in {"p", "pp"} else compare_rates
        n_before, n_after = before.kept(cast(FloatArray, before.n)), after.kept(cast(FloatArray, after.n))
        return compare(y_before, n_before, y_after, n_after, direction=direction, target=target)
    kept = (before.kept(plotted[0]), after.kept(plotted[1]))
    if any(np.isnan(values).all() for values in kept):
        return None
    return compare_continuous(*kept, direction=direction, target=target)


def _analyse_phase(
    request: AnalysisRequest, phase: _Phase, chart: ChartLimits, comparison: Comparison | None
) -> PhaseResult:
    runs = runs_analysis(chart.y, chart.cl, exclude=phase.exclude)
    if request.chart == "mr":  # qicharts2 runs no runs analysis on MR charts
        runs = replace(runs, runs_signal=False, run_signal=np.zeros_like(runs.run_signal))
    # An excluded point is not tested (null in the output): it was explained.
    sigma = sigma_signals(chart) & chart.included
    sigma_defined = limits_defined(chart) & ~np.isnan(chart.y) & chart.included
    nhs = variation = assurance = None
    if request.rules == "nhs":
        tested = replace(chart, y=phase.kept(chart.y))  # excluded points are not tested
        nhs = nhs_signals(tested)
        special_cause = nhs.special_cause
        signal = bool(special_cause.any())
        variation = classify_variation(tested, nhs, request.direction)
        if request.target is not None and request.direction is not None:
            assurance = classify_assurance(chart, request.target, request.direction)
    else:
        special_cause = sigma | runs.run_signal
        signal = runs.runs_signal or bool(special_cause.any())
    return PhaseResult(
        phase=phase.label,
        rules=request.rules,
        chart=chart,
        runs=runs,
        sigma_signal=sigma,
        sigma_defined=sigma_defined,
        special_cause=special_cause,
        signal=signal,
        nhs=nhs,
        variation=variation,
        assurance=assurance,
        comparison=comparison,
    )


def run_analysis(request: AnalysisRequest) -> tuple[PhaseResult, ...]:
    """Analyse each phase of a validated request; phases are independent of each other."""
    phases = _split(request)
    charts = [_chart(request.chart, phase) for phase in phases]
    results = []
    for k, (phase, chart) in enumerate(zip(phases, charts, strict=True)):
        comparison = None
        if k:
            comparison = _comparison(request, phases[k - 1], phase, (charts[k - 1].y, chart.y))
        results.append(_analyse_phase(request, phase, chart, comparison))
    return tuple(results)


def analyse(payload: Mapping[str, object]) -> list[dict[str, Any]]:
    """Analyse a JSON payload; one JSON-serialisable dict per phase, in order.

    This is the one entry point of the engine (the ``ameliora analyse``
    management command calls it). See the module docstring for the payload,
    :meth:`PhaseResult.to_dict` and ``docs/analytics.md`` for the output.

    Raises:
        AnalysisInputError: The payload is malformed or its values are
            impossible for the chart (the message says which and where).
    """
    return [result.to_dict() for result in run_analysis(parse_payload(payload))]
