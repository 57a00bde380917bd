"""Survey statistics, pure functions on counts (no database): shares, means and NPS with their 95 % CIs.

Formulas (documented in ``docs/architecture.md`` too):

* **Share** (e.g. satisfaction rate = answers "agree" or "strongly agree" among agreement answers):
  Wilson score interval, ``(p + z²/2n ± z·√(p(1-p)/n + z²/4n²)) / (1 + z²/n)``, z = 1.96. It stays
  inside 0-100 % and behaves with small samples, unlike p ± z·√(p(1-p)/n).
* **Mean** (agreement 1-5, numbers): Student's t interval, ``m ± t(0.975, n-1) · s/√n`` with the
  sample standard deviation s; none below 2 answers.
* **NPS** = 100 x (share of promoters 9-10 - share of detractors 0-6). Its variance, from the
  multinomial distribution of (promoter, passive, detractor), is
  ``Var = (p + d - (p - d)²) / n``; the interval is ``NPS ± 1.96 · 100 · √Var``, clipped to -100…100.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from scipy import stats as scipy_stats

Z = 1.959963984540054


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float | None
    high: float | None
    n: int


def wilson(successes: int, total: int) -> Estimate | None:
    """A share in percent with its Wilson 95 % interval; ``None`` without any answer."""
    if total <= 0:
        return None
    p = successes / total
    denominator = 1 + Z**2 / total
    centre = (p + Z**2 / (2 * total)) / denominator
    half = Z * math.sqrt(p * (1 - p) / total + Z**2 / (4 * total**2)) / denominator
    return Estimate(100 * p, 100 * max(0.0, centre - half), 100 * min(1.0, centre + half), total)


def mean_ci(
    counts: Mapping[float, int], *, lowest: float | None = None, highest: float | None = None
) -> Estimate | None:
    """Mean of values given as {value: how many times}, with Student's t 95 % interval.

    The interval is clipped to the scale (``lowest``/``highest``, e.g. 1-5): with few answers the t
    interval can reach values no answer can take.
    """
    n = sum(counts.values())
    if n <= 0:
        return None
    mean = sum(value * count for value, count in counts.items()) / n
    if n < 2:
        return Estimate(mean, None, None, n)
    variance = sum(count * (value - mean) ** 2 for value, count in counts.items()) / (n - 1)
    half = float(scipy_stats.t.ppf(0.975, n - 1)) * math.sqrt(variance / n)
    low, high = mean - half, mean + half
    if lowest is not None:
        low = max(low, lowest)
    if highest is not None:
        high = min(high, highest)
    return Estimate(mean, low, high, n)


def nps(counts: Mapping[float, int]) -> Estimate | None:
    """Net promoter score from {0..10: count}, with the interval of the module docstring."""
    n = sum(counts.values())
    if n <= 0:
        return None
    promoters = sum(count for value, count in counts.items() if value >= 9) / n
    detractors = sum(count for value, count in counts.items() if value <= 6) / n
    score = promoters - detractors
    variance = max(0.0, promoters + detractors - score**2) / n
    half = Z * math.sqrt(variance)
    return Estimate(100 * score, max(-100.0, 100 * (score - half)), min(100.0, 100 * (score + half)), n)
