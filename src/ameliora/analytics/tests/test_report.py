"""The ``analyse`` entry point: payload in, one JSON-serialisable dict per phase out."""

import json
import math

import pytest

from ameliora.analytics import AnalysisInputError, analyse

BASELINE = [10.2, 9.8, 10.5, 9.6, 10.1, 10.4, 9.7, 10.3, 9.9, 10.6, 9.5, 10.0]
AFTER = [5.1, 4.8, 5.4, 4.7, 5.2, 5.0, 4.6, 5.3, 4.9, 5.5, 4.5, 5.0]
SUMMARY_KEYS = [
    "phase",
    "chart",
    "rules",
    "freeze",
    "n_obs",
    "n_useful",
    "longest_run",
    "longest_run_max",
    "n_crossings",
    "n_crossings_min",
    "runs_signal",
    "cl",
    "y",
    "lcl",
    "ucl",
    "lcl_2sigma",
    "ucl_2sigma",
    "excluded",
    "sigma_signal",
    "run_signal",
    "special_cause",
    "signal",
    "shift",
    "trend",
    "two_in_three",
    "variation",
    "assurance",
    "comparison",
]


def test_a_shift_split_into_phases_lowers_the_median_and_the_before_after_test_is_significant() -> None:
    before, after = analyse(
        {"chart": "run", "y": BASELINE + AFTER, "phases": ["before"] * 12 + ["after"] * 12, "rules": "anhoej"}
    )

    assert (before["phase"], after["phase"]) == ("before", "after")
    assert after["cl"] < before["cl"]
    assert before["comparison"] is None
    comparison = after["comparison"]
    assert comparison["test"]["name"] == "mann_whitney_u"
    assert comparison["median_after"] < comparison["median_before"]
    assert comparison["test"]["p_value"] < 1e-4
    assert comparison["significant"]
    assert not before["runs_signal"]
    assert not after["runs_signal"]


def test_the_same_shift_without_phases_gives_a_runs_signal() -> None:
    (result,) = analyse({"chart": "run", "y": BASELINE + AFTER, "phases": None, "rules": "anhoej"})

    assert result["phase"] is None
    assert result["longest_run"] == 12
    assert result["longest_run_max"] == 8
    assert result["n_crossings"] == 1
    assert result["n_crossings_min"] == 8
    assert result["runs_signal"]
    assert result["signal"]
    assert all(result["run_signal"])


def test_an_i_chart_of_the_shift_signals_with_both_rule_sets() -> None:
    anhoej, nhs = (analyse({"chart": "i", "y": BASELINE + AFTER, "rules": rules})[0] for rules in ("anhoej", "nhs"))

    assert anhoej["signal"]
    assert nhs["signal"]
    assert all(nhs["shift"])


def test_output_has_the_documented_keys_and_is_strict_json() -> None:
    results = analyse({"chart": "p", "y": [1, 0, 3, 2], "n": [10, 0, 12, None], "phases": [1, 1, 2, 2]})

    for result in results:
        assert list(result) == SUMMARY_KEYS
        assert json.loads(json.dumps(result, allow_nan=False)) == result
    first = results[0]
    assert first["y"] == [0.1, None]
    assert first["ucl"][1] is None
    assert first["sigma_signal"] == [False, None]
    assert results[1]["comparison"]["kind"] == "proportion"


def test_run_charts_have_no_limits_and_no_sigma_signal() -> None:
    (result,) = analyse({"chart": "run", "y": [1, 2, 3], "n": None, "phases": None, "rules": "anhoej"})

    assert result["lcl"] == [None, None, None]
    assert result["ucl"] == [None, None, None]
    assert result["sigma_signal"] == [None, None, None]


def test_run_and_i_charts_with_denominators_plot_the_ratio() -> None:
    (result,) = analyse({"chart": "run", "y": [1, 2, 3], "n": [10, 10, 20]})

    assert result["y"] == [0.1, 0.2, 0.15]
    assert result["cl"] == 0.15


def test_mr_charts_report_runs_statistics_but_never_a_runs_signal() -> None:
    (result,) = analyse({"chart": "mr", "y": [*range(0, 40, 2), 0]})

    assert result["longest_run"] is not None
    assert result["longest_run"] > result["longest_run_max"]
    assert not result["runs_signal"]
    assert not any(result["run_signal"])
    assert result["y"][0] is None


def test_xbar_payload_takes_one_list_of_values_per_subgroup_and_null_for_an_empty_one() -> None:
    (result,) = analyse({"chart": "xbar", "y": [[1, 2, 3], [2, 3, 4], None, [3, 5, 7]]})

    assert result["y"] == [2, 3, None, 5]
    assert result["cl"] == pytest.approx(10 / 3)
    assert result["ucl"][2] is None


def test_c_chart_phases_are_compared_as_poisson_rates() -> None:
    _, after = analyse({"chart": "c", "y": [9, 11, 10, 2, 3, 1], "phases": ["a"] * 3 + ["b"] * 3})

    assert after["comparison"]["test"]["name"] == "poisson_exact_conditional"
    assert after["comparison"]["estimate_before"] == 10
    assert after["comparison"]["estimate_after"] == 2


def test_nhs_rules_report_variation_and_assurance() -> None:
    results = analyse(
        {
            "chart": "i",
            "y": BASELINE + AFTER,
            "phases": ["before"] * 12 + ["after"] * 12,
            "rules": "nhs",
            "direction": "down",
            "target": 8,
        }
    )

    before, after = results
    assert before["variation"] == "common_cause"
    assert before["assurance"] == "consistently_not_met"
    assert after["assurance"] == "consistently_met"
    assert after["comparison"]["target_met"] is True
    assert isinstance(after["shift"], list)


def test_anhoej_rules_leave_the_nhs_fields_empty() -> None:
    (result,) = analyse({"chart": "i", "y": [1, 2, 3]})

    assert (result["shift"], result["trend"], result["two_in_three"]) == (None, None, None)
    assert (result["variation"], result["assurance"]) == (None, None)


def test_a_point_outside_the_limits_is_a_special_cause_with_anhoej_rules() -> None:
    (result,) = analyse({"chart": "c", "y": [5, 4, 6, 5, 30, 5, 4, 6]})

    assert result["sigma_signal"][4]
    assert result["special_cause"] == [False] * 4 + [True] + [False] * 3
    assert result["signal"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([1, 2], "the payload must be a JSON object, got list"),
        (
            {"chart": "i", "y": [1], "colour": "red"},
            "unknown payload key(s): 'colour'; "
            "expected: chart, y, n, phases, rules, direction, target, freeze, exclude",
        ),
        ({"y": [1]}, "the payload is missing the required key 'chart'"),
        ({"chart": "i"}, "the payload is missing the required key 'y'"),
        (
            {"chart": "x", "y": [1]},
            "chart must be one of 'run', 'i', 'mr', 'xbar', 's', 'p', 'pp', 'u', 'up', 'c', 'g', 't', got 'x'",
        ),
        ({"chart": "i", "y": [1], "rules": "we"}, "rules must be one of 'anhoej', 'nhs', got 'we'"),
        ({"chart": "i", "y": []}, "y is empty: at least one observation is needed"),
        ({"chart": "i", "y": "1,2"}, "y must be a list, got str"),
        ({"chart": "i", "y": [1, "2"]}, "y[1] must be a number or null, got '2'"),
        ({"chart": "i", "y": [1, True]}, "y[1] must be a number or null, got True"),
        ({"chart": "i", "y": [1, math.inf]}, "y[1] is infinite; values must be finite numbers"),
        ({"chart": "i", "y": [1, 1e300]}, "y[1] = 1e+300 is too large; values must lie between -1e15 and 1e15"),
        (
            {"chart": "u", "y": [1], "n": [1e-320]},
            "y[0] / n[0] is too large to compute; n[0] = 9.99989e-321 is too small",
        ),
        ({"chart": "p", "y": [1, 2]}, "chart 'p' needs denominators: n must be a list as long as y"),
        ({"chart": "c", "y": [1, 2], "n": [3, 4]}, "chart 'c' takes no denominators: n must be null"),
        ({"chart": "p", "y": [1, 2], "n": [3]}, "n has 1 values but y has 2; they must have the same length"),
        ({"chart": "p", "y": [1, 2], "n": [3, -4]}, "n[1] = -4 is negative; chart 'p' needs denominators >= 0"),
        (
            {"chart": "p", "y": [1, 5], "n": [3, 4]},
            "y[1] = 5 exceeds n[1] = 4; a proportion's numerator cannot exceed its denominator",
        ),
        ({"chart": "u", "y": [1, 5], "n": [3, 0]}, "y[1] = 5 with n[1] = 0: a zero denominator needs a zero numerator"),
        ({"chart": "c", "y": [1, -5]}, "y[1] = -5 is negative; chart 'c' needs counts >= 0"),
        (
            {"chart": "p", "y": [1, 1.5], "n": [3, 3]},
            "y[1] = 1.5 is not a whole number; chart 'p' needs counts (whole numbers)",
        ),
        ({"chart": "t", "y": [1, 0]}, "y[1] = 0 is not positive; chart 't' needs times between events > 0"),
        (
            {"chart": "i", "y": [1, 2], "phases": ["a"]},
            "phases has 1 labels but y has 2; they must have the same length",
        ),
        ({"chart": "i", "y": [1, 2], "phases": ["a", None]}, "phases[1] must be a string or an integer, got None"),
        (
            {"chart": "i", "y": [1, 2, 3], "phases": ["a", "b", "a"]},
            "phase 'a' is split: it reappears at phases[2]; each phase must be one block of consecutive points",
        ),
        (
            {"chart": "i", "y": [1, None], "phases": ["a", "b"]},
            "phase 'b' has no observation (all values missing or zero denominators)",
        ),
        (
            {"chart": "xbar", "y": [1, 2]},
            "y[0] must be a list of the values of one subgroup (or null) for chart 'xbar', got 1",
        ),
        (
            {"chart": "s", "y": [[1], [2, None]]},
            "the series has no subgroup of two or more values; chart 's' needs one to estimate the standard deviation",
        ),
        ({"chart": "i", "y": [1], "direction": "higher"}, "direction must be one of 'up', 'down', got 'higher'"),
        ({"chart": "i", "y": [1], "target": "5"}, "target must be a number or null, got '5'"),
        ({"chart": "i", "y": [1], "target": 5}, "a target needs a direction: 'up' (higher is better) or 'down'"),
    ],
)
def test_bad_input_raises_analysis_input_error_with_a_readable_message(payload: object, message: str) -> None:
    with pytest.raises(AnalysisInputError) as raised:
        analyse(payload)  # type: ignore[arg-type]

    assert str(raised.value) == message
    assert isinstance(raised.value, ValueError)
