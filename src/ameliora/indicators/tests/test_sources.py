from collections.abc import Iterator
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ameliora.core.models import Organization
from ameliora.indicators import services
from ameliora.indicators.core_sources import MEMBERS_SOURCE
from ameliora.indicators.models import Kind
from ameliora.indicators.sources import (
    SOURCES,
    Result,
    SourceParameter,
    register_source,
    source_choices,
    unregister_source,
)
from ameliora.indicators.tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


def fake_events(organization: Organization, start: date, end: date, periodicity: str) -> tuple[int, int]:
    return start.month, 100


@pytest.fixture
def events_source() -> Iterator[str]:
    """A source registered the way the events app will: numerator and denominator per period."""
    register_source("test.events", "Événements", fake_events)
    yield "test.events"
    unregister_source("test.events")


def test_a_key_is_registered_once(events_source: str) -> None:
    assert ("test.events", "Événements") in source_choices()
    register_source("test.events", "Événements", fake_events)  # same function: harmless on reload
    with pytest.raises(ValueError, match="already registered"):
        register_source("test.events", "Autre", lambda *args: (None, None))


def test_recompute_fills_every_completed_period_and_overwrites(tilleuls: Organization, events_source: str) -> None:
    indicator = IndicatorFactory.create(
        organization=tilleuls, kind=Kind.RATE, periodicity="month", data_source=events_source
    )
    count = services.recompute_from_source(indicator, today=date(2025, 4, 15), first=date(2025, 1, 1))
    assert count == 3
    values = [
        (int(n or 0), int(d or 0))
        for n, d in indicator.measurements.order_by("period_start").values_list("numerator", "denominator")
    ]
    assert values == [(1, 100), (2, 100), (3, 100)]
    assert services.recompute_from_source(indicator, today=date(2025, 4, 15)) == 3
    assert indicator.measurements.count() == 3


def test_a_manual_indicator_has_nothing_to_recompute(tilleuls: Organization) -> None:
    with pytest.raises(ValidationError):
        services.recompute_from_source(IndicatorFactory.create(organization=tilleuls))


def test_the_daily_job_skips_unknown_sources(tilleuls: Organization, events_source: str) -> None:
    IndicatorFactory.create(organization=tilleuls, data_source=events_source, periodicity="month")
    IndicatorFactory.create(organization=tilleuls, data_source="gone.source", periodicity="month")
    assert services.recompute_all_sources() == 1


def test_core_counts_the_team(tilleuls: Organization, alice: object, bob: object) -> None:
    assert MEMBERS_SOURCE in SOURCES
    indicator = IndicatorFactory.create(organization=tilleuls, periodicity="quarter", data_source=MEMBERS_SOURCE)
    services.recompute_from_source(indicator, today=date(2031, 1, 15), first=date(2030, 1, 1))
    assert indicator.measurements.order_by("period_start").last().value == 2  # type: ignore[union-attr]


def test_only_a_source_declaring_a_parameter_receives_it(tilleuls: Organization, events_source: str) -> None:
    seen: list[str] = []

    def per_unit(organization: Organization, start: date, end: date, periodicity: str, *, parameter: str) -> Result:
        seen.append(parameter)
        return 1, None

    register_source(
        "test.per_unit", "Par unité", per_unit, parameter=SourceParameter("Unité", lambda org: [("7", "Unité 7")])
    )
    try:
        narrowed = IndicatorFactory.create(
            organization=tilleuls, periodicity="month", data_source="test.per_unit", source_parameter="7"
        )
        plain = IndicatorFactory.create(
            organization=tilleuls, kind=Kind.RATE, periodicity="month", data_source=events_source, source_parameter="x"
        )
        assert services.recompute_from_source(narrowed, today=date(2025, 3, 15), first=date(2025, 1, 1)) == 2
        assert seen == ["7", "7"]
        assert services.recompute_from_source(plain, today=date(2025, 3, 15), first=date(2025, 1, 1)) == 2  # 4 args
    finally:
        unregister_source("test.per_unit")
