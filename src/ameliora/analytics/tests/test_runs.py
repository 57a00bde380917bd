"""Anhøj runs analysis: critical values and hand-worked examples."""

import math
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import pytest
from scipy.stats import binom

from ameliora.analytics import crossings_min, longest_run_max, runs_analysis


def _round_half_even(value: float) -> int:
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _exact_binomial_quantile(size: int, q_numerator: int = 1, q_denominator: int = 20) -> int:
    """Smallest k with P(Binomial(size, 1/2) <= k) >= q, in exact integer arithmetic."""
    cumulative = 0
    for k in range(size + 1):
        cumulative += math.comb(size, k)
        if cumulative * q_denominator >= q_numerator * 2**size:
            return k
    return size


@pytest.mark.parametrize("n", range(10, 101))
def test_longest_run_upper_limit_matches_round_half_even_of_log2_plus_3_for_n_10_to_100(n: int) -> None:
    assert longest_run_max(n) == _round_half_even(math.log2(n) + 3)


@pytest.mark.parametrize("n", range(10, 101))
def test_crossings_lower_limit_matches_binomial_quantile_for_n_10_to_100(n: int) -> None:
    assert crossings_min(n) == int(binom.ppf(0.05, n - 1, 0.5))
    assert crossings_min(n) == _exact_binomial_quantile(n - 1)


@pytest.mark.parametrize(
    ("n", "longest_run", "crossings"),
    [
        # Anhøj & Olesen (2014), PLoS One 9(11): e113825, table of critical values.
        (10, 6, 2),
        (20, 7, 6),
        (30, 8, 10),
        # qicharts2 vignette: "with 24 data points a run of more than 8 ... fewer than 8 crossings".
        (24, 8, 8),
    ],
)
def test_critical_values_match_the_published_anhoej_table(n: int, longest_run: int, crossings: int) -> None:
    assert (longest_run_max(n), crossings_min(n)) == (longest_run, crossings)


def test_critical_values_for_a_single_useful_point_are_3_and_0() -> None:
    assert (longest_run_max(1), crossings_min(1)) == (3, 0)


def test_critical_values_need_at_least_one_useful_point() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        longest_run_max(0)
    with pytest.raises(ValueError, match="at least 1"):
        crossings_min(0)


def test_a_series_crossing_its_median_once_signals_too_few_crossings_and_flags_no_point() -> None:
    result = runs_analysis(np.arange(1.0, 11.0), 5.5)

    assert (result.n_obs, result.n_useful) == (10, 10)
    assert (result.longest_run, result.longest_run_max) == (5, 6)
    assert (result.n_crossings, result.n_crossings_min) == (1, 2)
    assert result.runs_signal
    assert not result.run_signal.any()


def test_points_on_the_centre_line_neither_break_nor_extend_a_run() -> None:
    result = runs_analysis([1, 2, 5, 1, 2, 5, 9], 5)

    assert result.n_useful == 5
    assert result.longest_run == 4
    assert result.n_crossings == 1


def test_missing_points_are_not_useful_observations_but_count_in_n_obs() -> None:
    result = runs_analysis([1, np.nan, 9, 1, np.nan], 5)

    assert (result.n_obs, result.n_useful) == (5, 3)
    assert result.n_crossings == 2


def test_points_of_a_run_longer_than_its_limit_are_flagged() -> None:
    y = [9, 1, 9, 1, 1, 1, 1, 1, 1, 1, 1, 9, 1]  # 13 useful points: limit round(log2(13) + 3) = 7
    result = runs_analysis(y, 5)

    assert result.longest_run == 8
    assert result.longest_run_max == 7
    assert result.runs_signal
    assert result.run_signal.tolist() == [False] * 3 + [True] * 8 + [False] * 2


def test_a_random_looking_series_does_not_signal() -> None:
    y = [3, 7, 4, 8, 2, 6, 9, 1, 5, 8, 3, 7]
    result = runs_analysis(y, float(np.median(y)))

    assert not result.runs_signal


def test_a_phase_without_useful_observations_has_no_run_statistics_and_no_signal() -> None:
    result = runs_analysis([5, 5, np.nan], 5)

    assert result.n_useful == 0
    assert result.longest_run is None
    assert result.longest_run_max is None
    assert result.n_crossings is None
    assert result.n_crossings_min is None
    assert not result.runs_signal
