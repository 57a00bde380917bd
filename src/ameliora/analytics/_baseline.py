"""Which points compute the centre line and limits: qicharts2's ``freeze`` and ``exclude``.

qicharts2 (``qic.agg`` in ``R/helper.functions.R``) marks each point with
``baseline = xx <= freeze`` and ``include = !xx %in% exclude`` (``xx`` the
1-based position) and every chart function computes its centre line and limits
from the points where ``baseline & include``; the limits are then drawn over
every point. Positions here are 1-based, as in qicharts2 and in the JSON
payload; they count the points of the series given to the function.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ameliora.analytics._arrays import BoolArray, frozen
from ameliora.analytics.errors import AnalysisInputError

#: The fewest baseline points: an I chart needs one moving range.
MIN_FREEZE = 2


@dataclass(frozen=True, eq=False)
class Baseline:
    """The points of a series that compute its centre line and limits.

    Attributes:
        freeze: Number of baseline points (the first ``freeze`` points), or
            ``None`` when every point belongs to the baseline.
        excluded: Per point, excluded from the computation (it stays plotted).
    """

    freeze: int | None
    excluded: BoolArray

    @property
    def mask(self) -> BoolArray:
        """Per point: within the baseline and not excluded (qicharts2's ``baseline & include``)."""
        mask = ~self.excluded
        if self.freeze is not None:
            mask[self.freeze :] = False
        return mask


def _position(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer():
        raise AnalysisInputError(f"{key} must be a whole number (a 1-based point position), got {value!r}")
    return int(value)


def check_freeze(freeze: object, size: int, *, scope: str = "the series") -> int | None:
    """Validate ``freeze``: ``None``, or a whole number of points between 2 and ``size``."""
    if freeze is None:
        return None
    count = _position("freeze", freeze)
    if count < MIN_FREEZE:
        raise AnalysisInputError(
            f"freeze = {count} is too small: the baseline needs at least {MIN_FREEZE} points "
            "to compute its centre line and limits"
        )
    if count > size:
        raise AnalysisInputError(
            f"freeze = {count} exceeds the {size} points of {scope}; "
            "it is the number of baseline points, counted from the first"
        )
    return count


def check_exclude(exclude: Sequence[object] | None, size: int) -> tuple[int, ...]:
    """Validate ``exclude``: distinct whole numbers between 1 and ``size`` (1-based positions)."""
    if exclude is None:
        return ()
    if isinstance(exclude, str | bytes) or not isinstance(exclude, Sequence):
        raise AnalysisInputError(f"exclude must be a list of 1-based point positions, got {exclude!r}")
    positions: list[int] = []
    for i, value in enumerate(exclude):
        position = _position(f"exclude[{i}]", value)
        if not 1 <= position <= size:
            raise AnalysisInputError(
                f"exclude[{i}] = {position} is not a point of the series: positions run from 1 to {size}"
            )
        if position in positions:
            raise AnalysisInputError(f"exclude lists point {position} twice")
        positions.append(position)
    return tuple(positions)


def baseline(size: int, freeze: object = None, exclude: Sequence[object] | None = ()) -> Baseline:
    """Validate ``freeze`` and ``exclude`` for a series of ``size`` points."""
    count = check_freeze(freeze, size)
    excluded = np.zeros(size, dtype=np.bool_)
    excluded[[position - 1 for position in check_exclude(exclude, size)]] = True
    return Baseline(freeze=count, excluded=frozen(excluded))


def require_enough(present: BoolArray, base: Baseline, *, where: str = "the series") -> None:
    """Reject a baseline that exclusions (or the freeze) leave without enough points.

    ``present`` marks the points with a value. The baseline must keep at least
    two of them, or all of them when the series has fewer (a one-point phase
    keeps computing a centre line without limits, as without exclusions).
    """
    available = int(np.count_nonzero(present))
    kept = int(np.count_nonzero(present & base.mask))
    if kept >= min(MIN_FREEZE, available):
        return
    why = "after the excluded points" if base.excluded.any() else "in the baseline"
    points = "point" if kept == 1 else "points"
    raise AnalysisInputError(
        f"{where} keeps {kept} {points} with a value {why}; "
        f"at least {min(MIN_FREEZE, available)} are needed to compute the centre line and limits"
    )
