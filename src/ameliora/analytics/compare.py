"""Before/after comparison of two phases (or two lists of periods).

Three kinds of data, each with its test (all two-sided):

* proportions (numerators / denominators per period): two-proportion z-test on
  the pooled proportions, and Fisher's exact test, which becomes the primary
  test when an expected cell count of the 2x2 table is below 5 (Cochran's
  rule, where the normal approximation is unreliable);
* counts with exposures (events / patient-days...): the exact conditional test
  for two Poisson rates (Przyborowski & Wilenski 1940; R's ``poisson.test``
  with two samples): given ``K`` events in total, the events after follow
  ``Binomial(K, E_after / (E_before + E_after))`` under equal rates,
  tested with :func:`scipy.stats.binomtest`;
* continuous values: Mann-Whitney U test (:func:`scipy.stats.mannwhitneyu`,
  default ``method="auto"``: exact for small samples without ties,
  normal approximation with continuity correction otherwise).

Every statistic compares *after* with *before*.
"""

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from ameliora.analytics import _validation
from ameliora.analytics._arrays import FloatArray, Values, as_float_array
from ameliora.analytics._scipy import binomtest_p_value, fisher_exact, mann_whitney_u, normal_sf
from ameliora.analytics.errors import AnalysisInputError
from ameliora.analytics.rules import Direction

Kind = Literal["proportion", "rate", "continuous"]

#: Significance level of :attr:`Comparison.significant`.
ALPHA = 0.05
#: Smallest expected 2x2 cell count for which the z-test stays the primary test.
MIN_EXPECTED_COUNT = 5.0


@dataclass(frozen=True)
class SignificanceTest:
    """One test's result.

    Attributes:
        name: ``"two_proportion_z"``, ``"fisher_exact"``,
            ``"poisson_exact_conditional"`` or ``"mann_whitney_u"``.
        statistic: The z score; the sample odds ratio (after vs before); the
            rate ratio (after / before, ``None`` if the rate before is 0); the U
            statistic of the *after* sample.
        p_value: Two-sided p-value.
    """

    name: str
    statistic: float | None
    p_value: float


@dataclass(frozen=True)
class Comparison:
    """Before/after comparison.

    Attributes:
        kind: ``"proportion"``, ``"rate"`` or ``"continuous"``.
        n_before: Periods (or values) used before.
        n_after: Periods (or values) used after.
        median_before: Median of the per-period values before (proportions,
            rates or values).
        median_after: Same, after.
        mean_before: Mean of the per-period values before.
        mean_after: Same, after.
        estimate_before: The summary compared: the pooled proportion
            ``sum(y) / sum(n)``, the pooled rate ``sum(y) / sum(n)``, or the
            median for continuous values.
        estimate_after: Same, after.
        absolute_change: ``estimate_after - estimate_before``.
        relative_change: ``absolute_change / estimate_before``; ``None`` when
            ``estimate_before`` is 0 (or so small that the ratio overflows).
        test: The primary test.
        tests: Every test computed, the primary one first.
        significant: ``test.p_value < ALPHA``.
        direction: ``"up"`` if higher is better, ``"down"`` if lower is better.
        target: The target, on the scale of the estimates.
        target_met: ``estimate_after >= target`` (``"up"``) or
            ``<= target`` (``"down"``); ``None`` without a target.
    """

    kind: Kind
    n_before: int
    n_after: int
    median_before: float
    median_after: float
    mean_before: float
    mean_after: float
    estimate_before: float
    estimate_after: float
    absolute_change: float
    relative_change: float | None
    test: SignificanceTest
    tests: tuple[SignificanceTest, ...]
    significant: bool
    direction: Direction | None
    target: float | None
    target_met: bool | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (the tests as a list)."""
        data = asdict(self)
        data["tests"] = list(data["tests"])
        return data


def _target_met(estimate: float, direction: Direction | None, target: float | None) -> bool | None:
    if target is None:
        return None
    if direction is None:
        raise AnalysisInputError("a target needs a direction: 'up' (higher is better) or 'down'")
    return estimate >= target if direction == "up" else estimate <= target


def _build(
    kind: Kind,
    before: FloatArray,
    after: FloatArray,
    *,
    estimates: tuple[float, float],
    tests: tuple[SignificanceTest, ...],
    direction: Direction | None,
    target: float | None,
) -> Comparison:
    estimate_before, estimate_after = estimates
    change = estimate_after - estimate_before
    relative = change / estimate_before if estimate_before != 0 else math.inf
    return Comparison(
        kind=kind,
        n_before=int(before.size),
        n_after=int(after.size),
        median_before=float(np.median(before)),
        median_after=float(np.median(after)),
        mean_before=float(np.mean(before)),
        mean_after=float(np.mean(after)),
        estimate_before=estimate_before,
        estimate_after=estimate_after,
        absolute_change=change,
        relative_change=relative if math.isfinite(relative) else None,
        test=tests[0],
        tests=tests,
        significant=tests[0].p_value < ALPHA,
        direction=direction,
        target=target,
        target_met=_target_met(estimate_after, direction, target),
    )


def _periods(y: Values, n: Values, side: str, chart: str) -> tuple[FloatArray, FloatArray]:
    """Counts and denominators of the periods where both exist and ``n > 0``."""
    counts = as_float_array(y)
    denominators = as_float_array(n)
    _validation.require_counts(counts, chart)
    rates = _validation.ratio(counts, denominators, chart)
    kept = ~np.isnan(rates)
    if not kept.any():
        raise AnalysisInputError(f"the {side} phase has no period with data and a positive denominator")
    return counts[kept], denominators[kept]


def compare_proportions(
    before_y: Values,
    before_n: Values,
    after_y: Values,
    after_n: Values,
    *,
    direction: Direction | None = None,
    target: float | None = None,
) -> Comparison:
    """Compare proportions ``sum(y) / sum(n)`` before and after.

    Two-proportion z-test without continuity correction:
    ``z = (p_a - p_b) / sqrt(p (1 - p) (1 / N_b + 1 / N_a))`` with the pooled
    ``p = (Y_b + Y_a) / (N_b + N_a)``, ``p-value = 2 P(Z > |z|)``
    (not computed when ``p`` is 0 or 1: nothing varies). Fisher's exact test
    (:func:`scipy.stats.fisher_exact`) on ``[[Y_a, N_a - Y_a], [Y_b, N_b - Y_b]]``
    is always reported, and is the primary test when an expected cell count
    ``N_i * (Y_b + Y_a) / N`` or ``N_i * (N - Y_b - Y_a) / N`` is below 5.
    """
    yb, nb = _periods(before_y, before_n, "before", "p")
    ya, na = _periods(after_y, after_n, "after", "p")
    _validation.require_proportions(np.concatenate((yb, ya)), np.concatenate((nb, na)), "p")
    events_b, total_b, events_a, total_a = float(yb.sum()), float(nb.sum()), float(ya.sum()), float(na.sum())
    p_b, p_a = events_b / total_b, events_a / total_a
    total = total_b + total_a
    pooled = (events_b + events_a) / total
    table = np.rint([[events_a, total_a - events_a], [events_b, total_b - events_b]]).astype(np.int64)
    odds_ratio, fisher_p = fisher_exact(table)
    fisher = SignificanceTest("fisher_exact", odds_ratio if math.isfinite(odds_ratio) else None, fisher_p)
    expected = np.outer([total_a, total_b], [pooled, 1 - pooled])
    tests: tuple[SignificanceTest, ...] = (fisher,)
    if 0 < pooled < 1:
        z = (p_a - p_b) / math.sqrt(pooled * (1 - pooled) * (1 / total_b + 1 / total_a))
        z_test = SignificanceTest("two_proportion_z", z, 2 * normal_sf(abs(z)))
        tests = (fisher, z_test) if expected.min() < MIN_EXPECTED_COUNT else (z_test, fisher)
    return _build("proportion", yb / nb, ya / na, estimates=(p_b, p_a), tests=tests, direction=direction, target=target)


def compare_rates(
    before_y: Values,
    before_n: Values,
    after_y: Values,
    after_n: Values,
    *,
    direction: Direction | None = None,
    target: float | None = None,
) -> Comparison:
    """Compare event rates ``sum(y) / sum(n)`` (counts over exposures) before and after.

    Exact conditional test: with ``K = Y_b + Y_a`` events in total, under equal
    rates ``Y_a ~ Binomial(K, E_a / (E_b + E_a))``; the two-sided p-value is
    that of :func:`scipy.stats.binomtest` (R's ``binom.test`` /
    ``poisson.test``). With no event at all, ``p = 1``. Statistic: the rate
    ratio ``(Y_a / E_a) / (Y_b / E_b)``.
    """
    yb, eb = _periods(before_y, before_n, "before", "u")
    ya, ea = _periods(after_y, after_n, "after", "u")
    events_b, exposure_b, events_a, exposure_a = float(yb.sum()), float(eb.sum()), float(ya.sum()), float(ea.sum())
    rate_b, rate_a = events_b / exposure_b, events_a / exposure_a
    events = round(events_b + events_a)
    p_value = binomtest_p_value(round(events_a), events, exposure_a / (exposure_a + exposure_b)) if events else 1.0
    test = SignificanceTest("poisson_exact_conditional", rate_a / rate_b if rate_b > 0 else None, p_value)
    return _build(
        "rate", yb / eb, ya / ea, estimates=(rate_b, rate_a), tests=(test,), direction=direction, target=target
    )


def compare_continuous(
    before: Values,
    after: Values,
    *,
    direction: Direction | None = None,
    target: float | None = None,
) -> Comparison:
    """Compare continuous values before and after with the Mann-Whitney U test.

    Missing values are dropped. Estimates are the medians. Test:
    :func:`scipy.stats.mannwhitneyu` ``(after, before, alternative="two-sided")``.
    """
    sides = []
    for name, values in (("before", before), ("after", after)):
        array = as_float_array(values)
        _validation.require_finite("y", array)
        array = array[~np.isnan(array)]
        if array.size == 0:
            raise AnalysisInputError(f"the {name} phase has no value")
        sides.append(array)
    b, a = sides
    u, p_value = mann_whitney_u(a, b)
    test = SignificanceTest("mann_whitney_u", u, p_value)
    return _build(
        "continuous",
        b,
        a,
        estimates=(float(np.median(b)), float(np.median(a))),
        tests=(test,),
        direction=direction,
        target=target,
    )
