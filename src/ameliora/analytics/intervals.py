"""Confidence intervals for a proportion.

Wilson's score interval (Wilson 1927), which unlike the Wald interval keeps inside [0, 1] and covers
close to its nominal level for small samples and proportions near 0 or 1 — the usual case of a
clinical audit of 30 records where compliance is 90 % or more::

    centre = (p + z² / 2n) / (1 + z² / n)
    half   = z · sqrt(p (1 - p) / n + z² / 4n²) / (1 + z² / n)

with ``p = successes / n`` and ``z`` the two-sided normal quantile of the confidence level.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from ameliora.analytics.errors import AnalysisInputError


def wilson_interval(successes: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of ``successes / n`` at ``confidence`` (two-sided)."""
    if n <= 0:
        raise AnalysisInputError("n must be positive")
    if not 0 <= successes <= n:
        raise AnalysisInputError("successes must be between 0 and n")
    if not 0 < confidence < 1:
        raise AnalysisInputError("confidence must be between 0 and 1")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)
