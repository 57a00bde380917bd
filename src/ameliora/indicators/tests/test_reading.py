"""The reading of a series: true runs, the current level, change points, and sentences that claim
nothing the engine did not find (property tests on generated series)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ameliora.core.models import Organization
from ameliora.indicators import services
from ameliora.indicators.analysis import IndicatorAnalysis, analyse_indicator, render_svg
from ameliora.indicators.models import Direction, Indicator, Kind, Measurement, Phase, Status
from ameliora.indicators.reading import Signal
from ameliora.indicators.tests.factories import MONDAY, weekly_series

#: The pharmacy's weekly dispensing errors: 8 weeks around 6, then 8 around 1.5 after a change.
BEFORE = [6, 7, 6, 5, 7, 6, 6, 7]
AFTER = [2, 1, 2, 1, 1, 2, 2, 1]
PHARMACY = BEFORE + AFTER


def _week(k: int) -> date:
    return MONDAY + timedelta(weeks=k)


def _analysis(indicator: Indicator) -> IndicatorAnalysis:
    return analyse_indicator(indicator, list(indicator.measurements.all()), list(indicator.phases.all()))


# --- The pharmacy scenario ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_run_reported_is_the_last_eight_points_below_the_mean(tilleuls: Organization) -> None:
    reading = _analysis(weekly_series(tilleuls, PHARMACY)).reading
    shift = reading.shift
    assert shift is not None
    assert (shift.reference, shift.side, shift.length) == ("own", "below", 8)
    assert shift.points == tuple(_week(k) for k in range(8, 16))
    assert shift.centre == pytest.approx(3.875)
    assert [s.rule for s in reading.signals] == ["few_crossings", "shift"]  # one crossing, at least 5 expected


@pytest.mark.django_db
def test_the_current_level_is_the_recent_runs_and_a_phase_is_proposed_at_the_ninth_point(
    tilleuls: Organization,
) -> None:
    analysis = _analysis(weekly_series(tilleuls, PHARMACY))
    reading = analysis.reading
    assert reading.current_level == pytest.approx(1.5)
    assert reading.level_since == _week(8)
    assert reading.suggested_phase is not None
    assert (reading.suggested_phase.start, reading.suggested_phase.reason) == (_week(8), "shift")
    assert reading.status == Status.IMPROVING
    assert reading.variation == "improvement"
    assert analysis.conclusion[0] == (
        "Sustained shift in the right direction: 8 consecutive points below the mean (3.88), "
        f"from {_week(8):%d/%m/%y} to {_week(15):%d/%m/%y}."
    )
    assert "16 consecutive" not in " ".join(analysis.conclusion)
    assert f"Current level: 1.5 since {_week(8):%d/%m/%y}." in analysis.conclusion


@pytest.mark.django_db
def test_the_chart_and_the_table_mark_the_runs_points_not_the_whole_series(tilleuls: Organization) -> None:
    analysis = _analysis(weekly_series(tilleuls, PHARMACY))

    assert analysis.signal_flags() == [False] * 8 + [True] * 8
    marked = [row["period"] for row in analysis.rows() if row["signal"]]
    assert sorted(marked) == [_week(k) for k in range(8, 16)]
    assert render_svg(analysis).count('class="point signal"') == 8


@pytest.mark.django_db
def test_once_the_phase_is_accepted_the_page_compares_before_and_after(tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, PHARMACY)
    services.add_phase(indicator, start=_week(8), label="Double contrôle")
    analysis = _analysis(indicator)
    reading = analysis.reading
    assert reading.suggested_phase is None
    assert reading.current_level == pytest.approx(1.5)
    assert reading.before_after is not None
    assert reading.before_after.significant
    assert reading.before_after.p_value < 0.001
    assert analysis.before_after is not None
    assert (analysis.before_after.estimate_before, analysis.before_after.estimate_after) == ("6.25", "1.5")
    assert analysis.before_after.relative_change == "-76\u00a0%"


# --- Change points on shifted series ----------------------------------------------------------------


def _unsaved(values: Sequence[float | None], **fields: Any) -> tuple[Indicator, list[Measurement], list[Phase]]:
    """An indicator and its rows, never saved: the reading needs no database."""
    phase_at = fields.pop("phase_at", None)
    indicator = Indicator(
        name="x",
        kind=fields.pop("kind", Kind.MEASUREMENT),
        periodicity="week",
        direction=fields.pop("direction", Direction.UP),
        **fields,
    )
    rows = [
        Measurement(period_start=_week(k), value=None if v is None else Decimal(str(v))) for k, v in enumerate(values)
    ]
    phases = [] if phase_at is None else [Phase(start=_week(phase_at), label="B")]
    return indicator, rows, phases


def _read(values: Sequence[float | None], **fields: Any) -> IndicatorAnalysis:
    indicator, rows, phases = _unsaved(values, **fields)
    return analyse_indicator(indicator, rows, phases)


def test_a_step_up_proposes_a_phase_where_the_higher_level_starts() -> None:
    analysis = _read([10, 11, 9, 10, 10, 11, 9, 10, 11, 9, 10, 10, 15, 16, 14, 15, 15, 16, 14, 15])
    reading = analysis.reading
    assert reading.suggested_phase is not None
    assert reading.suggested_phase.start == _week(12)
    assert reading.current_level == pytest.approx(15)
    assert reading.status == Status.IMPROVING


def test_a_shift_inside_a_later_phase_proposes_a_phase_inside_it() -> None:
    baseline = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10]
    later = [20, 21, 19, 20, 21, 19, 20, 21, 19, 20, 30, 31, 29, 30, 31, 29, 30, 31, 29, 30]
    reading = _read(baseline + later, phase_at=10).reading
    assert reading.suggested_phase is not None
    assert reading.suggested_phase.start == _week(20)
    own = [s for s in reading.signals if s.rule == "shift" and s.reference == "own"]
    assert [s.start for s in own] == [_week(20)]
    assert reading.current_level == pytest.approx(30)


def test_a_shift_that_opens_the_phase_proposes_a_phase_where_it_ends() -> None:
    # 14 useful points: a run of 10 is longer than round(log2(14) + 3) = 7; the 4 after it are not.
    reading = _read([10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 2, 3, 2, 3]).reading
    assert reading.suggested_phase is not None
    assert (reading.suggested_phase.start, reading.suggested_phase.reason) == (_week(10), "after_shift")
    assert reading.current_level == pytest.approx(2.5)


def test_random_variation_proposes_nothing_and_says_why() -> None:
    analysis = _read([5, 6, 4, 5, 6, 5, 4, 6, 5, 4, 6, 5, 5, 4, 6, 5])
    assert analysis.reading.signals == ()
    assert analysis.reading.suggested_phase is None
    assert analysis.reading.variation == "common_cause"
    assert analysis.conclusion[0].startswith("Random variation only")


def test_points_outside_the_limits_are_named_with_their_periods() -> None:
    analysis = _read([5, 6, 4, 5, 6, 5, 4, 6, 5, 12, 6, 5, 5, 4, 6, 5], direction=Direction.DOWN)
    (signal,) = analysis.reading.signals
    assert (signal.rule, signal.side, signal.points, signal.good) == ("outside_limits", "above", (_week(9),), False)
    assert f"1 point above the upper control limit: {_week(9):%d/%m/%y}." in analysis.conclusion
    assert analysis.reading.status == Status.CONCERNING


def test_nhs_trend_and_two_of_three_are_named() -> None:
    trend = _read([5, 5, 6, 5, 5, 1, 2, 3, 4, 5, 6, 7, 8, 5, 5], rules="nhs").reading
    (found,) = trend.signals_of("trend")
    assert (found.start, found.end, found.rising) == (_week(5), _week(12), True)
    assert trend.suggested_phase is None


# --- Properties ---------------------------------------------------------------------------------------

values = st.lists(st.one_of(st.none(), st.integers(0, 30)), min_size=1, max_size=40).filter(
    lambda v: sum(x is not None for x in v) >= 2
)


def _check_signal(signal: Signal, last: dict[str, Any], rules: str, positions: list[int]) -> None:
    """The signal's points are flagged by the engine's rule; a shift is a real run."""
    assert positions == sorted(set(positions))
    assert signal.length == len(positions) == len(signal.points)
    if signal.rule == "shift":
        assert signal.centre is not None
        above = signal.side == "above"
        for i in positions:
            value = last["y"][i]
            assert value is not None
            assert (value > signal.centre) if above else (value < signal.centre)
        # A real run: no point with a value between its ends lies on the other side of the centre line.
        for i in range(positions[0], positions[-1] + 1):
            if last["y"][i] is not None and last["y"][i] != signal.centre:
                assert i in positions
        if signal.reference == "own":
            flags = last["shift"] if rules == "nhs" else last["run_signal"]
            assert all(flags[i] for i in positions)
    elif signal.rule == "outside_limits":
        assert all(last["sigma_signal"][i] for i in positions)
    elif signal.rule == "trend":
        assert all(last["trend"][i] for i in positions)
    elif signal.rule == "two_of_three":
        assert all(last["two_in_three"][i] for i in positions)
    else:
        assert last["n_crossings"] < last["n_crossings_min"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    y=values,
    rules=st.sampled_from(["anhoej", "nhs"]),
    chart=st.sampled_from(["", "run", "i"]),
    direction=st.sampled_from([Direction.UP, Direction.DOWN]),
    phase_at=st.one_of(st.none(), st.integers(1, 39)),
)
def test_a_reported_run_is_a_real_run_and_no_sentence_claims_more(
    y: list[float | None], rules: str, chart: str, direction: str, phase_at: int | None
) -> None:
    if phase_at is not None and phase_at >= len(y):
        phase_at = None
    analysis = _read(y, rules=rules, chart=chart, kind=Kind.COUNT, direction=direction, phase_at=phase_at)
    reading = analysis.reading
    if reading.error:
        return
    last = analysis.results[-1]
    offset = len(y) - len(last["y"])
    index = {_week(offset + i): i for i in range(len(last["y"]))}
    for signal in reading.signals:
        _check_signal(signal, last, rules, [index[p] for p in signal.points])  # every point in the last phase
    claimed = [s.rule for s in analysis.sentences if s.rule is not None]
    assert sorted(claimed) == sorted(s.rule for s in reading.signals)
    plain = " ".join(s.text for s in analysis.sentences if s.rule is None)
    for words in ("consecutive point", "control limit:", "Trend:", "Two of three", "Too few crossings"):
        assert words not in plain
    if reading.suggested_phase is not None:
        assert reading.shift is not None
        assert reading.suggested_phase.start in index
        assert not math.isnan(reading.current_level or math.nan)


# --- The page and the API ---------------------------------------------------------------------------------


def _detail_url(indicator: Indicator, name: str = "detail") -> str:
    return reverse(f"indicators:{name}", kwargs={"org_slug": indicator.organization.slug, "indicator_id": indicator.pk})


@pytest.mark.django_db
def test_the_page_proposes_the_phase_and_one_click_accepts_it(alice_client: Client, tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, PHARMACY)
    html = alice_client.get(_detail_url(indicator)).content.decode()
    assert 'id="suggested-phase"' in html
    assert f'value="{_week(8):%Y-%m-%d}"' in html
    response = alice_client.post(
        _detail_url(indicator, "phase_add"),
        {"suggested-start": f"{_week(8):%Y-%m-%d}", "suggested-label": "Double contrôle"},
    )
    assert response.status_code == 302
    assert [(p.start, p.label) for p in indicator.phases.all()] == [(_week(8), "Double contrôle")]
    html = alice_client.get(_detail_url(indicator)).content.decode()
    assert 'id="suggested-phase"' not in html
    assert "6,25" in html
    assert "1,5" in html


@pytest.mark.django_db
def test_a_refused_proposed_phase_comes_back_with_its_input(alice_client: Client, tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, PHARMACY)
    response = alice_client.post(
        _detail_url(indicator, "phase_add"), {"suggested-start": f"{_week(8):%Y-%m-%d}", "suggested-label": ""}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="suggested-phase"' in html
    assert f'value="{_week(8):%Y-%m-%d}"' in html
    assert not indicator.phases.exists()


@pytest.mark.django_db
def test_another_organization_cannot_accept_the_phase(charlie_client: Client, tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, PHARMACY)
    response = charlie_client.post(
        _detail_url(indicator, "phase_add"), {"suggested-start": f"{_week(8):%Y-%m-%d}", "suggested-label": "x"}
    )
    assert response.status_code == 404
    assert not indicator.phases.exists()


@pytest.mark.django_db
def test_the_api_returns_the_reading(alice_client: Client, tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, PHARMACY)
    reading = alice_client.get(f"/api/v1/o/tilleuls/indicators/{indicator.pk}").json()["reading"]
    assert reading == {
        "status": "improving",
        "variation": "improvement",
        "assurance": None,
        "current_level": 1.5,
        "signals": [
            {
                "rule": "few_crossings",
                "start": f"{_week(0):%Y-%m-%d}",
                "end": f"{_week(15):%Y-%m-%d}",
                "length": 16,
                "side": None,
                "reference": "own",
            },
            {
                "rule": "shift",
                "start": f"{_week(8):%Y-%m-%d}",
                "end": f"{_week(15):%Y-%m-%d}",
                "length": 8,
                "side": "below",
                "reference": "own",
            },
        ],
        "suggested_phase": {"start": f"{_week(8):%Y-%m-%d}", "reason": "shift"},
        "before_after": None,
    }
    services.add_phase(indicator, start=_week(8), label="Double contrôle")
    reading = alice_client.get(f"/api/v1/o/tilleuls/indicators/{indicator.pk}").json()["reading"]
    assert reading["suggested_phase"] is None
    assert reading["before_after"]["test"] == "poisson_exact_conditional"
    assert reading["before_after"]["significant"] is True
    assert reading["before_after"]["p_value"] < 0.001
