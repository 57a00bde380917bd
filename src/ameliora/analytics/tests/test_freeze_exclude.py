"""qicharts2's ``freeze`` and ``exclude``, checked against values worked out by hand.

Every expected value below is written as the arithmetic of qicharts2's formulas
(``R/helper.functions.R``: ``base <- baseline & include``, centre line and
limits from ``y[base]``, ``runs.analysis`` on ``y[include]``) applied to the
data of the test, not computed by the engine.
"""

import itertools
import math

import numpy as np
import pytest

from ameliora.analytics import (
    AnalysisInputError,
    analyse,
    c_chart,
    g_chart,
    i_chart,
    mr_chart,
    p_chart,
    pp_chart,
    run_chart,
    runs_analysis,
    s_chart,
    t_chart,
    u_chart,
    up_chart,
    xbar_chart,
)

BASELINE_10 = [10, 12, 11, 13, 12, 10, 11, 12, 13, 11]
AFTER_10 = [14, 15, 14, 16, 15, 14, 15, 17, 14, 15]


def test_i_chart_frozen_on_10_points_takes_mean_and_moving_ranges_of_those_10_only() -> None:
    chart = i_chart(BASELINE_10 + AFTER_10, freeze=10)

    # CL = mean of the first 10 = 115 / 10; their 9 moving ranges 2,1,2,1,2,1,1,1,2 sum to 13.
    # No moving range reaches 3.267 * 13/9 = 4.72, so screening keeps all; sigma = (13/9) / 1.128.
    sigma = (13 / 9) / 1.128
    assert chart.cl == pytest.approx(11.5)
    assert chart.ucl == pytest.approx(np.full(20, 11.5 + 3 * sigma))
    assert chart.lcl == pytest.approx(np.full(20, 11.5 - 3 * sigma))
    assert chart.ucl_2sigma == pytest.approx(np.full(20, 11.5 + 2 * sigma))
    assert chart.freeze == 10
    # Without the freeze the later points would have pulled the centre line up to 13.2.
    assert i_chart(BASELINE_10 + AFTER_10).cl == pytest.approx(264 / 20)


def test_points_after_the_freeze_are_tested_against_the_frozen_limits_and_centre_line() -> None:
    (result,) = analyse({"chart": "i", "y": BASELINE_10 + AFTER_10, "freeze": 10})

    ucl = 11.5 + 3 * (13 / 9) / 1.128  # 15.34: points 14 (16) and 18 (17) are above it
    assert [i + 1 for i, flag in enumerate(result["sigma_signal"]) if flag] == [14, 18]
    assert result["ucl"][17] == pytest.approx(ucl)
    # Runs analysis (qicharts2 runs.analysis) on all 20 points around the frozen CL 11.5:
    # point 10 (11) is below, the 10 points after the freeze all above: longest run 10 > round(log2(20) + 3) = 7.
    assert result["n_useful"] == 20
    assert result["longest_run"] == 10
    assert result["longest_run_max"] == 7
    assert result["runs_signal"] is True
    assert [i + 1 for i, flag in enumerate(result["run_signal"]) if flag] == list(range(11, 21))
    assert result["freeze"] == 10


def test_run_chart_frozen_median_and_runs_against_it() -> None:
    y = [3, 5, 4, 6, 2, 7, 8, 9, 10, 9, 8, 9, 10, 11]
    (result,) = analyse({"chart": "run", "y": y, "freeze": 6})

    # Median of 3, 5, 4, 6, 2, 7 = (4 + 5) / 2.
    assert result["cl"] == 4.5
    # Sides: - + - + - + then 8 more +: runs of 1,1,1,1,1,9 -> longest 9, 5 crossings.
    # n_useful 14: longest_run_max = round(log2(14) + 3) = round(6.81) = 7;
    # n_crossings_min = qbinom(0.05, 13, 0.5) = 4 (P(X <= 3) = 378/8192 = 0.046, P(X <= 4) = 0.133).
    assert (result["longest_run"], result["longest_run_max"]) == (9, 7)
    assert (result["n_crossings"], result["n_crossings_min"]) == (5, 4)
    assert result["runs_signal"] is True
    assert [i + 1 for i, flag in enumerate(result["run_signal"]) if flag] == list(range(6, 15))
    # Unfrozen, the median of all 14 points is 8: no such run.
    assert run_chart(y).cl == 8


def test_p_chart_with_an_excluded_point_keeps_it_plotted_and_out_of_the_limits() -> None:
    y, n = [5, 4, 6, 5, 20, 5], [100] * 6
    (result,) = analyse({"chart": "p", "y": y, "n": n, "exclude": [5]})

    # CL = (5 + 4 + 6 + 5 + 5) / 500 (point 5 left out; with it: 45 / 600 = 0.075).
    cl = 25 / 500
    sigma = math.sqrt(cl * (1 - cl) / 100)
    assert result["cl"] == pytest.approx(cl)
    assert result["ucl"] == pytest.approx([cl + 3 * sigma] * 6)
    assert result["lcl"] == [0.0] * 6  # 0.05 - 3 * 0.0218 < 0, clipped
    assert result["y"][4] == 0.2
    assert result["excluded"] == [False, False, False, False, True, False]
    # The excluded point (0.2 > UCL 0.115) is not tested: qicharts2 draws it grey, not as a signal,
    # and its runs analysis leaves it out.
    assert result["sigma_signal"] == [False, False, False, False, None, False]
    assert result["special_cause"] == [False] * 6
    assert result["signal"] is False
    assert result["n_obs"] == 5
    assert p_chart(y, n).cl == pytest.approx(45 / 600)


def test_i_chart_exclusion_joins_the_neighbours_into_one_moving_range_as_qicharts2() -> None:
    chart = i_chart([10, 12, 30, 11, 13], exclude=[3])

    # y[base] = 10, 12, 11, 13: mean 46 / 4; diff(y[base]) = 2, 1, 2 (12 -> 11 bridges the excluded 30).
    assert chart.cl == pytest.approx(11.5)
    assert chart.ucl[0] == pytest.approx(11.5 + 3 * (5 / 3) / 1.128)
    assert chart.excluded is not None
    assert chart.excluded.tolist() == [False, False, True, False, False]


def test_mr_chart_exclusion_drops_the_moving_range_ending_at_the_excluded_point() -> None:
    chart = mr_chart([1, 3, 2, 10, 3, 2], exclude=[4])

    # MR = NA, 2, 1, 8, 7, 1; qicharts2 takes mean(MR[base]) with base = positions other than 4: (2 + 1 + 7 + 1) / 4.
    assert chart.cl == pytest.approx(11 / 4)
    assert chart.ucl[0] == pytest.approx(3.267 * 11 / 4)


def test_c_chart_with_freeze_and_exclude_together() -> None:
    chart = c_chart([2, 4, 3, 5, 6, 9, 3, 2], freeze=5, exclude=[4])

    # Base = positions 1, 2, 3, 5: (2 + 4 + 3 + 6) / 4 = 3.75; UCL = 3.75 + 3 sqrt(3.75); LCL < 0 -> 0.
    assert chart.cl == pytest.approx(3.75)
    assert chart.ucl == pytest.approx(np.full(8, 3.75 + 3 * math.sqrt(3.75)))
    assert chart.lcl.tolist() == [0.0] * 8


def test_u_chart_frozen_centre_line_and_limits_per_point_from_the_later_exposures() -> None:
    chart = u_chart([2, 3, 1, 4, 8], [10, 10, 10, 10, 20], freeze=4)

    # CL = (2 + 3 + 1 + 4) / 40; the 5th point's limit uses its own exposure: sqrt(0.25 / 20).
    assert chart.cl == pytest.approx(0.25)
    assert chart.ucl[4] == pytest.approx(0.25 + 3 * math.sqrt(0.25 / 20))
    assert chart.ucl[0] == pytest.approx(0.25 + 3 * math.sqrt(0.25 / 10))


def test_laney_charts_take_sigma_z_from_the_baseline_z_scores_in_order() -> None:
    y, n = [10, 14, 8, 12, 40, 11], [100, 100, 100, 100, 100, 100]
    cl = (10 + 14 + 8 + 12 + 11) / 500  # point 5 excluded
    sigma = math.sqrt(cl * (1 - cl) / 100)
    z = [(value / 100 - cl) / sigma for value in (10, 14, 8, 12, 11)]
    moving_ranges = [abs(b - a) for a, b in itertools.pairwise(z)]
    amr = sum(moving_ranges) / len(moving_ranges)
    assert all(mr < 3.267 * amr for mr in moving_ranges)  # nothing screened out
    sigma_z = amr / 1.128

    chart = pp_chart(y, n, exclude=[5])

    assert chart.cl == pytest.approx(cl)
    assert chart.ucl[0] == pytest.approx(cl + 3 * sigma * sigma_z)

    rate_sigma = math.sqrt(cl / 100)
    rate_z = [(value / 100 - cl) / rate_sigma for value in (10, 14, 8, 12, 11)]
    rate_amr = sum(abs(b - a) for a, b in itertools.pairwise(rate_z)) / 4
    assert up_chart(y, n, exclude=[5]).ucl[0] == pytest.approx(cl + 3 * rate_sigma * rate_amr / 1.128)


def test_g_chart_frozen_limits_from_the_baseline_mean_and_centre_line_its_median() -> None:
    chart = g_chart([10, 20, 30, 40, 100, 5], freeze=4)

    # Mean 25: UCL = 25 + 3 sqrt(25 * 26); CL = median(10, 20, 30, 40) = 25.
    assert chart.ucl[5] == pytest.approx(25 + 3 * math.sqrt(25 * 26))
    assert chart.cl == 25


def test_t_chart_frozen_i_chart_of_the_transformed_baseline() -> None:
    # Times whose 1/3.6 powers are 1, 2, 1, 2 then 3, 3.
    times = [value**3.6 for value in (1, 2, 1, 2, 3, 3)]
    chart = t_chart(times, freeze=4)

    # Transformed baseline: mean 1.5, moving ranges 1, 1, 1 -> sigma = 1 / 1.128.
    assert chart.cl == pytest.approx(1.5**3.6)
    assert chart.ucl[5] == pytest.approx((1.5 + 3 / 1.128) ** 3.6)
    assert chart.lcl[5] == 0.0  # 1.5 - 2.66 < 0 on the transformed scale


def test_xbar_and_s_charts_frozen_on_the_first_subgroups() -> None:
    groups = [[1, 3], [2, 4], [3, 5], [10, 12]]
    c4_2 = math.sqrt(2 / math.pi)  # c4(2) = sqrt(2 / 1) * Gamma(1) / Gamma(1/2)
    s = math.sqrt(2)  # each baseline subgroup's SD

    xbar = xbar_chart(groups, freeze=3)
    s_result = s_chart(groups, freeze=3)

    # Grand mean of the 3 baseline subgroups = (2 + 3 + 4) / 3; limits 3 -/+ 3 / (c4(2) sqrt(2)) * s.
    assert xbar.cl == pytest.approx(3)
    assert xbar.ucl[3] == pytest.approx(3 + 3 / (c4_2 * math.sqrt(2)) * s)
    assert xbar.y[3] > xbar.ucl[3]
    assert s_result.cl == pytest.approx(s)
    assert s_result.ucl[3] == pytest.approx((1 + 3 * math.sqrt(1 - c4_2**2) / c4_2) * s)


def test_freeze_applies_to_the_first_phase_and_later_phases_compute_their_own_limits() -> None:
    y = [*BASELINE_10, 14, 15, 6, 7, 5, 6]
    first, second = analyse({"chart": "c", "y": y, "phases": ["a"] * 12 + ["b"] * 4, "freeze": 10})

    assert first["freeze"] == 10
    assert first["cl"] == pytest.approx(11.5)
    assert first["ucl"][11] == pytest.approx(11.5 + 3 * math.sqrt(11.5))
    assert second["freeze"] is None
    assert second["cl"] == pytest.approx(6)


def test_excluded_point_positions_count_over_the_whole_series_across_phases() -> None:
    first, second = analyse({"chart": "c", "y": [4, 6, 5, 5, 30, 7], "phases": [1, 1, 1, 2, 2, 2], "exclude": [5]})

    assert first["excluded"] == [False, False, False]
    assert second["excluded"] == [False, True, False]
    assert second["cl"] == pytest.approx(6)  # (5 + 7) / 2
    # The before/after comparison leaves the excluded point out too: 12 events in 2 periods after.
    assert second["comparison"]["n_after"] == 2
    assert second["comparison"]["estimate_after"] == pytest.approx(6)


def test_an_excluded_point_is_not_part_of_an_nhs_shift() -> None:
    baseline = [11, 9, 11, 9, 11, 9, 11, 9]
    payload = {"chart": "i", "y": [*baseline, *[12] * 7], "freeze": 8, "rules": "nhs"}

    (with_all,) = analyse(payload)
    (with_one_excluded,) = analyse({**payload, "exclude": [12]})

    assert with_all["shift"][8:] == [True] * 7
    assert with_one_excluded["shift"][8:] == [False] * 7
    assert with_one_excluded["special_cause"][11] is False


def test_runs_analysis_leaves_excluded_points_out() -> None:
    # Sides around 0: + + + - + + +; excluding the 4th leaves one run of 6.
    runs = runs_analysis([1, 1, 1, -1, 1, 1, 1], 0.0, exclude=[4])

    assert (runs.n_obs, runs.n_useful, runs.longest_run, runs.n_crossings) == (6, 6, 6, 0)
    assert runs.run_signal.tolist()[3] is False


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"freeze": 1}, "freeze = 1 is too small: the baseline needs at least 2 points"),
        ({"freeze": 21}, "freeze = 21 exceeds the 20 points of the series"),
        ({"freeze": 2.5}, "freeze must be a whole number (a 1-based point position), got 2.5"),
        ({"freeze": True}, "freeze must be a whole number"),
        ({"exclude": [0]}, "exclude[0] = 0 is not a point of the series: positions run from 1 to 20"),
        ({"exclude": [3, 21]}, "exclude[1] = 21 is not a point of the series"),
        ({"exclude": ["3"]}, "exclude[0] must be a whole number (a 1-based point position), got '3'"),
        ({"exclude": [4, 4]}, "exclude lists point 4 twice"),
        ({"exclude": 4}, "exclude must be a list, got int"),
        ({"exclude": list(range(1, 20))}, "the series keeps 1 point with a value after the excluded points"),
        ({"freeze": 3, "exclude": [1, 2]}, "the series keeps 1 point with a value after the excluded points"),
        (
            {"phases": ["a"] * 8 + ["b"] * 12, "freeze": 10},
            "freeze = 10 exceeds the 8 points of the first phase 'a' (freeze applies to it only)",
        ),
        (
            {"phases": ["a"] * 8 + ["b"] * 12, "exclude": list(range(9, 21))},
            "phase 'b' keeps 0 points with a value after the excluded points; at least 2 are needed",
        ),
    ],
)
def test_bad_freeze_or_exclude_is_rejected_with_a_clear_message(extra: dict[str, object], message: str) -> None:
    with pytest.raises(AnalysisInputError) as error:
        analyse({"chart": "i", "y": BASELINE_10 + AFTER_10, **extra})

    assert message in str(error.value)


def test_typed_chart_functions_validate_freeze_and_exclude_too() -> None:
    with pytest.raises(AnalysisInputError, match="freeze = 6 exceeds the 5 points"):
        c_chart([1, 2, 3, 4, 5], freeze=6)
    with pytest.raises(AnalysisInputError, match="exclude lists point 2 twice"):
        p_chart([1, 2, 3], [10, 10, 10], exclude=[2, 2])


def test_freeze_on_every_point_or_no_exclusion_changes_nothing() -> None:
    y = [3, 8, 4, 9, 5, 7, 6]
    (plain,) = analyse({"chart": "i", "y": y})
    (frozen_all,) = analyse({"chart": "i", "y": y, "freeze": 7, "exclude": []})

    assert {key: value for key, value in frozen_all.items() if key != "freeze"} == {
        key: value for key, value in plain.items() if key != "freeze"
    }
