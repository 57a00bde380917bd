"""Factories for indicators. ``weekly_series`` builds a whole series in one call."""

# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

from collections import abc
from datetime import date, timedelta
from decimal import Decimal

from factory.declarations import SelfAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory

from ameliora.core.models import Organization
from ameliora.core.tests.factories import OrganizationFactory
from ameliora.indicators.models import Direction, Indicator, Kind, Measurement, Phase
from ameliora.indicators.periods import Periodicity
from ameliora.indicators.services import refresh_status


class IndicatorFactory(DjangoModelFactory[Indicator]):
    class Meta:
        model = Indicator

    organization = SubFactory(OrganizationFactory)
    name = Sequence(lambda n: f"Indicateur {n}")
    kind = Kind.COUNT
    periodicity = Periodicity.WEEK
    direction = Direction.DOWN


class MeasurementFactory(DjangoModelFactory[Measurement]):
    class Meta:
        model = Measurement

    indicator = SubFactory(IndicatorFactory)
    organization = SelfAttribute("indicator.organization")
    period_start = date(2025, 1, 6)
    value = Decimal(3)


MONDAY = date(2025, 1, 6)


def weekly_series(
    organization: Organization,
    values: abc.Sequence[float],
    *,
    start: date = MONDAY,
    phase_at: int | None = None,
    **fields: object,
) -> Indicator:
    indicator = IndicatorFactory.create(organization=organization, **fields)
    Measurement.objects.bulk_create(
        [
            Measurement(
                organization=organization,
                indicator=indicator,
                period_start=start + timedelta(weeks=k),
                value=Decimal(str(v)),
            )
            for k, v in enumerate(values)
        ]
    )
    if phase_at is not None:
        Phase.objects.create(
            organization=organization,
            indicator=indicator,
            start=start + timedelta(weeks=phase_at),
            label="Double contrôle",
        )
    refresh_status(indicator, today=start + timedelta(weeks=len(values)))
    return indicator


def any_indicator_id(org: Organization, owner: object) -> int:
    return IndicatorFactory.create(organization=org).pk


def any_measurement_id(org: Organization, owner: object) -> int:
    return MeasurementFactory.create(indicator=IndicatorFactory.create(organization=org)).pk


def any_measurement_period(org: Organization, owner: object) -> str:
    """The period of a measurement of ``org``: API addresses name a measurement by its indicator and period."""
    measurement = MeasurementFactory.create(indicator=IndicatorFactory.create(organization=org))
    return measurement.period_start.isoformat()


def any_phase_id(org: Organization, owner: object) -> int:
    indicator = IndicatorFactory.create(organization=org)
    return Phase.objects.create(organization=org, indicator=indicator, start=MONDAY, label="Changement").pk


def any_annotation_id(org: Organization, owner: object) -> int:
    from ameliora.indicators.models import Annotation

    indicator = IndicatorFactory.create(organization=org)
    return Annotation.objects.create(organization=org, indicator=indicator, date=MONDAY, text="Note").pk


def any_import_id(org: Organization, owner: object) -> int:
    from ameliora.indicators.models import MeasurementImport

    indicator = IndicatorFactory.create(organization=org)
    user = getattr(owner, "user", None)
    return MeasurementImport.objects.create(
        organization=org, indicator=indicator, file="indicator-imports/none.csv", original_name="a.csv", created_by=user
    ).pk
