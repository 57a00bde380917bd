"""Correcting one recorded value: the period stays, the old value goes to the history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from ameliora.core.models import Membership
from ameliora.indicators.models import Kind, Measurement
from ameliora.indicators.tests.factories import IndicatorFactory, MeasurementFactory


def edit_url(measurement: Measurement) -> str:
    return reverse(
        "indicators:measurement_edit",
        kwargs={
            "org_slug": measurement.indicator.organization.slug,
            "indicator_id": measurement.indicator_id,
            "measurement_id": measurement.pk,
        },
    )


def test_a_value_is_corrected_and_the_old_one_stays_in_the_history(alice: Membership, alice_client: Client) -> None:
    indicator = IndicatorFactory.create(organization=alice.organization, kind=Kind.COUNT)
    measurement = MeasurementFactory.create(indicator=indicator, value=Decimal(3))

    form_page = alice_client.get(edit_url(measurement)).content.decode()
    assert 'value="3"' in form_page

    typed = {"value": "5", "note": "Recompté", "period_start": "2020-01-01"}
    response = alice_client.post(edit_url(measurement), typed)

    assert response.status_code == 302
    measurement.refresh_from_db()
    assert (measurement.value, measurement.note, measurement.period_start) == (Decimal(5), "Recompté", date(2025, 1, 6))
    assert Decimal(3) in {h.value for h in measurement.history.all()}


def test_a_ratio_is_corrected_with_a_decimal_comma_and_bad_input_keeps_what_was_typed(
    alice: Membership, alice_client: Client
) -> None:
    indicator = IndicatorFactory.create(organization=alice.organization, kind=Kind.PROPORTION)
    measurement = MeasurementFactory.create(
        indicator=indicator, value=Decimal("0.5"), numerator=Decimal(5), denominator=Decimal(10)
    )

    refused = alice_client.post(edit_url(measurement), {"numerator": "12", "denominator": ""})
    assert refused.status_code == 422
    assert 'value="12"' in refused.content.decode()

    accepted = alice_client.post(edit_url(measurement), {"numerator": "7,5", "denominator": "10"})
    assert accepted.status_code == 302
    measurement.refresh_from_db()
    assert (measurement.numerator, measurement.denominator) == (Decimal("7.5"), Decimal(10))


def test_a_value_of_another_indicator_is_not_found(alice: Membership, alice_client: Client) -> None:
    measurement = MeasurementFactory.create(indicator=IndicatorFactory.create(organization=alice.organization))
    other = IndicatorFactory.create(organization=alice.organization)
    address = reverse(
        "indicators:measurement_edit",
        kwargs={"org_slug": alice.organization.slug, "indicator_id": other.pk, "measurement_id": measurement.pk},
    )

    assert alice_client.post(address, {"value": "9"}).status_code == 404
    measurement.refresh_from_db()
    assert measurement.value == Decimal(3)
