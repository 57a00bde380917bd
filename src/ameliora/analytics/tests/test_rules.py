"""Shewhart's rule and the NHS "Making Data Count" rules, variation and assurance."""

import numpy as np

from ameliora.analytics import (
    classify_assurance,
    classify_variation,
    nhs_signals,
    p_chart,
    run_chart,
    sigma_signals,
)
from ameliora.analytics.tests.support import flat_chart


def test_sigma_signal_flags_points_strictly_outside_the_limits_and_never_missing_ones() -> None:
    chart = flat_chart([0, 3, 3.1, -3.1, np.nan], cl=0, sigma=1)

    assert sigma_signals(chart).tolist() == [False, False, True, True, False]


def test_sigma_signal_is_false_where_there_are_no_limits() -> None:
    assert not sigma_signals(run_chart([1, 100, 1])).any()


def test_seven_points_on_one_side_of_the_centre_line_are_a_shift_but_six_are_not() -> None:
    seven = nhs_signals(flat_chart([-1, 1, 1, 1, 1, 1, 1, 1, -1], cl=0, sigma=5))
    six = nhs_signals(flat_chart([-1, 1, 1, 1, 1, 1, 1, -1], cl=0, sigma=5))

    assert seven.shift.tolist() == [False] + [True] * 7 + [False]
    assert not six.shift.any()
    assert seven.side.tolist() == [0] + [1] * 7 + [0]


def test_a_point_on_the_centre_line_breaks_a_shift() -> None:
    signals = nhs_signals(flat_chart([1, 1, 1, 0, 1, 1, 1, 1], cl=0, sigma=5))

    assert not signals.shift.any()


def test_seven_points_each_higher_than_the_last_are_a_trend_but_six_are_not() -> None:
    seven = nhs_signals(flat_chart([5, 1, 2, 3, 4, 5, 6, 7, 0], cl=4, sigma=5))
    six = nhs_signals(flat_chart([5, 1, 2, 3, 4, 5, 6, 0], cl=4, sigma=5))

    assert seven.trend.tolist() == [False] + [True] * 7 + [False]
    assert not six.trend.any()
    assert seven.side[1:8].tolist() == [1] * 7  # increasing, even below the centre line


def test_equal_consecutive_values_break_a_trend() -> None:
    signals = nhs_signals(flat_chart([7, 6, 5, 4, 4, 3, 2, 1], cl=4, sigma=5))

    assert not signals.trend.any()


def test_a_decreasing_trend_is_oriented_low() -> None:
    signals = nhs_signals(flat_chart([9, 8, 7, 6, 5, 4, 3], cl=6, sigma=5))

    assert signals.trend.all()
    assert signals.side.tolist() == [-1] * 7


def test_two_of_three_points_beyond_two_sigma_on_the_same_side_flag_those_two_points() -> None:
    # sigma 1: 2-sigma line at 2, limits at 3.
    signals = nhs_signals(flat_chart([0, 2.5, 0.5, 2.6, 0, -2.5, 0.5, -2.5], cl=0, sigma=1))

    assert signals.two_in_three.tolist() == [False, True, False, True, False, False, False, False]
    assert signals.side[[1, 3]].tolist() == [1, 1]


def test_points_outside_the_limits_do_not_count_towards_two_of_three() -> None:
    signals = nhs_signals(flat_chart([0, 3.5, 0.5, 2.6, 0], cl=0, sigma=1))

    assert not signals.two_in_three.any()
    assert signals.outside.tolist() == [False, True, False, False, False]


def test_missing_points_are_skipped_by_the_nhs_rules() -> None:
    signals = nhs_signals(flat_chart([1, 1, 1, np.nan, 1, 1, 1, 1], cl=0, sigma=5))

    assert signals.shift.tolist() == [True, True, True, False, True, True, True, True]


def test_variation_is_the_state_of_the_last_point_given_the_direction_of_improvement() -> None:
    high = flat_chart([0, 0.5, -0.5, 4], cl=0, sigma=1)
    low = flat_chart([0, 0.5, -0.5, -4], cl=0, sigma=1)
    settled = flat_chart([4, 0.5, -0.5, 0], cl=0, sigma=1)

    assert classify_variation(high, nhs_signals(high), "up") == "improving"
    assert classify_variation(high, nhs_signals(high), "down") == "concerning"
    assert classify_variation(low, nhs_signals(low), "down") == "improving"
    assert classify_variation(low, nhs_signals(low), None) == "special_cause_low"
    assert classify_variation(high, nhs_signals(high), None) == "special_cause_high"
    assert classify_variation(settled, nhs_signals(settled), "up") == "common_cause"


def test_variation_of_a_phase_without_points_is_none() -> None:
    empty = flat_chart([np.nan, np.nan], cl=np.nan, sigma=1)

    assert classify_variation(empty, nhs_signals(empty), "up") is None


def test_assurance_compares_the_target_with_the_limits() -> None:
    chart = flat_chart([10, 11, 9], cl=10, sigma=1)  # limits 7 and 13

    assert classify_assurance(chart, 14, "up") == "consistently_not_met"
    assert classify_assurance(chart, 14, "down") == "consistently_met"
    assert classify_assurance(chart, 6, "up") == "consistently_met"
    assert classify_assurance(chart, 6, "down") == "consistently_not_met"
    assert classify_assurance(chart, 12, "up") == "inconsistent"
    assert classify_assurance(chart, 13, "up") == "inconsistent"


def test_assurance_uses_the_limits_of_the_last_point_with_varying_limits() -> None:
    chart = p_chart([5, 50], [10, 100])  # the last point has the narrower limits

    target = (chart.ucl[0] + chart.ucl[1]) / 2
    assert classify_assurance(chart, target, "up") == "consistently_not_met"


def test_assurance_without_limits_is_none() -> None:
    assert classify_assurance(run_chart([1, 2, 3]), 2, "up") is None
