"""Runs analysis with the Anhøj rules, as implemented by the R package qicharts2.

Source: qicharts2 ``runs.analysis()`` in ``R/helper.functions.R``
(https://github.com/anhoej/qicharts2); Anhøj J, Olesen AV (2014), "Run charts
revisited: a simulation study of run chart rules for detection of non-random
variation in health care processes", PLoS One 9(11): e113825; Anhøj J (2015),
PLoS One 10(3): e0121349.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ameliora.analytics._arrays import BoolArray, Values, as_float_array, frozen, in_runs, run_lengths
from ameliora.analytics._baseline import check_exclude
from ameliora.analytics._scipy import binom_ppf


def longest_run_max(n_useful: int) -> int:
    """Upper prediction limit for the longest run: ``round(log2(n_useful) + 3)``.

    Schilling (2012), as used by qicharts2 (``round(log2(n.useful)) + 3``).
    Python's :func:`round`, like R's, rounds halves to even (IEC 60559); for an
    integer ``n_useful`` the logarithm is never exactly a half, so both agree.

    >>> longest_run_max(10), longest_run_max(20), longest_run_max(30)
    (6, 7, 8)
    """
    if n_useful < 1:
        raise ValueError("n_useful must be at least 1")
    return round(math.log2(n_useful) + 3)


def crossings_min(n_useful: int) -> int:
    """Lower prediction limit for the number of crossings: ``qbinom(0.05, n_useful - 1, 0.5)``.

    Chen (2010), as used by qicharts2: the 5th percentile of the number of
    crossings of a random sequence, ``Binomial(n_useful - 1, 0.5)``, computed
    with :func:`scipy.stats.binom.ppf` (the same quantile definition as R's
    ``qbinom``).

    >>> crossings_min(10), crossings_min(20), crossings_min(30)
    (2, 6, 10)
    """
    if n_useful < 1:
        raise ValueError("n_useful must be at least 1")
    return binom_ppf(0.05, n_useful - 1, 0.5)


@dataclass(frozen=True, eq=False)
class RunsAnalysis:
    """Result of the Anhøj runs analysis of one phase (qicharts2 summary names).

    The per-run fields are ``None`` when the phase has no useful observation,
    exactly where qicharts2 reports ``NA``.

    Attributes:
        n_obs: Number of points, missing ones included, excluded ones not
            (qicharts2: ``length(y[include])``).
        n_useful: Points neither missing nor on the centre line.
        longest_run: Longest run of useful points on the same side of the centre line.
        longest_run_max: Its upper limit, :func:`longest_run_max`.
        n_crossings: Number of times consecutive useful points change side.
        n_crossings_min: Its lower limit, :func:`crossings_min`.
        runs_signal: ``longest_run > longest_run_max or n_crossings < n_crossings_min``.
        run_signal: Per point: the point is a useful point of a run longer than
            ``longest_run_max``. An unusually low number of crossings signals the
            phase as a whole and flags no point.
    """

    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    runs_signal: bool
    run_signal: BoolArray


def runs_analysis(y: Values, cl: float | Values, *, exclude: Sequence[int] = ()) -> RunsAnalysis:
    """Anhøj runs analysis of ``y`` around the centre line ``cl`` (qicharts2 ``runs.analysis``).

    Each point's side is ``sign(y - cl)``. Points on the centre line (side 0),
    missing points (``NaN``) and excluded points (``exclude``, 1-based
    positions: qicharts2 analyses ``y[include]``) are not useful: they neither
    break nor extend a run. Over the useful points, in order:

    * a run is a maximal sequence of points on the same side;
    * ``longest_run`` is the length of the longest run;
    * ``n_crossings`` is the number of runs minus one;
    * ``runs_signal = longest_run > longest_run_max or n_crossings < n_crossings_min``.

    Args:
        y: The plotted values of one phase.
        cl: The centre line, a scalar or one value per point.
        exclude: 1-based positions of the points left out of the analysis.
    """
    values = as_float_array(y)
    included = np.ones(values.size, dtype=np.bool_)
    included[[position - 1 for position in check_exclude(exclude, values.size)]] = False
    n_obs = int(np.count_nonzero(included))
    with np.errstate(invalid="ignore"):
        side = np.sign(values - np.asarray(cl, dtype=np.float64))
    useful = included & ~np.isnan(side) & (side != 0)
    sides = side[useful]
    n_useful = int(sides.size)
    run_signal = np.zeros(values.size, dtype=np.bool_)
    if n_useful == 0:
        return RunsAnalysis(
            n_obs=n_obs,
            n_useful=0,
            longest_run=None,
            longest_run_max=None,
            n_crossings=None,
            n_crossings_min=None,
            runs_signal=False,
            run_signal=frozen(run_signal),
        )
    starts, lengths = run_lengths(sides)
    longest = int(lengths.max())
    crossings = int(lengths.size - 1)
    run_max = longest_run_max(n_useful)
    cross_min = crossings_min(n_useful)
    run_signal[np.flatnonzero(useful)] = in_runs(n_useful, starts, lengths, lengths > run_max)
    return RunsAnalysis(
        n_obs=n_obs,
        n_useful=n_useful,
        longest_run=longest,
        longest_run_max=run_max,
        n_crossings=crossings,
        n_crossings_min=cross_min,
        runs_signal=longest > run_max or crossings < cross_min,
        run_signal=frozen(run_signal),
    )


@dataclass(frozen=True)
class Run:
    """One run: consecutive useful points on one side of a centre line.

    Attributes:
        points: 0-based positions of the run's points, in order. Points that
            neither break nor extend the run (missing, excluded, or on the
            centre line where it does not break runs) are not in it.
        side: ``1`` above the centre line, ``-1`` below.
    """

    points: tuple[int, ...]
    side: int

    @property
    def start(self) -> int:
        return self.points[0]

    @property
    def end(self) -> int:
        return self.points[-1]

    @property
    def length(self) -> int:
        return len(self.points)


def runs_of(
    y: Values, cl: float | Values, *, exclude: Sequence[int] = (), centre_breaks: bool = False
) -> tuple[Run, ...]:
    """Every run of ``y`` around ``cl``, in order, with the positions of its points.

    Anhøj's rule (``centre_breaks=False``, qicharts2 ``runs.analysis``): a point
    on the centre line, a missing point or an excluded one (1-based positions)
    neither breaks nor extends a run, so the lengths are those
    :func:`runs_analysis` counts. The NHS shift rule (``centre_breaks=True``,
    NHSRplotthedots): a point on the centre line breaks the run; missing and
    excluded points are skipped.
    """
    values = as_float_array(y)
    included = np.ones(values.size, dtype=np.bool_)
    included[[position - 1 for position in check_exclude(exclude, values.size)]] = False
    with np.errstate(invalid="ignore"):
        side = np.sign(values - np.asarray(cl, dtype=np.float64))
    runs: list[Run] = []
    current: list[int] = []
    current_side = 0
    for position in np.flatnonzero(included & ~np.isnan(side)):
        point_side = int(side[position])
        if point_side == 0:
            if centre_breaks and current:
                runs.append(Run(points=tuple(current), side=current_side))
                current, current_side = [], 0
            continue
        if point_side != current_side and current:
            runs.append(Run(points=tuple(current), side=current_side))
            current = []
        current.append(int(position))
        current_side = point_side
    if current:
        runs.append(Run(points=tuple(current), side=current_side))
    return tuple(runs)
