"""Typed wrappers around the few SciPy functions the engine uses.

SciPy ships no type information, so its calls are confined to this module and
their results converted to plain Python or NumPy types here.
"""

import numpy as np
import numpy.typing as npt
from scipy import special, stats

FloatArray = npt.NDArray[np.float64]


def binom_ppf(q: float, size: int, prob: float) -> int:
    """Smallest ``k`` with ``P(X <= k) >= q`` for ``X ~ Binomial(size, prob)``; R's ``qbinom``."""
    return int(stats.binom.ppf(q, size, prob))


def normal_sf(x: float) -> float:
    """Upper tail probability ``P(Z > x)`` of the standard normal distribution."""
    return float(stats.norm.sf(x))


def binomtest_p_value(k: int, n: int, p: float) -> float:
    """Two-sided exact binomial test p-value (same method as R's ``binom.test``)."""
    return float(stats.binomtest(k, n, p, alternative="two-sided").pvalue)


def fisher_exact(table: npt.NDArray[np.int64]) -> tuple[float, float]:
    """Two-sided Fisher's exact test on a 2x2 table: (sample odds ratio, p-value)."""
    result = stats.fisher_exact(table, alternative="two-sided")
    return float(result.statistic), float(result.pvalue)


def mann_whitney_u(x: FloatArray, y: FloatArray) -> tuple[float, float]:
    """Two-sided Mann-Whitney U test: (U statistic of ``x``, p-value)."""
    result = stats.mannwhitneyu(x, y, alternative="two-sided")
    return float(result.statistic), float(result.pvalue)


def gammaln(x: FloatArray) -> FloatArray:
    """Natural logarithm of the absolute value of the gamma function, elementwise."""
    return np.asarray(special.gammaln(x), dtype=np.float64)
