"""The series exports read back: CSV through the file import, JSON through the API's bulk entry."""

import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from ameliora.core.models import Membership
from ameliora.indicators import services
from ameliora.indicators.imports import parse_file
from ameliora.indicators.models import Indicator, Kind, Measurement
from ameliora.indicators.tests.factories import IndicatorFactory, MeasurementFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


def series(indicator: Indicator) -> list[tuple[object, ...]]:
    """What was recorded (for a ratio the value is computed from the pair, so it is left out)."""
    fields = ["period_start", "numerator", "denominator"] if indicator.uses_ratio else ["period_start", "value"]
    return list(indicator.measurements.order_by("period_start").values_list(*fields, "note"))


def proportion(alice: Membership) -> Indicator:
    indicator = IndicatorFactory.create(organization=alice.organization, kind=Kind.PROPORTION, chart="p")
    for week, (num, den, note) in enumerate(
        [(3, 40, "Audit complet"), (Decimal("2.5"), 38, ""), (1, 41, "=SOMME(A1)")]
    ):
        MeasurementFactory.create(
            indicator=indicator,
            period_start=MONDAY + timedelta(weeks=week),
            value=None,
            numerator=num,
            denominator=den,
            note=note,
        )
    return indicator


def test_the_csv_export_imports_into_a_new_indicator_as_the_same_series(
    alice: Membership, alice_client: Client
) -> None:
    source = proportion(alice)
    copy = IndicatorFactory.create(organization=alice.organization, kind=Kind.PROPORTION, chart="p")

    response = alice_client.get(f"/o/tilleuls/indicators/{source.pk}/series.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    parsed = parse_file(io.BytesIO(response.content), "series.csv", copy, replace=False)
    assert parsed.errors == []
    services.import_measurements(copy, parsed.rows, acting_user=alice.user)

    expected = series(source)
    expected[-1] = (*expected[-1][:-1], "'=SOMME(A1)")  # a formula-looking note travels behind an apostrophe
    assert series(copy) == expected


def test_the_json_export_is_what_the_bulk_entry_accepts(alice: Membership, alice_client: Client) -> None:
    source = IndicatorFactory.create(organization=alice.organization, kind=Kind.MEASUREMENT, chart="i")
    for week, value in enumerate([4, Decimal("0.125"), 0]):
        MeasurementFactory.create(indicator=source, period_start=MONDAY + timedelta(weeks=week), value=value, note="n")
    copy = IndicatorFactory.create(organization=alice.organization, kind=Kind.MEASUREMENT, chart="i")

    body = alice_client.get(f"/o/tilleuls/indicators/{source.pk}/series.json").json()
    sent = alice_client.post(
        f"/api/v1/o/tilleuls/indicators/{copy.pk}/measurements/bulk",
        json.dumps(body),
        content_type="application/json",
    )

    assert sent.status_code == 201, sent.content
    assert series(copy) == series(source)
    assert body["measurements"][1] == {"period_start": "2026-03-09", "value": 0.125, "note": "n"}


def test_another_organization_cannot_download_the_series(charlie_client: Client, alice: Membership) -> None:
    indicator = MeasurementFactory.create(indicator__organization=alice.organization).indicator

    assert charlie_client.get(f"/o/tilleuls/indicators/{indicator.pk}/series.csv").status_code == 404
    assert charlie_client.get(f"/o/tilleuls/indicators/{indicator.pk}/series.json").status_code == 404
    assert Measurement.objects.count() == 1
