"""Status and plain-French conclusions computed from series (the engine itself is tested in analytics)."""

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.utils import translation

from ameliora.core.models import Organization
from ameliora.indicators.analysis import analyse_indicator, format_number
from ameliora.indicators.models import Direction, Indicator, Kind, Status
from ameliora.indicators.tests.factories import MONDAY, IndicatorFactory, weekly_series

pytestmark = pytest.mark.django_db

BASELINE = [4, 5, 4, 6, 5, 4, 3, 5, 4, 5, 6, 4, 5, 4, 3, 5, 4, 6, 4, 5, 5, 4, 3, 5, 4, 5]
AFTER = [2, 1, 1, 2, 0, 1, 2, 1, 1, 2, 1, 0, 2, 1, 1, 2, 1, 1, 2, 1]


def _analysis(indicator: Indicator, today: date | None = None):
    return analyse_indicator(indicator, list(indicator.measurements.all()), list(indicator.phases.all()), today=today)


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """The conclusions are asserted in English, except where a test says French explicitly."""
    with translation.override("en"):
        yield


def test_a_shift_after_the_change_is_a_significant_improvement(tilleuls: Organization) -> None:
    """Said in plain French, with French numbers, as the team reads it."""
    indicator = weekly_series(tilleuls, BASELINE + AFTER, phase_at=len(BASELINE), target_value=2)
    with translation.override("fr"):
        analysis = _analysis(indicator)
    since = MONDAY + timedelta(weeks=len(BASELINE))
    end = MONDAY + timedelta(weeks=len(BASELINE) + len(AFTER) - 1)
    assert analysis.conclusion[0] == (
        f"Amélioration significative depuis le {since:%d/%m/%Y} : 20 points consécutifs sous la moyenne de la "
        f"phase précédente (4,5), du {since:%d/%m/%y} au {end:%d/%m/%y}."
    )
    assert analysis.status == Status.ON_TARGET
    before_after = analysis.before_after
    assert before_after is not None
    assert before_after.significant
    assert before_after.improved is True
    assert before_after.target_met is True
    assert before_after.p_value == "p < 0,001"


def test_the_same_shift_upwards_is_a_deterioration_when_lower_is_better(tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, AFTER + BASELINE, phase_at=len(AFTER))
    analysis = _analysis(indicator)
    assert analysis.conclusion[0].startswith("Significant deterioration since")
    assert analysis.status == Status.CONCERNING


def test_random_variation_is_said_to_be_random(tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, BASELINE, kind=Kind.COUNT, chart="run")
    analysis = _analysis(indicator)
    assert analysis.conclusion[0].startswith("Random variation only: no unusually long run")
    assert analysis.status == Status.STABLE


def test_a_run_inside_a_single_phase_is_dated_from_its_first_point(tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, BASELINE[:12] + AFTER[:10], chart="run")
    analysis = _analysis(indicator)
    start, end = MONDAY + timedelta(weeks=12), MONDAY + timedelta(weeks=21)
    assert analysis.conclusion[0].startswith(
        "Sustained shift in the right direction: 10 consecutive points below the median"
    )
    assert analysis.conclusion[0].endswith(f"from {start:%d/%m/%y} to {end:%d/%m/%y}.")
    assert analysis.reading.suggested_phase is not None
    assert analysis.reading.suggested_phase.start == start
    assert analysis.status == Status.IMPROVING


def test_no_data(tilleuls: Organization) -> None:
    analysis = _analysis(IndicatorFactory.create(organization=tilleuls))
    assert analysis.status == Status.NO_DATA
    assert analysis.conclusion == ["No measurement yet: enter the first period to start the chart."]


def test_a_value_beyond_the_alert_threshold_is_concerning(tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, [*BASELINE, 12], alert_threshold=10)
    analysis = _analysis(indicator)
    assert analysis.status == Status.CONCERNING
    assert "The last value (12) is beyond the alert threshold (10)." in analysis.conclusion


def test_a_milestone_not_reached_after_its_date_is_concerning(tilleuls: Organization) -> None:
    indicator = weekly_series(
        tilleuls, [0, 0, 0], kind=Kind.YES_NO, direction=Direction.UP, target_date=date(2025, 1, 10)
    )
    assert _analysis(indicator, today=date(2025, 2, 1)).status == Status.CONCERNING
    reached = weekly_series(tilleuls, [0, 1, 1], kind=Kind.YES_NO, direction=Direction.UP)
    analysis = _analysis(reached)
    assert analysis.status == Status.ON_TARGET
    assert analysis.conclusion == [f"Milestone reached since {MONDAY + timedelta(weeks=1):%d/%m/%Y}."]


def test_too_few_points_are_flagged(tilleuls: Organization) -> None:
    analysis = _analysis(weekly_series(tilleuls, [3, 4, 5]))
    assert "Only 3 points in this phase: at least 10 are needed to detect a change reliably." in analysis.conclusion


def test_numbers_use_the_french_decimal_comma() -> None:
    with translation.override("fr"):
        assert format_number(4.456) == "4,46"
        assert format_number(12.0) == "12"
        assert format_number(1234.4) == "1234"
