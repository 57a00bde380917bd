from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from ameliora.core.models import Organization
from ameliora.indicators.models import Kind, Measurement
from ameliora.indicators.periods import due_threshold, is_data_due, period_start_of, shift_period
from ameliora.indicators.tests.factories import IndicatorFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


def test_one_measurement_per_indicator_and_period(tilleuls: Organization) -> None:
    m = MeasurementFactory.create(indicator=IndicatorFactory.create(organization=tilleuls))
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasurementFactory.create(indicator=m.indicator, period_start=m.period_start)


def test_the_database_refuses_a_zero_denominator(tilleuls: Organization) -> None:
    indicator = IndicatorFactory.create(organization=tilleuls, kind=Kind.PROPORTION)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasurementFactory.create(indicator=indicator, value=None, numerator=Decimal(1), denominator=Decimal(0))


def test_a_proportion_numerator_cannot_exceed_its_denominator(tilleuls: Organization) -> None:
    indicator = IndicatorFactory.create(organization=tilleuls, kind=Kind.PROPORTION)
    errors = Measurement.check_for(
        indicator, period_start=date(2025, 1, 6), value=None, numerator=Decimal(5), denominator=Decimal(4)
    )
    assert errors == {"numerator": "The numerator cannot be greater than the denominator for a proportion."}


def test_a_count_is_a_whole_number_and_a_week_starts_on_monday(tilleuls: Organization) -> None:
    indicator = IndicatorFactory.create(organization=tilleuls, kind=Kind.COUNT)
    errors = Measurement.check_for(
        indicator, period_start=date(2025, 1, 8), value=Decimal("1.5"), numerator=None, denominator=None
    )
    assert errors["value"] == "A count is a whole number, zero or more."
    assert errors["period_start"] == "A period of this indicator starts on 06/01/2025, not on 08/01/2025."


def test_the_chart_defaults_to_the_kind_and_ignores_an_unsuited_override(tilleuls: Organization) -> None:
    assert IndicatorFactory.build(kind=Kind.PROPORTION).chart_type == "p"
    assert IndicatorFactory.build(kind=Kind.RATE).chart_type == "u"
    assert IndicatorFactory.build(kind=Kind.COUNT, chart="run").chart_type == "run"
    assert IndicatorFactory.build(kind=Kind.COUNT, chart="p").chart_type == "c"


@pytest.mark.parametrize(
    ("day", "periodicity", "start"),
    [
        (date(2025, 3, 12), "week", date(2025, 3, 10)),
        (date(2025, 3, 12), "month", date(2025, 3, 1)),
        (date(2025, 8, 12), "quarter", date(2025, 7, 1)),
        (date(2025, 8, 12), "year", date(2025, 1, 1)),
        (date(2025, 8, 12), "day", date(2025, 8, 12)),
    ],
)
def test_period_start_of(day: date, periodicity: str, start: date) -> None:
    assert period_start_of(day, periodicity) == start


def test_shift_period_crosses_years() -> None:
    assert shift_period(date(2025, 11, 1), "quarter", 1) == date(2026, 2, 1)
    assert shift_period(date(2025, 12, 1), "month", 1) == date(2026, 1, 1)
    assert shift_period(date(2025, 1, 1), "month", -1) == date(2024, 12, 1)


def test_data_are_due_once_the_next_period_ended_plus_a_grace_delay() -> None:
    # Monthly: January recorded; February ends 28/02, +10 days of grace.
    assert not is_data_due(date(2025, 1, 1), "month", date(2025, 3, 5))
    assert is_data_due(date(2025, 1, 1), "month", date(2025, 4, 2))
    assert not is_data_due(None, "month", date(2025, 4, 2))
    assert due_threshold(date(2025, 3, 19), "week") == date(2025, 2, 24)
