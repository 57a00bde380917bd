"""Checks on numeric input, raising :class:`AnalysisInputError` with the offending position.

Positions are 0-based indices into the series as given, written ``y[3]`` or
``n[3]`` as in the JSON payload. Missing values (``NaN``) pass every check.
"""

import numpy as np

from ameliora.analytics._arrays import BoolArray, FloatArray
from ameliora.analytics.errors import AnalysisInputError


def format_number(value: float) -> str:
    """``3`` rather than ``3.0``, ``2.5`` as is."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _first(mask: BoolArray) -> int | None:
    positions = np.flatnonzero(mask)
    return int(positions[0]) if positions.size else None


#: Largest magnitude accepted, so that sums, squares and differences stay finite.
MAX_MAGNITUDE = 1e15


def require_finite(name: str, values: FloatArray) -> None:
    """Reject infinite values."""
    i = _first(np.isinf(values))
    if i is not None:
        raise AnalysisInputError(f"{name}[{i}] is infinite; values must be finite numbers")


def require_bounded(name: str, values: FloatArray) -> None:
    """Reject infinite values and values beyond :data:`MAX_MAGNITUDE`."""
    require_finite(name, values)
    i = _first(np.abs(values) > MAX_MAGNITUDE)
    if i is not None:
        raise AnalysisInputError(f"{name}[{i}] = {values[i]:g} is too large; values must lie between -1e15 and 1e15")


def require_non_negative(name: str, values: FloatArray, chart: str, what: str) -> None:
    """Reject negative values; ``what`` names the quantity, e.g. ``"counts"``."""
    i = _first(values < 0)
    if i is not None:
        raise AnalysisInputError(
            f"{name}[{i}] = {format_number(values[i])} is negative; chart '{chart}' needs {what} >= 0"
        )


def require_positive(name: str, values: FloatArray, chart: str, what: str) -> None:
    """Reject values that are zero or negative."""
    i = _first(values <= 0)
    if i is not None:
        raise AnalysisInputError(
            f"{name}[{i}] = {format_number(values[i])} is not positive; chart '{chart}' needs {what} > 0"
        )


def require_whole(name: str, values: FloatArray, chart: str, what: str) -> None:
    """Reject values with a fractional part."""
    finite = np.where(np.isnan(values), 0.0, values)
    i = _first(finite != np.round(finite))
    if i is not None:
        raise AnalysisInputError(
            f"{name}[{i}] = {format_number(values[i])} is not a whole number; chart '{chart}' needs {what}"
        )


def require_same_length(name: str, values: FloatArray, reference: FloatArray) -> None:
    """Reject a companion series whose length differs from ``y``'s."""
    if values.size != reference.size:
        raise AnalysisInputError(
            f"{name} has {values.size} values but y has {reference.size}; they must have the same length"
        )


def ratio(y: FloatArray, n: FloatArray, chart: str) -> FloatArray:
    """``y / n`` after checking the denominators; missing where either is missing or ``n == 0``.

    Denominators must be >= 0, and a zero denominator needs a zero numerator
    (nothing observed out of nothing): such a point is treated as missing, as in
    qicharts2 where ``0 / 0`` is ``NaN``.
    """
    require_same_length("n", n, y)
    require_bounded("n", n)
    require_non_negative("n", n, chart, "denominators")
    i = _first((n == 0) & ~np.isnan(y) & (y != 0))
    if i is not None:
        raise AnalysisInputError(
            f"y[{i}] = {format_number(y[i])} with n[{i}] = 0: a zero denominator needs a zero numerator"
        )
    missing = np.isnan(y) | np.isnan(n) | (n == 0)
    with np.errstate(over="ignore"):
        ratios = np.where(missing, np.nan, y / np.where(missing, 1.0, n))
    i = _first(np.isinf(ratios))
    if i is not None:
        raise AnalysisInputError(f"y[{i}] / n[{i}] is too large to compute; n[{i}] = {n[i]:g} is too small")
    return ratios


def require_proportions(y: FloatArray, n: FloatArray, chart: str) -> None:
    """Numerators and denominators of proportions: whole, non-negative, ``y <= n``."""
    require_whole("y", y, chart, "counts (whole numbers)")
    require_whole("n", n, chart, "whole-number denominators")
    i = _first(y > n)
    if i is not None:
        raise AnalysisInputError(
            f"y[{i}] = {format_number(y[i])} exceeds n[{i}] = {format_number(n[i])}; "
            "a proportion's numerator cannot exceed its denominator"
        )


def require_counts(y: FloatArray, chart: str) -> None:
    """Event counts: finite, bounded, whole and non-negative."""
    require_bounded("y", y)
    require_non_negative("y", y, chart, "counts")
    require_whole("y", y, chart, "counts (whole numbers)")
