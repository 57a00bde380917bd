"""Properties that must hold for any input (Hypothesis)."""

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ameliora.analytics import (
    AnalysisInputError,
    analyse,
    compare_proportions,
    compare_rates,
    i_chart,
    nhs_signals,
    p_chart,
    runs_analysis,
    sigma_signals,
)
from ameliora.analytics.report import CHARTS
from ameliora.analytics.tests.support import PROPERTY

small_integers = st.integers(min_value=-50, max_value=50)
series = st.lists(small_integers, min_size=1, max_size=60)
series_with_gaps = st.lists(st.one_of(small_integers, st.none()), min_size=1, max_size=60)


def _as_array(values: list[int | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


@PROPERTY
@given(series_with_gaps, small_integers)
def test_runs_statistics_stay_within_their_bounds(values: list[int | None], cl: int) -> None:
    result = runs_analysis(_as_array(values), cl)

    assert result.n_useful <= result.n_obs == len(values)
    if result.n_useful:
        assert result.longest_run is not None
        assert result.n_crossings is not None
        assert 1 <= result.longest_run <= result.n_useful
        assert 0 <= result.n_crossings <= result.n_useful - 1
    assert result.run_signal.sum() <= result.n_useful


@PROPERTY
@given(series_with_gaps, small_integers)
def test_reversing_a_series_keeps_its_longest_run_and_crossings(values: list[int | None], cl: int) -> None:
    forward = runs_analysis(_as_array(values), cl)
    backward = runs_analysis(_as_array(values[::-1]), cl)

    assert (backward.n_useful, backward.longest_run, backward.n_crossings) == (
        forward.n_useful,
        forward.longest_run,
        forward.n_crossings,
    )
    assert backward.run_signal.tolist() == forward.run_signal.tolist()[::-1]


@PROPERTY
@given(st.lists(small_integers, min_size=2, max_size=60))
def test_i_chart_limits_are_symmetric_around_the_centre_line(values: list[int]) -> None:
    chart = i_chart(values)

    defined = ~np.isnan(chart.ucl)
    assert np.allclose(chart.ucl[defined] - chart.cl, chart.cl - chart.lcl[defined])
    assert np.allclose(chart.ucl_2sigma[defined] - chart.cl, chart.cl - chart.lcl_2sigma[defined])


@st.composite
def proportions(draw: st.DrawFn) -> tuple[list[int], list[int]]:
    denominators = draw(st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=40))
    numerators = [draw(st.integers(min_value=0, max_value=n)) for n in denominators]
    assume(sum(denominators) > 0)
    return numerators, denominators


@PROPERTY
@given(proportions())
def test_p_chart_limits_lie_within_0_and_1_around_the_centre_line(data: tuple[list[int], list[int]]) -> None:
    chart = p_chart(*data)

    for lower, upper in ((chart.lcl, chart.ucl), (chart.lcl_2sigma, chart.ucl_2sigma)):
        defined = ~np.isnan(upper)
        assert np.all((lower[defined] >= 0) & (lower[defined] <= chart.cl))
        assert np.all((upper[defined] <= 1) & (upper[defined] >= chart.cl))


@PROPERTY
@given(series, st.integers(min_value=-1000, max_value=1000), st.sampled_from(["anhoej", "nhs"]))
def test_adding_a_constant_to_an_i_chart_shifts_cl_and_limits_and_keeps_the_signals(
    values: list[int], shift: int, rules: str
) -> None:
    (base,) = analyse({"chart": "i", "y": values, "rules": rules})
    (moved,) = analyse({"chart": "i", "y": [v + shift for v in values], "rules": rules})

    assert moved["cl"] == pytest.approx(base["cl"] + shift)
    for key in ("lcl", "ucl", "lcl_2sigma", "ucl_2sigma"):
        assert [None if v is None else pytest.approx(v + shift) for v in base[key]] == moved[key]
    for key in ("sigma_signal", "run_signal", "special_cause", "signal", "runs_signal", "longest_run", "n_crossings"):
        assert moved[key] == base[key]


def _without_context(result: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in result.items() if key not in {"phase", "comparison"}}


@PROPERTY
@given(series, series, st.sampled_from(["run", "i", "c"]), st.sampled_from(["anhoej", "nhs"]))
def test_each_phase_is_analysed_independently_of_the_others_and_of_their_order(
    first: list[int], second: list[int], chart: str, rules: str
) -> None:
    if chart == "c":
        first, second = [abs(v) for v in first], [abs(v) for v in second]
    together = analyse(
        {"chart": chart, "y": first + second, "phases": ["a"] * len(first) + ["b"] * len(second), "rules": rules}
    )
    swapped = analyse(
        {"chart": chart, "y": second + first, "phases": ["b"] * len(second) + ["a"] * len(first), "rules": rules}
    )
    alone = [analyse({"chart": chart, "y": part, "rules": rules})[0] for part in (first, second)]

    assert [_without_context(r) for r in together] == [_without_context(r) for r in alone]
    assert [_without_context(r) for r in swapped[::-1]] == [_without_context(r) for r in alone]


@PROPERTY
@given(proportions(), proportions())
def test_swapping_before_and_after_negates_the_change_and_keeps_the_p_value(
    before: tuple[list[int], list[int]], after: tuple[list[int], list[int]]
) -> None:
    assume(sum(before[1]) > 0 and sum(after[1]) > 0)
    for compare in (compare_proportions, compare_rates):
        forward = compare(*before, *after)
        backward = compare(*after, *before)
        assert backward.absolute_change == pytest.approx(-forward.absolute_change)
        assert backward.test.name == forward.test.name
        assert backward.test.p_value == pytest.approx(forward.test.p_value, rel=1e-6)
        assert 0 <= forward.test.p_value <= 1


@PROPERTY
@given(series_with_gaps)
def test_nhs_outside_limit_flags_are_shewharts_sigma_signals(values: list[int | None]) -> None:
    assume(any(v is not None for v in values))
    chart = i_chart(_as_array(values))
    signals = nhs_signals(chart)

    assert signals.outside.tolist() == sigma_signals(chart).tolist()
    assert not (signals.special_cause & np.isnan(chart.y)).any()
    assert np.all(signals.special_cause == (signals.outside | signals.shift | signals.trend | signals.two_in_three))


def _gaps(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(values, st.none())


@st.composite
def payloads(draw: st.DrawFn) -> dict[str, Any]:
    chart = draw(st.sampled_from(CHARTS))
    size = draw(st.integers(min_value=1, max_value=30))

    def series_of(values: st.SearchStrategy[Any]) -> list[Any]:
        return draw(st.lists(_gaps(values), min_size=size, max_size=size))

    payload: dict[str, Any] = {"chart": chart, "rules": draw(st.sampled_from(["anhoej", "nhs"]))}
    if chart in {"xbar", "s"}:
        payload["y"] = series_of(st.lists(_gaps(st.floats(min_value=-100, max_value=100)), max_size=5))
    elif chart in {"p", "pp"}:
        n = series_of(st.integers(min_value=0, max_value=1000))
        payload["y"] = [None if k is None else draw(_gaps(st.integers(min_value=0, max_value=k))) for k in n]
        payload["n"] = n
    elif chart in {"u", "up"}:
        payload["n"] = series_of(st.floats(min_value=0.5, max_value=1000))
        payload["y"] = series_of(st.integers(min_value=0, max_value=100))
    elif chart == "t":
        payload["y"] = series_of(st.floats(min_value=0.1, max_value=1000))
    elif chart in {"c", "g"}:
        payload["y"] = series_of(st.integers(min_value=0, max_value=100))
    else:
        payload["y"] = series_of(st.floats(min_value=-1e15, max_value=1e15))
    cut = draw(st.integers(min_value=0, max_value=size - 1))
    payload["phases"] = ["before"] * cut + ["after"] * (size - cut)
    return payload


def _has_data(payload: dict[str, Any], indices: range) -> bool:
    y, n = payload["y"], payload.get("n")
    if payload["chart"] in {"xbar", "s"}:
        return any(sum(v is not None for v in y[i] or []) >= 2 for i in indices)
    return any(y[i] is not None and (n is None or (n[i] is not None and n[i] > 0)) for i in indices)


@PROPERTY
@given(payloads())
def test_every_chart_returns_strict_json_with_one_value_per_point_or_says_a_phase_is_empty(
    payload: dict[str, Any],
) -> None:
    cut = payload["phases"].count("before")
    size = len(payload["y"])
    if not all(_has_data(payload, part) for part in (range(cut), range(cut, size)) if part):
        with pytest.raises(AnalysisInputError, match=r"has no observation|has no subgroup of two or more values"):
            analyse(payload)
        return

    results = analyse(payload)

    json.dumps(results, allow_nan=False)
    assert sum(result["n_obs"] for result in results) == size
    for result in results:
        for key in ("y", "lcl", "ucl", "sigma_signal", "run_signal", "special_cause"):
            assert len(result[key]) == result["n_obs"]
        assert result["n_useful"] <= result["n_obs"]
