"""Special-cause rules applied to a chart: Shewhart's 3-sigma rule and NHS "Making Data Count".

Two rule sets are offered (see :mod:`ameliora.analytics.report`):

* ``"anhoej"`` (qicharts2): a point outside the control limits
  (:func:`sigma_signals`) plus the Anhøj runs analysis around the centre line
  (:mod:`ameliora.analytics.runs`).
* ``"nhs"``: the four rules of NHS England's "Making Data Count" programme as
  implemented by the NHS-R community's R package NHSRplotthedots
  (``R/ptd_calculate_point_type.R``, ``R/ptd_calculate_assurance_type.R``,
  https://github.com/nhs-r-community/NHSRplotthedots), applied to the chart's
  own centre line and limits: :func:`nhs_signals`, :func:`classify_variation`
  and :func:`classify_assurance`.
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ameliora.analytics._arrays import BoolArray, IntArray, frozen, in_runs, run_lengths
from ameliora.analytics.charts import ChartLimits

Direction = Literal["up", "down"]
Variation = Literal["improving", "concerning", "common_cause", "special_cause_high", "special_cause_low"]
Assurance = Literal["consistently_met", "consistently_not_met", "inconsistent"]

#: A shift: at least this many consecutive points on the same side of the centre line.
NHS_SHIFT_POINTS = 7
#: A trend: at least this many consecutive points, each higher (or each lower) than
#: the one before, that is ``NHS_TREND_POINTS - 1`` consecutive increases or decreases.
NHS_TREND_POINTS = 7


def limits_defined(chart: ChartLimits) -> BoolArray:
    """Per point: at least one control limit exists."""
    return ~(np.isnan(chart.lcl) & np.isnan(chart.ucl))


def sigma_signals(chart: ChartLimits) -> BoolArray:
    """Per point: ``y > UCL or y < LCL`` (Shewhart's rule; qicharts2's ``sigma.signal``).

    A missing point or limit never signals.
    """
    with np.errstate(invalid="ignore"):
        return (chart.y > chart.ucl) | (chart.y < chart.lcl)


@dataclass(frozen=True, eq=False)
class NhsSignals:
    """Per-point results of the "Making Data Count" rules for one phase.

    Attributes:
        outside: The point is beyond a control limit.
        shift: The point belongs to a run of at least :data:`NHS_SHIFT_POINTS`
            consecutive points on the same side of the centre line (a point on
            the line breaks the run).
        trend: The point belongs to a run of at least :data:`NHS_TREND_POINTS`
            consecutive points each strictly higher (or each strictly lower)
            than the previous one.
        two_in_three: The point is beyond its 2-sigma line (but within the
            limits) and, with at least one other such point, lies in a window of
            three consecutive points all on the same side of the centre line.
        special_cause: Any of the above.
        side: Direction of the special cause at the point: ``+1`` high or
            increasing, ``-1`` low or decreasing, ``0`` none. Priority as in
            NHSRplotthedots: outside, then trend (its direction), then two in
            three, then shift (their side of the centre line).
    """

    outside: BoolArray
    shift: BoolArray
    trend: BoolArray
    two_in_three: BoolArray
    special_cause: BoolArray
    side: IntArray


def _runs_at_least(values: IntArray, minimum: int) -> BoolArray:
    """Positions in runs of at least ``minimum`` equal, non-zero values."""
    starts, lengths = run_lengths(values)
    return in_runs(values.size, starts, lengths, (lengths >= minimum) & (values[starts] != 0))


def nhs_signals(chart: ChartLimits) -> NhsSignals:
    """Apply the four "Making Data Count" rules to one phase (NHSRplotthedots).

    The rules look at the non-missing points in order, skipping missing ones:

    1. a point outside the control limits;
    2. a shift, :data:`NHS_SHIFT_POINTS` points in a row on one side of the
       centre line;
    3. a trend, :data:`NHS_TREND_POINTS` points in a row each higher (or each
       lower) than the previous one; equal consecutive values break a trend;
    4. two out of three consecutive points beyond the 2-sigma line, on the same
       side of the centre line as the third (NHSRplotthedots's
       ``ptd_two_in_three``: only points within the limits count as close to
       them, and only those points are flagged).
    """
    present = np.flatnonzero(~np.isnan(chart.y))
    y = chart.y[present]
    with np.errstate(invalid="ignore"):
        side = np.sign(y - chart.cl)
        side = np.where(np.isnan(side), 0, side).astype(np.int64)
        outside = (y > chart.ucl[present]) | (y < chart.lcl[present])
        close = ~outside & ((y > chart.ucl_2sigma[present]) | (y < chart.lcl_2sigma[present]))

    shift = _runs_at_least(side, NHS_SHIFT_POINTS)

    steps = np.sign(np.diff(y)).astype(np.int64)
    trend_steps = _runs_at_least(steps, NHS_TREND_POINTS - 1)
    trend = np.zeros(y.size, dtype=np.bool_)
    trend[:-1] |= trend_steps
    trend[1:] |= trend_steps
    # A point joining two trends takes the direction of the one on its right.
    trend_side = np.zeros(y.size, dtype=np.int64)
    trend_side[1:] = np.where(trend_steps, steps, 0)
    trend_side[:-1] = np.where(trend_steps, steps, trend_side[:-1])

    two_in_three = np.zeros(y.size, dtype=np.bool_)
    if y.size >= 3:
        close_count = close[:-2].astype(np.int64) + close[1:-1] + close[2:]
        side_sum = side[:-2] + side[1:-1] + side[2:]
        window = (close_count >= 2) & (np.abs(side_sum) == 3)
        in_window = np.zeros(y.size, dtype=np.bool_)
        for offset in range(3):
            in_window[offset : offset + window.size] |= window
        two_in_three = in_window & close

    point_side = np.select([outside, trend, two_in_three | shift], [side, trend_side, side], 0)

    def spread(values: BoolArray) -> BoolArray:
        full = np.zeros(chart.y.size, dtype=np.bool_)
        full[present] = values
        return frozen(full)

    full_side = np.zeros(chart.y.size, dtype=np.int64)
    full_side[present] = point_side
    return NhsSignals(
        outside=spread(outside),
        shift=spread(shift),
        trend=spread(trend),
        two_in_three=spread(two_in_three),
        special_cause=spread(outside | shift | trend | two_in_three),
        side=frozen(full_side),
    )


def classify_variation(chart: ChartLimits, signals: NhsSignals, direction: Direction | None) -> Variation | None:
    """Variation icon of a phase: the state of its last non-missing point (NHSRplotthedots).

    ``"common_cause"`` if that point shows no special cause; otherwise, given
    the direction of improvement (``"up"``: higher is better), ``"improving"``
    when the special cause is on the improving side and ``"concerning"`` when
    not; without a direction, ``"special_cause_high"`` or
    ``"special_cause_low"``. ``None`` when every point is missing.
    """
    present = np.flatnonzero(~np.isnan(chart.y))
    if present.size == 0:
        return None
    last = present[-1]
    side = int(signals.side[last])
    if not signals.special_cause[last] or side == 0:
        return "common_cause"
    if direction is None:
        return "special_cause_high" if side > 0 else "special_cause_low"
    return "improving" if side * (1 if direction == "up" else -1) > 0 else "concerning"


def classify_assurance(chart: ChartLimits, target: float, direction: Direction) -> Assurance | None:
    """Assurance icon of a phase against a target (NHSRplotthedots ``ptd_calculate_assurance_type``).

    Uses the limits of the phase's last point with a limit:

    * target above the UCL: every value is expected below the target, which is
      ``"consistently_not_met"`` when higher is better (``direction="up"``) and
      ``"consistently_met"`` when lower is better;
    * target below the LCL: the reverse;
    * otherwise (between the limits, or on one) ``"inconsistent"``.

    ``None`` when the phase has no limits (run charts).
    """
    defined = np.flatnonzero(limits_defined(chart))
    if defined.size == 0:
        return None
    last = defined[-1]
    higher_is_better = direction == "up"
    if target > chart.ucl[last]:
        return "consistently_not_met" if higher_is_better else "consistently_met"
    if target < chart.lcl[last]:
        return "consistently_met" if higher_is_better else "consistently_not_met"
    return "inconsistent"
