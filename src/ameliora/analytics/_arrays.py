"""Small NumPy helpers shared by the engine's modules.

Missing values are ``NaN`` throughout. The helpers mirror R's ``na.rm = TRUE``:
``NaN`` is dropped, infinities are kept, and an empty selection gives ``NaN``
without the warnings NumPy would emit.
"""

import math
from collections.abc import Sequence
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from ameliora.analytics.errors import AnalysisInputError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
ArrayT = TypeVar("ArrayT", bound=npt.NDArray[Any])
#: A series as callers give it: a NumPy array, or a list with ``None`` for missing values.
Values = npt.ArrayLike | Sequence[float | None]


def as_float_array(values: Values) -> FloatArray:
    """A one-dimensional float copy of ``values`` (``None`` becomes ``NaN``)."""
    array = np.array(values, dtype=np.float64)
    if array.ndim != 1:
        raise AnalysisInputError(f"expected a one-dimensional series of numbers, got {array.ndim} dimensions")
    return array


def frozen(array: ArrayT) -> ArrayT:
    """Mark ``array`` read-only so the dataclasses holding it stay immutable."""
    array.flags.writeable = False
    return array


def mean_na_rm(values: FloatArray) -> float:
    """Mean of the non-``NaN`` values, ``NaN`` if there are none (R: ``mean(x, na.rm = TRUE)``)."""
    kept = values[~np.isnan(values)]
    return float(kept.mean()) if kept.size else math.nan


def median_na_rm(values: FloatArray) -> float:
    """Median of the non-``NaN`` values, ``NaN`` if there are none (R: ``median(x, na.rm = TRUE)``)."""
    kept = values[~np.isnan(values)]
    return float(np.median(kept)) if kept.size else math.nan


def run_lengths(values: npt.NDArray[np.generic]) -> tuple[IntArray, IntArray]:
    """Start positions and lengths of the runs of equal consecutive values (R: ``rle``)."""
    if values.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    starts = np.concatenate(([0], np.flatnonzero(values[1:] != values[:-1]) + 1))
    lengths = np.diff(np.concatenate((starts, [values.size])))
    return starts.astype(np.int64), lengths.astype(np.int64)


def in_runs(size: int, starts: IntArray, lengths: IntArray, selected: BoolArray) -> BoolArray:
    """Boolean mask of length ``size`` marking the positions covered by the ``selected`` runs."""
    coverage = np.zeros(size + 1, dtype=np.int64)
    np.add.at(coverage, starts[selected], 1)
    np.add.at(coverage, starts[selected] + lengths[selected], -1)
    return np.cumsum(coverage[:-1]) > 0
