"""Control limits: small examples whose expected values are worked out here from the formulas."""

import itertools
import math
import statistics
from collections.abc import Sequence

import numpy as np
import pytest

from ameliora.analytics import (
    AnalysisInputError,
    average_moving_range,
    c4,
    c_chart,
    g_chart,
    i_chart,
    mr_chart,
    p_chart,
    pp_chart,
    run_chart,
    s_chart,
    t_chart,
    u_chart,
    up_chart,
    xbar_chart,
)

approx = pytest.approx


def _mean_moving_range(values: Sequence[float], *, screened: bool) -> float:
    ranges = [abs(b - a) for a, b in itertools.pairwise(values) if not (math.isnan(a) or math.isnan(b))]
    amr = sum(ranges) / len(ranges)
    if screened:
        kept = [r for r in ranges if r < 3.267 * amr]
        amr = sum(kept) / len(kept)
    return amr


def test_run_chart_centre_line_is_the_median_and_it_has_no_limits() -> None:
    chart = run_chart([3, 1, np.nan, 4, 10])

    assert chart.cl == 3.5
    assert np.isnan(chart.lcl).all()
    assert np.isnan(chart.ucl).all()


def test_i_chart_limits_are_mean_plus_minus_3_average_moving_range_over_1_128() -> None:
    chart = i_chart([10, 12, 11, 15, 13])

    mean = (10 + 12 + 11 + 15 + 13) / 5  # 12.2
    amr = (2 + 1 + 4 + 2) / 4  # 2.25
    assert chart.cl == approx(mean)
    assert chart.ucl == approx([mean + 3 * amr / 1.128] * 5)
    assert chart.lcl == approx([mean - 3 * amr / 1.128] * 5)
    assert chart.ucl_2sigma == approx([mean + 2 * amr / 1.128] * 5)


def test_i_chart_screens_moving_ranges_above_3_267_times_their_mean_as_nelson_1982() -> None:
    y = [10, 11, 10, 11, 10, 30, 10, 11, 10, 11]
    # Moving ranges 1,1,1,1,20,20,1,1,1: mean 47 / 9, upper range limit 17.06; without the two 20s the mean is 1.
    screened = i_chart(y)
    unscreened = i_chart(y, screened=False)

    mean = sum(y) / len(y)
    assert screened.ucl[0] == approx(mean + 3 * 1 / 1.128)
    assert unscreened.ucl[0] == approx(mean + 3 * (47 / 9) / 1.128)
    assert average_moving_range(y) == approx(_mean_moving_range(y, screened=True))
    assert screened.ucl[0] < unscreened.ucl[0]


def test_i_chart_ignores_moving_ranges_that_involve_a_missing_point() -> None:
    chart = i_chart([1, 2, np.nan, 4, 6])

    # Moving ranges |2 - 1| and |6 - 4| only: 1.5.
    assert chart.cl == approx(13 / 4)
    assert chart.ucl[0] == approx(13 / 4 + 3 * 1.5 / 1.128)


def test_i_chart_of_a_single_point_has_no_limits() -> None:
    chart = i_chart([4.0])

    assert chart.cl == 4.0
    assert np.isnan(chart.ucl).all()


def test_mr_chart_plots_moving_ranges_with_ucl_3_267_times_their_mean_and_lcl_0() -> None:
    chart = mr_chart([10, 12, 11, 15, 13])

    assert np.isnan(chart.y[0])
    assert chart.y[1:].tolist() == [2, 1, 4, 2]
    assert chart.cl == approx(2.25)
    assert chart.ucl == approx([3.267 * 2.25] * 5)
    assert chart.lcl.tolist() == [0.0] * 5


def test_p_chart_with_varying_denominators_has_limits_per_point_clipped_to_0_and_1() -> None:
    y, n = [1, 30, 160], [2, 100, 400]
    chart = p_chart(y, n)

    p = 191 / 502
    expected_ucl = [min(1.0, p + 3 * math.sqrt(p * (1 - p) / size)) for size in n]
    expected_lcl = [max(0.0, p - 3 * math.sqrt(p * (1 - p) / size)) for size in n]
    assert chart.cl == approx(p)
    assert chart.y == approx([0.5, 0.3, 0.4])
    assert chart.ucl == approx(expected_ucl)
    assert chart.lcl == approx(expected_lcl)
    assert chart.ucl[0] == 1.0
    assert chart.lcl[0] == 0.0
    assert 0 < chart.lcl[2] < p < chart.ucl[2] < 1


def test_p_chart_point_with_zero_denominator_is_missing_and_left_out_of_the_centre_line() -> None:
    chart = p_chart([1, 0, 3], [10, 0, 10])

    assert chart.cl == approx(4 / 20)
    assert np.isnan(chart.y[1])
    assert np.isnan(chart.ucl[1])


def test_u_chart_limits_are_rate_plus_minus_3_sqrt_rate_over_exposure_with_lcl_clipped_at_0() -> None:
    y, n = [3, 5, 12], [10, 20, 40]
    chart = u_chart(y, n)

    u = 20 / 70
    assert chart.cl == approx(u)
    assert chart.ucl == approx([u + 3 * math.sqrt(u / e) for e in n])
    assert chart.lcl == approx([max(0.0, u - 3 * math.sqrt(u / e)) for e in n])


def test_c_chart_limits_are_mean_plus_minus_3_sqrt_mean_with_lcl_clipped_at_0() -> None:
    low = c_chart([2, 4, 6, 8])
    high = c_chart([20, 25, 30])

    assert low.cl == 5
    assert low.ucl[0] == approx(5 + 3 * math.sqrt(5))
    assert low.lcl[0] == 0
    assert (high.lcl[0], high.cl, high.ucl[0]) == approx((10, 25, 40))


def test_c4_and_the_xbar_s_constants_match_the_published_tables() -> None:
    # Montgomery (2009), appendix VI, as tabulated in qicharts2's helper functions.
    sizes = np.array([2, 3, 5, 6, 10, 25], dtype=float)
    c4n = c4(sizes)
    a3 = 3 / (c4n * np.sqrt(sizes))
    b_spread = 3 * np.sqrt(1 - c4n**2) / c4n
    assert c4n == approx([0.7979, 0.8862, 0.9400, 0.9515, 0.9727, 0.9896], abs=5e-5)
    assert a3 == approx([2.659, 1.954, 1.427, 1.287, 0.975, 0.606], abs=5e-4)
    assert np.fmax(0, 1 - b_spread) == approx([0, 0, 0, 0.030, 0.284, 0.565], abs=5e-4)
    assert 1 + b_spread == approx([3.267, 2.568, 2.089, 1.970, 1.716, 1.435], abs=5e-4)
    assert c4(np.array([3.0]))[0] == approx(math.sqrt(math.pi) / 2)
    assert np.isnan(c4(np.array([1.0, 0.0]))).all()


def test_xbar_and_s_charts_with_equal_subgroup_sizes_use_the_mean_standard_deviation() -> None:
    groups = [[1, 2, 3], [2, 3, 4], [3, 5, 7]]
    xbar, s = xbar_chart(groups), s_chart(groups)

    c4_3 = math.sqrt(2 / 2) * math.gamma(3 / 2) / math.gamma(2 / 2)
    s_bar = (1 + 1 + 2) / 3
    a3 = 3 / (c4_3 * math.sqrt(3))
    spread = 3 * math.sqrt(1 - c4_3**2) / c4_3
    assert xbar.y.tolist() == [2, 3, 5]
    assert xbar.cl == approx(10 / 3)
    assert xbar.ucl == approx([10 / 3 + a3 * s_bar] * 3)
    assert xbar.lcl == approx([10 / 3 - a3 * s_bar] * 3)
    assert s.y == approx([1, 1, 2])
    assert s.cl == approx(s_bar)
    assert s.ucl == approx([(1 + spread) * s_bar] * 3)
    assert s.lcl.tolist() == [0.0] * 3  # B3(3) = max(0, 1 - 1.568) = 0


def test_xbar_and_s_charts_with_varying_subgroup_sizes_use_the_pooled_standard_deviation() -> None:
    groups: list[list[float | None]] = [[1, 2, 3], [2, 4], [5, 6, 7, 8, None]]
    xbar, s = xbar_chart(groups), s_chart(groups)

    sizes = [3, 2, 4]
    variances = [statistics.variance(g) for g in ([1, 2, 3], [2, 4], [5, 6, 7, 8])]
    pooled = math.sqrt(sum((k - 1) * v for k, v in zip(sizes, variances, strict=True)) / sum(k - 1 for k in sizes))
    c4n = [math.sqrt(2 / (k - 1)) * math.gamma(k / 2) / math.gamma((k - 1) / 2) for k in sizes]
    grand_mean = (1 + 2 + 3 + 2 + 4 + 5 + 6 + 7 + 8) / 9
    assert xbar.cl == approx(grand_mean)
    assert xbar.ucl == approx([grand_mean + 3 / (c * math.sqrt(k)) * pooled for c, k in zip(c4n, sizes, strict=True)])
    assert s.cl == approx(pooled)
    assert s.ucl == approx([(1 + 3 * math.sqrt(1 - c**2) / c) * pooled for c in c4n])


def test_xbar_subgroup_of_one_value_is_plotted_without_limits() -> None:
    chart = xbar_chart([[1, 2, 3], [4], [2, 3, 4]])

    assert chart.y[1] == 4
    assert np.isnan(chart.ucl[1])
    assert not np.isnan(chart.ucl[0])


def _laney_sigma_z(z: list[float]) -> float:
    return _mean_moving_range(z, screened=True) / 1.128


def test_laney_p_prime_chart_multiplies_p_chart_sigma_by_sigma_z_of_the_z_scores() -> None:
    y, n = [10, 25, 12, 30, 8], [100, 120, 110, 130, 90]
    chart = pp_chart(y, n)

    p = sum(y) / sum(n)
    sigma = [math.sqrt(p * (1 - p) / k) for k in n]
    z = [(yi / k - p) / s for yi, k, s in zip(y, n, sigma, strict=True)]
    sigma_z = _laney_sigma_z(z)
    assert chart.cl == approx(p)
    assert chart.ucl == approx([p + 3 * s * sigma_z for s in sigma])
    assert chart.lcl == approx([max(0.0, p - 3 * s * sigma_z) for s in sigma])


def test_laney_u_prime_chart_multiplies_u_chart_sigma_by_sigma_z_of_the_z_scores() -> None:
    y, n = [12, 30, 9, 25, 14, 40], [1.5, 2.0, 1.2, 2.5, 1.8, 2.2]
    chart = up_chart(y, n)

    u = sum(y) / sum(n)
    sigma = [math.sqrt(u / e) for e in n]
    z = [(yi / e - u) / s for yi, e, s in zip(y, n, sigma, strict=True)]
    sigma_z = _laney_sigma_z(z)
    assert chart.ucl == approx([u + 3 * s * sigma_z for s in sigma])
    assert chart.lcl == approx([max(0.0, u - 3 * s * sigma_z) for s in sigma])


def test_g_chart_limits_come_from_the_geometric_mean_but_its_centre_line_is_the_median() -> None:
    chart = g_chart([3, 10, 5, 20, 7])

    mean = 9
    assert chart.cl == 7
    assert chart.ucl == approx([mean + 3 * math.sqrt(mean * (mean + 1))] * 5)
    assert chart.lcl.tolist() == [0.0] * 5


def test_t_chart_is_an_i_chart_of_y_to_the_1_over_3_6_transformed_back() -> None:
    y = [2.0, 5.0, 3.0, 8.0, 4.0, 30.0]
    chart = t_chart(y)

    transformed = [value ** (1 / 3.6) for value in y]
    mean = sum(transformed) / len(transformed)
    sigma = _mean_moving_range(transformed, screened=True) / 1.128
    assert chart.y.tolist() == y
    assert chart.cl == approx(mean**3.6)
    assert chart.ucl == approx([(mean + 3 * sigma) ** 3.6] * 6)
    lower = mean - 3 * sigma
    assert chart.lcl == approx([lower**3.6 if lower > 0 else 0.0] * 6)


@pytest.mark.parametrize(
    ("make_chart", "message"),
    [
        (lambda: p_chart([5], [4]), r"y\[0\] = 5 exceeds n\[0\] = 4"),
        (lambda: p_chart([1], [-2]), r"n\[0\] = -2 is negative; chart 'p' needs denominators >= 0"),
        (lambda: u_chart([1.5], [2]), r"y\[0\] = 1.5 is not a whole number"),
        (lambda: c_chart([-1]), r"y\[0\] = -1 is negative; chart 'c' needs counts >= 0"),
        (lambda: t_chart([1, 0]), r"y\[1\] = 0 is not positive; chart 't' needs times between events > 0"),
        (lambda: i_chart([1, math.inf]), r"y\[1\] is infinite"),
        (lambda: u_chart([2], [0]), r"y\[0\] = 2 with n\[0\] = 0: a zero denominator needs a zero numerator"),
    ],
)
def test_chart_functions_reject_impossible_values(make_chart: object, message: str) -> None:
    with pytest.raises(AnalysisInputError, match=message):
        make_chart()  # type: ignore[operator]
