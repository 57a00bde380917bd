"""Before/after comparisons: tests and p-values worked out from their definitions."""

import math

import pytest

from ameliora.analytics import (
    AnalysisInputError,
    compare_continuous,
    compare_proportions,
    compare_rates,
)

approx = pytest.approx


def _two_sided_exact_p(probabilities: list[float], observed: int) -> float:
    """Sum of the probabilities not above the observed one (R's binom.test / fisher.test rule)."""
    return sum(p for p in probabilities if p <= probabilities[observed] * (1 + 1e-7))


def test_large_counts_use_the_two_proportion_z_test_on_pooled_proportions() -> None:
    result = compare_proportions([8, 12], [50, 50], [18, 22], [50, 50])

    pooled = 60 / 200
    z = (0.4 - 0.2) / math.sqrt(pooled * (1 - pooled) * (1 / 100 + 1 / 100))
    assert result.kind == "proportion"
    assert result.test.name == "two_proportion_z"
    assert result.test.statistic == approx(z)
    assert result.test.p_value == approx(math.erfc(abs(z) / math.sqrt(2)))
    assert [test.name for test in result.tests] == ["two_proportion_z", "fisher_exact"]
    assert (result.estimate_before, result.estimate_after) == approx((0.2, 0.4))
    assert result.absolute_change == approx(0.2)
    assert result.relative_change == approx(1.0)
    assert (result.median_before, result.mean_after) == approx((0.2, 0.4))
    assert result.significant


def test_small_expected_counts_make_fishers_exact_test_the_primary_test() -> None:
    result = compare_proportions([1], [10], [5], [10])

    # Hypergeometric: 10 after out of 20, 6 events; P(k events after).
    probabilities = [math.comb(10, k) * math.comb(10, 6 - k) / math.comb(20, 6) for k in range(7)]
    assert result.test.name == "fisher_exact"
    assert result.test.p_value == approx(_two_sided_exact_p(probabilities, 5))
    assert result.test.statistic == approx((5 * 9) / (5 * 1))  # odds ratio after vs before
    assert [test.name for test in result.tests] == ["fisher_exact", "two_proportion_z"]
    assert not result.significant


def test_proportions_that_are_all_zero_have_only_fishers_test_with_p_1() -> None:
    result = compare_proportions([0, 0], [10, 10], [0], [30])

    assert [test.name for test in result.tests] == ["fisher_exact"]
    assert result.test.p_value == 1.0
    assert result.relative_change is None


def test_rates_use_the_exact_conditional_poisson_test() -> None:
    result = compare_rates([6, 4], [500, 500], [2], [1000])

    # Given 12 events, after ~ Binomial(12, 1/2) under equal rates.
    probabilities = [math.comb(12, k) / 2**12 for k in range(13)]
    assert result.test.name == "poisson_exact_conditional"
    assert result.test.p_value == approx(_two_sided_exact_p(probabilities, 2))
    assert result.test.p_value == approx(2 * (1 + 12 + 66) / 4096)
    assert result.test.statistic == approx(0.2)  # rate ratio after / before
    assert (result.estimate_before, result.estimate_after) == approx((0.01, 0.002))
    assert result.significant


def test_rates_with_unequal_exposures_condition_on_the_exposure_share() -> None:
    result = compare_rates([3], [100], [9], [200])

    share = 200 / 300
    probabilities = [math.comb(12, k) * share**k * (1 - share) ** (12 - k) for k in range(13)]
    assert result.test.p_value == approx(_two_sided_exact_p(probabilities, 9))


def test_no_event_at_all_gives_p_1() -> None:
    result = compare_rates([0], [10], [0], [10])

    assert result.test.p_value == 1.0
    assert result.test.statistic is None


def test_continuous_values_use_the_two_sided_mann_whitney_u_test() -> None:
    result = compare_continuous([1, 2, 3], [4, 5, 6])

    # All 3 x 3 pairs favour "after": U = 9; exact two-sided p = 2 / C(6, 3).
    assert result.test.name == "mann_whitney_u"
    assert result.test.statistic == 9
    assert result.test.p_value == approx(2 / math.comb(6, 3))
    assert (result.median_before, result.median_after) == (2, 5)
    assert result.absolute_change == 3
    assert result.relative_change == approx(1.5)


def test_relative_change_is_none_when_the_baseline_is_too_small_to_divide_by() -> None:
    assert compare_continuous([2.2250738585e-313], [1.0]).relative_change is None


def test_continuous_comparison_drops_missing_values() -> None:
    result = compare_continuous([1, None, 3], [4, float("nan"), 6])

    assert (result.n_before, result.n_after) == (2, 2)


@pytest.mark.parametrize(
    ("direction", "target", "met"),
    [("up", 4.5, True), ("up", 5.5, False), ("down", 5.5, True), ("down", 4.5, False), ("up", 5, True)],
)
def test_target_is_met_when_the_after_estimate_is_on_the_right_side(direction: str, target: float, met: bool) -> None:
    result = compare_continuous([1, 2, 3], [4, 5, 6], direction=direction, target=target)  # type: ignore[arg-type]

    assert result.target_met is met


def test_without_target_target_met_is_none() -> None:
    assert compare_continuous([1], [2], direction="up").target_met is None


def test_a_target_without_direction_is_rejected() -> None:
    with pytest.raises(AnalysisInputError, match="a target needs a direction"):
        compare_continuous([1], [2], target=3)


def test_a_side_without_data_is_rejected() -> None:
    with pytest.raises(AnalysisInputError, match="the before phase has no value"):
        compare_continuous([None], [2])
    with pytest.raises(AnalysisInputError, match="the after phase has no period with data"):
        compare_rates([1], [1], [0], [0])


def test_comparison_to_dict_is_plain_data() -> None:
    data = compare_rates([6], [500], [2], [500]).to_dict()

    assert data["test"] == {
        "name": "poisson_exact_conditional",
        "statistic": approx(1 / 3),
        "p_value": approx(0.2891, abs=1e-4),
    }
    assert isinstance(data["tests"], list)
