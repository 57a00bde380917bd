"""Centre lines and control limits of one phase, following the R package qicharts2.

Every function takes the data of one phase and returns a :class:`ChartLimits`.
The formulas are those of qicharts2's ``qic.run``, ``qic.i``, ``qic.mr``,
``qic.xbar``, ``qic.s``, ``qic.p``, ``qic.pp``, ``qic.u``, ``qic.up``,
``qic.c``, ``qic.g`` and ``qic.t`` in ``R/helper.functions.R``
(https://github.com/anhoej/qicharts2, version 0.7), which cite Montgomery,
*Introduction to Statistical Quality Control* (6th ed., 2009), Nelson (1982),
*Control charts for individual measurements*, J Qual Technol 14(3):172-173,
Laney (2002), *Improved control charts for attributes*, Qual Eng
14(4):531-537, and Provost & Murray, *The Health Care Data Guide* (2011).

Every function takes ``freeze`` and ``exclude`` as qicharts2's ``qic()``:
the centre line and limits are computed from the first ``freeze`` points
(the baseline) less the points listed in ``exclude`` (1-based positions), and drawn
over every point; see :mod:`ameliora.analytics._baseline`.

Missing values are ``NaN``; limits that do not exist (run charts) or cannot be
computed (a missing denominator, a single point) are ``NaN`` as well, like the
``NA`` limits of qicharts2. Besides the 3-sigma limits each chart carries the
2-sigma lines (qicharts2's ``lcl.95`` / ``ucl.95``) that the NHS "two out of
three" rule needs.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ameliora.analytics import _validation
from ameliora.analytics._arrays import (
    BoolArray,
    FloatArray,
    Values,
    as_float_array,
    frozen,
    mean_na_rm,
    median_na_rm,
)
from ameliora.analytics._baseline import Baseline, baseline, require_enough
from ameliora.analytics._scipy import gammaln

#: ``d2`` for moving ranges of two points: ``sigma = mean moving range / 1.128``.
D2 = 1.128
#: ``D4`` for moving ranges of two points: upper range limit ``3.267 * mean moving range``.
D4 = 3.267
#: Exponent of the T chart's transformation, ``y ** (1 / 3.6)`` (Nelson 1994).
T_EXPONENT = 3.6


@dataclass(frozen=True, eq=False)
class ChartLimits:
    """Plotted statistic, centre line and limits of one phase of a chart.

    Attributes:
        chart: The chart type (``"run"``, ``"i"``, ``"p"``...).
        y: The plotted statistic, one value per point (``NaN`` where missing).
        cl: The centre line.
        lcl: Lower 3-sigma control limit per point.
        ucl: Upper 3-sigma control limit per point.
        lcl_2sigma: Lower 2-sigma line per point.
        ucl_2sigma: Upper 2-sigma line per point.
        freeze: Number of baseline points that computed the centre line and
            limits (qicharts2's ``freeze``), ``None`` when all points did.
        excluded: Per point, left out of the computation (qicharts2's
            ``exclude``); ``None`` when no point was.
    """

    chart: str
    y: FloatArray
    cl: float
    lcl: FloatArray
    ucl: FloatArray
    lcl_2sigma: FloatArray
    ucl_2sigma: FloatArray
    freeze: int | None = None
    excluded: BoolArray | None = None

    @property
    def included(self) -> BoolArray:
        """Per point: not excluded from the computation of the centre line and limits."""
        if self.excluded is None:
            return np.ones(self.y.size, dtype=np.bool_)
        return ~self.excluded


def _limit(values: FloatArray | float, size: int) -> FloatArray:
    """One limit per point; non-finite limits become ``NaN`` (qicharts2's ``qic.agg``)."""
    array = np.broadcast_to(np.asarray(values, dtype=np.float64), (size,)).copy()
    array[~np.isfinite(array)] = np.nan
    return frozen(array)


def _chart(
    chart: str,
    y: FloatArray,
    cl: float,
    lower: tuple[FloatArray | float, FloatArray | float],
    upper: tuple[FloatArray | float, FloatArray | float],
    *,
    base: Baseline,
) -> ChartLimits:
    """Assemble a result from ``(3-sigma, 2-sigma)`` lower and upper lines."""
    size = y.size
    return ChartLimits(
        chart=chart,
        y=frozen(y),
        cl=cl,
        lcl=_limit(lower[0], size),
        ucl=_limit(upper[0], size),
        lcl_2sigma=_limit(lower[1], size),
        ucl_2sigma=_limit(upper[1], size),
        freeze=base.freeze,
        excluded=base.excluded if base.excluded.any() else None,
    )


def _baseline(present: BoolArray, freeze: int | None, exclude: Sequence[int]) -> Baseline:
    """Validate ``freeze`` and ``exclude`` against a series whose points with a value are ``present``."""
    base = baseline(present.size, freeze, exclude)
    require_enough(present, base)
    return base


def _symmetric(
    chart: str,
    y: FloatArray,
    cl: float,
    stdev: FloatArray | float,
    base: Baseline,
    *,
    floor: float | None = None,
    ceiling: float | None = None,
) -> ChartLimits:
    """``cl -/+ 3 stdev`` and ``cl -/+ 2 stdev``, clipped to ``[floor, ceiling]`` where finite."""
    with np.errstate(invalid="ignore"):
        lines = [cl - k * np.asarray(stdev, dtype=np.float64) for k in (3, 2)]
        lines += [cl + k * np.asarray(stdev, dtype=np.float64) for k in (3, 2)]
        if floor is not None:
            lines[0:2] = [np.where(np.isfinite(x) & (x < floor), floor, x) for x in lines[0:2]]
        if ceiling is not None:
            lines[2:4] = [np.where(np.isfinite(x) & (x > ceiling), ceiling, x) for x in lines[2:4]]
    return _chart(chart, y, cl, (lines[0], lines[1]), (lines[2], lines[3]), base=base)


def _finite_values(values: Values) -> FloatArray:
    y = as_float_array(values)
    _validation.require_bounded("y", y)
    return y


def average_moving_range(values: Values, *, screened: bool = True) -> float:
    """Mean of the moving ranges ``|y[i] - y[i-1]|`` of consecutive points (qicharts2 ``qic.i``).

    Moving ranges involving a missing point are missing and ignored. With
    ``screened`` (Nelson 1982, qicharts2's ``qic.screenedmr`` option, which
    qicharts2 sets when the package is attached and which its documentation
    describes), moving ranges not below the upper range limit
    ``3.267 * AMR`` are dropped and the mean is recomputed once.
    """
    y = as_float_array(values)
    moving_ranges = np.abs(np.diff(y))
    amr = mean_na_rm(moving_ranges)
    if screened:
        with np.errstate(invalid="ignore"):
            amr = mean_na_rm(moving_ranges[moving_ranges < D4 * amr])
    return amr


def run_chart(y: Values, *, freeze: int | None = None, exclude: Sequence[int] = ()) -> ChartLimits:
    """Run chart: centre line = median of the non-missing baseline values, no limits (qicharts2 ``qic.run``)."""
    values = _finite_values(y)
    base = _baseline(~np.isnan(values), freeze, exclude)
    nan = math.nan
    return _chart("run", values, median_na_rm(values[base.mask]), (nan, nan), (nan, nan), base=base)


def i_chart(y: Values, *, screened: bool = True, freeze: int | None = None, exclude: Sequence[int] = ()) -> ChartLimits:
    """Individuals (I, XmR) chart (qicharts2 ``qic.i``; Montgomery eq. 6.33).

    ``CL = mean(y)``; ``sigma = AMR / 1.128`` with AMR from
    :func:`average_moving_range` (screened by default, see there);
    limits ``CL -/+ 3 sigma`` (2-sigma lines ``CL -/+ 2 sigma``). The mean and
    the moving ranges are those of the baseline points left after the
    exclusions, taken in order: as in qicharts2 (``diff(y[base])``), the
    points on either side of an excluded one make a moving range.
    """
    values = _finite_values(y)
    base = _baseline(~np.isnan(values), freeze, exclude)
    return _i_limits("i", values, base, screened=screened)


def _i_limits(chart: str, values: FloatArray, base: Baseline, *, screened: bool) -> ChartLimits:
    kept = values[base.mask]
    stdev = average_moving_range(kept, screened=screened) / D2
    return _symmetric(chart, values, mean_na_rm(kept), stdev, base)


def mr_chart(y: Values, *, freeze: int | None = None, exclude: Sequence[int] = ()) -> ChartLimits:
    """Moving range chart (qicharts2 ``qic.mr``).

    Plotted ``MR[i] = |y[i] - y[i-1]|`` (missing for the first point of the
    phase); ``CL = mean(MR)``; ``UCL = 3.267 CL``; ``LCL = 0``; 2-sigma line
    ``(3.267 / 3) * 2 * CL``. qicharts2 does not use runs analysis on MR charts
    (consecutive moving ranges are correlated); :mod:`report` follows it.
    The mean is taken over the moving ranges at the baseline positions not
    excluded (qicharts2 ``mean(y[base])`` on the moving ranges: excluding point
    ``i`` drops ``MR[i]``).
    """
    values = _finite_values(y)
    base = _baseline(~np.isnan(values), freeze, exclude)
    moving_ranges = np.concatenate(([np.nan], np.abs(np.diff(values))))
    cl = mean_na_rm(moving_ranges[base.mask])
    return _chart("mr", moving_ranges, cl, (0.0, 0.0), (D4 * cl, D4 / 3 * 2 * cl), base=base)


def c4(n: Values) -> FloatArray:
    """Bias correction ``c4(n) = sqrt(2 / (n - 1)) * Gamma(n / 2) / Gamma((n - 1) / 2)``; ``NaN`` for ``n <= 1``.

    Computed through log-gamma as in qicharts2 (exact, not the tabulated values).
    """
    sizes = np.asarray(n, dtype=np.float64)
    valid = sizes > 1
    safe = np.where(valid, sizes, 2.0)
    result = np.sqrt(2 / (safe - 1)) * np.exp(gammaln(safe / 2) - gammaln((safe - 1) / 2))
    return np.where(valid, result, np.nan)


def _a3(n: FloatArray, k: float) -> FloatArray:
    """``A3 = k / (c4(n) sqrt(n))`` (``k = 3`` for the control limits, 2 for the 2-sigma lines)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return k / (c4(n) * np.sqrt(n))


def _b3_b4(n: FloatArray, k: float) -> tuple[FloatArray, FloatArray]:
    """``B3 = max(0, 1 - k c5 / c4)`` and ``B4 = 1 + k c5 / c4`` with ``c5 = sqrt(1 - c4^2)``."""
    c4n = c4(n)
    with np.errstate(invalid="ignore"):
        spread = k * np.sqrt(1 - c4n**2) / c4n
        return np.fmax(0.0, 1 - spread), 1 + spread


@dataclass(frozen=True, eq=False)
class _Subgroups:
    sizes: FloatArray
    means: FloatArray
    sds: FloatArray
    sigma: float
    base: Baseline


def _subgroups(subgroups: Sequence[Sequence[float | None]], freeze: int | None, exclude: Sequence[int]) -> _Subgroups:
    """Size, mean and standard deviation of each subgroup, and the phase's sigma estimate.

    Sizes count the non-missing values. The sample standard deviation uses
    ``n - 1`` and is missing for subgroups of fewer than two values. The sigma
    estimate (qicharts2 ``qic.xbar`` / ``qic.s``) is ``mean(s_i)`` when all
    subgroups have the same size (Montgomery eq. 6.29), otherwise the pooled
    ``sqrt(sum((n_i - 1) s_i^2) / sum(n_i - 1))`` (Montgomery eq. 6.31).
    Empty subgroups are left out of both (qicharts2 would add ``-1`` to the
    pooled denominator for them). The estimate uses the baseline subgroups not
    excluded; whether sizes are equal is decided on all the subgroups, as in
    qicharts2.
    """
    lengths = np.fromiter((len(group) for group in subgroups), dtype=np.int64, count=len(subgroups))
    flat = as_float_array([math.nan if value is None else value for group in subgroups for value in group])
    _validation.require_bounded("y", flat)
    ids = np.repeat(np.arange(lengths.size), lengths)
    kept = ~np.isnan(flat)
    sizes = np.bincount(ids[kept], minlength=lengths.size).astype(np.float64)
    totals = np.bincount(ids[kept], weights=flat[kept], minlength=lengths.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(sizes > 0, totals / sizes, np.nan)
        squares = np.bincount(ids[kept], weights=(flat[kept] - means[ids[kept]]) ** 2, minlength=lengths.size)
        sds = np.where(sizes > 1, np.sqrt(squares / (sizes - 1)), np.nan)
    present = sizes > 0
    base = _baseline(present, freeze, exclude)
    used = base.mask
    if np.unique(sizes[present]).size > 1:
        has_sd = used & ~np.isnan(sds)
        pooled = np.sum((sizes[has_sd] - 1) * sds[has_sd] ** 2) / np.sum(sizes[used & present] - 1)
        sigma = float(np.sqrt(pooled))
    else:
        sigma = mean_na_rm(sds[used])
    return _Subgroups(sizes=sizes, means=means, sds=sds, sigma=sigma, base=base)


def xbar_chart(
    y: Sequence[Sequence[float | None]], *, freeze: int | None = None, exclude: Sequence[int] = ()
) -> ChartLimits:
    """Xbar chart of subgroup means (qicharts2 ``qic.xbar``; Montgomery eqs. 6.29-6.31).

    ``y`` holds one list of values per subgroup (``None`` or ``NaN`` for a
    missing value). Plotted: subgroup means. ``CL = sum(n_i xbar_i) / sum(n_i)``
    (the grand mean); ``s`` is the sigma estimate described in
    :func:`_subgroups`; limits per point ``CL -/+ A3(n_i) s`` with
    ``A3(n) = 3 / (c4(n) sqrt(n))`` (2-sigma: ``2 / (c4(n) sqrt(n))``). The
    grand mean and ``s`` come from the baseline subgroups not excluded.
    """
    groups = _subgroups(y, freeze, exclude)
    present = groups.base.mask & (groups.sizes > 0)
    total = float(np.sum(groups.sizes[present]))
    cl = float(np.sum(groups.sizes[present] * groups.means[present])) / total if total > 0 else math.nan
    lines = [cl + sign * _a3(groups.sizes, k) * groups.sigma for sign, k in ((-1, 3), (-1, 2), (1, 3), (1, 2))]
    return _chart("xbar", groups.means, cl, (lines[0], lines[1]), (lines[2], lines[3]), base=groups.base)


def s_chart(
    y: Sequence[Sequence[float | None]], *, freeze: int | None = None, exclude: Sequence[int] = ()
) -> ChartLimits:
    """S chart of subgroup standard deviations (qicharts2 ``qic.s``; Montgomery eqs. 6.29-6.31).

    Plotted: subgroup standard deviations ``s_i``. ``CL`` = the sigma estimate
    (``mean(s_i)`` for equal sizes, pooled otherwise); ``LCL = B3(n_i) CL``,
    ``UCL = B4(n_i) CL`` with ``B3 = max(0, 1 - 3 c5 / c4)``,
    ``B4 = 1 + 3 c5 / c4``, ``c5 = sqrt(1 - c4^2)`` (2-sigma: 2 instead of 3).
    ``CL`` comes from the baseline subgroups not excluded.
    """
    groups = _subgroups(y, freeze, exclude)
    cl = groups.sigma
    b3, b4 = _b3_b4(groups.sizes, 3)
    b3_2, b4_2 = _b3_b4(groups.sizes, 2)
    return _chart("s", groups.sds, cl, (b3 * cl, b3_2 * cl), (b4 * cl, b4_2 * cl), base=groups.base)


def _counts_and_denominators(y: Values, n: Values, chart: str) -> tuple[FloatArray, FloatArray, FloatArray]:
    counts = as_float_array(y)
    denominators = as_float_array(n)
    _validation.require_counts(counts, chart)
    rates = _validation.ratio(counts, denominators, chart)
    return counts, denominators, rates


def _pooled_ratio(counts: FloatArray, denominators: FloatArray, rates: FloatArray, base: Baseline) -> float:
    """``sum(y) / sum(n)`` over the baseline points not excluded where the ratio exists."""
    present = ~np.isnan(rates) & base.mask
    total = float(np.sum(denominators[present]))
    return float(np.sum(counts[present])) / total if total > 0 else math.nan


def _laney_sigma_z(rates: FloatArray, cl: float, stdev: FloatArray, base: Baseline, *, screened: bool) -> float:
    """Laney's ``sigma_z = AMR(z) / 1.128`` of the standardised values ``z_i = (y_i - CL) / sigma_i``.

    Over the baseline points not excluded, in order (qicharts2 ``z_i <- (y[base] - cl) / stdev[base]``).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (rates[base.mask] - cl) / stdev[base.mask]
    return average_moving_range(z, screened=screened) / D2


def _proportion_stdev(
    y: Values, n: Values, chart: str, freeze: int | None, exclude: Sequence[int]
) -> tuple[FloatArray, float, FloatArray, Baseline]:
    counts, denominators, rates = _counts_and_denominators(y, n, chart)
    _validation.require_proportions(counts, denominators, chart)
    base = _baseline(~np.isnan(rates), freeze, exclude)
    cl = _pooled_ratio(counts, denominators, rates, base)
    with np.errstate(invalid="ignore", divide="ignore"):
        stdev = np.sqrt(cl * (1 - cl) / np.where(np.isnan(rates), np.nan, denominators))
    return rates, cl, stdev, base


def p_chart(y: Values, n: Values, *, freeze: int | None = None, exclude: Sequence[int] = ()) -> ChartLimits:
    """P chart of proportions ``y_i / n_i`` (qicharts2 ``qic.p``; Montgomery ch. 7).

    ``CL = sum(y) / sum(n)`` over the baseline points not excluded;
    ``sigma_i = sqrt(CL (1 - CL) / n_i)``; limits ``CL -/+ 3 sigma_i`` per
    point, clipped to ``[0, 1]``.
    """
    rates, cl, stdev, base = _proportion_stdev(y, n, "p", freeze, exclude)
    return _symmetric("p", rates, cl, stdev, base, floor=0.0, ceiling=1.0)


def pp_chart(
    y: Values, n: Values, *, screened: bool = True, freeze: int | None = None, exclude: Sequence[int] = ()
) -> ChartLimits:
    """Laney's P' chart (qicharts2 ``qic.pp``; Laney 2002).

    As :func:`p_chart`, with ``sigma_i`` multiplied by
    ``sigma_z = AMR(z) / 1.128`` where ``z_i = (p_i - CL) / sigma_i`` and AMR
    is the (screened, see :func:`average_moving_range`) mean moving range of
    consecutive ``z_i`` of the baseline points not excluded. Limits clipped
    to ``[0, 1]``.
    """
    rates, cl, stdev, base = _proportion_stdev(y, n, "pp", freeze, exclude)
    sigma_z = _laney_sigma_z(rates, cl, stdev, base, screened=screened)
    return _symmetric("pp", rates, cl, stdev * sigma_z, base, floor=0.0, ceiling=1.0)


def _rate_stdev(
    y: Values, n: Values, chart: str, freeze: int | None, exclude: Sequence[int]
) -> tuple[FloatArray, float, FloatArray, Baseline]:
    counts, exposures, rates = _counts_and_denominators(y, n, chart)
    base = _baseline(~np.isnan(rates), freeze, exclude)
    cl = _pooled_ratio(counts, exposures, rates, base)
    with np.errstate(invalid="ignore", divide="ignore"):
        stdev = np.sqrt(cl / np.where(np.isnan(rates), np.nan, exposures))
    return rates, cl, stdev, base


def u_chart(y: Values, n: Values, *, freeze: int | None = None, exclude: Sequence[int] = ()) -> ChartLimits:
    """U chart of rates ``y_i / n_i`` (qicharts2 ``qic.u``; Montgomery eq. 7.19).

    ``CL = sum(y) / sum(n)`` over the baseline points not excluded;
    ``sigma_i = sqrt(CL / n_i)``; limits ``CL -/+ 3 sigma_i`` per point, the
    lower one clipped at 0.
    """
    rates, cl, stdev, base = _rate_stdev(y, n, "u", freeze, exclude)
    return _symmetric("u", rates, cl, stdev, base, floor=0.0)


def up_chart(
    y: Values, n: Values, *, screened: bool = True, freeze: int | None = None, exclude: Sequence[int] = ()
) -> ChartLimits:
    """Laney's U' chart (qicharts2 ``qic.up``; Laney 2002).

    As :func:`u_chart`, with ``sigma_i`` multiplied by Laney's ``sigma_z``
    (see :func:`pp_chart`). Lower limit clipped at 0.
    """
    rates, cl, stdev, base = _rate_stdev(y, n, "up", freeze, exclude)
    sigma_z = _laney_sigma_z(rates, cl, stdev, base, screened=screened)
    return _symmetric("up", rates, cl, stdev * sigma_z, base, floor=0.0)


def c_chart(y: Values, *, freeze: int | None = None, exclude: Sequence[int] = ()) -> ChartLimits:
    """C chart of counts (qicharts2 ``qic.c``; Montgomery eq. 7.17).

    ``CL = mean(y)`` over the baseline points not excluded; ``sigma = sqrt(CL)``;
    limits ``CL -/+ 3 sigma``, the lower one clipped at 0.
    """
    counts = as_float_array(y)
    _validation.require_counts(counts, "c")
    base = _baseline(~np.isnan(counts), freeze, exclude)
    cl = mean_na_rm(counts[base.mask])
    return _symmetric("c", counts, cl, math.sqrt(cl) if cl >= 0 else math.nan, base, floor=0.0)


def g_chart(y: Values, *, freeze: int | None = None, exclude: Sequence[int] = ()) -> ChartLimits:
    """G chart of the number of opportunities (e.g. cases, days) between events (qicharts2 ``qic.g``).

    The limits come from the geometric distribution's mean (Montgomery p. 319):
    ``m = mean(y)``, ``sigma = sqrt(m (m + 1))``, limits ``m -/+ 3 sigma`` with
    the lower one clipped at 0. The centre line is then the *median* of ``y``,
    as in qicharts2, because the data are skewed and the runs analysis needs
    a median. Mean and median are those of the baseline points not excluded.
    """
    values = _finite_values(y)
    _validation.require_non_negative("y", values, "g", "counts of opportunities between events")
    base = _baseline(~np.isnan(values), freeze, exclude)
    kept = values[base.mask]
    mean = mean_na_rm(kept)
    limits = _symmetric("g", values, mean, math.sqrt(mean * (mean + 1)), base, floor=0.0)
    return replace(limits, cl=median_na_rm(kept))


def t_chart(y: Values, *, screened: bool = True, freeze: int | None = None, exclude: Sequence[int] = ()) -> ChartLimits:
    """T chart of times between rare events (qicharts2 ``qic.t``).

    The times (all > 0) are transformed to ``y ** (1 / 3.6)``, an I chart
    (:func:`i_chart`) is computed on the transformed values, and its centre
    line and limits are transformed back with ``** 3.6``. A lower limit that
    is negative or undefined on the transformed scale becomes 0, as in
    qicharts2. The plotted values are the original times. The I chart uses the
    baseline points not excluded (see :func:`i_chart`).
    """
    values = _finite_values(y)
    _validation.require_positive("y", values, "t", "times between events")
    base = _baseline(~np.isnan(values), freeze, exclude)
    transformed = _i_limits("t", values ** (1 / T_EXPONENT), base, screened=screened)

    def back(line: FloatArray, *, lower: bool) -> FloatArray:
        with np.errstate(invalid="ignore"):
            result = np.power(line, T_EXPONENT)
        return np.where(np.isnan(result), 0.0, result) if lower else result

    return _chart(
        "t",
        values,
        transformed.cl**T_EXPONENT,
        (back(transformed.lcl, lower=True), back(transformed.lcl_2sigma, lower=True)),
        (back(transformed.ucl, lower=False), back(transformed.ucl_2sigma, lower=False)),
        base=base,
    )
