"""A measurement dated 31/12/9999 used to be saved and then break the indicator page for good.

Every way in (form, grid, import, API) now refuses a date outside ``core.dates``' range with the same
message, and the pages still open when such a date was stored before the rule existed.
"""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ameliora.core.dates import out_of_range_message
from ameliora.core.models import Organization
from ameliora.indicators.imports import parse_file
from ameliora.indicators.models import Annotation, Indicator, Measurement, Phase
from ameliora.indicators.periods import Periodicity, period_start_of, shift_period
from ameliora.indicators.services import refresh_status
from ameliora.indicators.tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

FAR_DATES = ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"]


@pytest.fixture
def weekly(tilleuls: Organization) -> Indicator:
    """A weekly count with no value yet."""
    return IndicatorFactory.create(organization=tilleuls)


def _url(name: str, indicator: Indicator) -> str:
    return reverse(f"indicators:{name}", kwargs={"org_slug": indicator.organization.slug, "indicator_id": indicator.pk})


@pytest.mark.parametrize("typed", FAR_DATES)
def test_the_measurement_form_refuses_a_far_date_next_to_the_field_and_keeps_the_value(
    alice_client: Client, weekly: Indicator, typed: str
) -> None:
    response = alice_client.post(_url("measurement_add", weekly), {"period_start": typed, "value": "4"})

    assert response.status_code == 422
    assert response.context["form"].errors["period_start"] == [out_of_range_message()]
    assert 'value="4"' in response.content.decode()
    assert not Measurement.objects.exists()


def test_the_grid_refuses_a_far_date_on_its_row_and_saves_no_row(alice_client: Client, weekly: Indicator) -> None:
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-0-period_start": "2025-01-06",
        "form-0-value": "3",
        "form-1-period_start": "9999-12-31",
        "form-1-value": "4",
    }
    response = alice_client.post(_url("measurement_grid", weekly), data)

    assert response.status_code == 422
    assert response.context["formset"].forms[1].errors["period_start"] == [out_of_range_message()]
    assert not Measurement.objects.exists()


def test_an_import_reports_a_far_date_on_its_line(weekly: Indicator) -> None:
    content = b"periode;valeur\n06/01/2025;3\n31/12/9999;4\n01/01/0001;5\n"

    parsed = parse_file(io.BytesIO(content), "data.csv", weekly, replace=False)

    assert [(e.line, e.message) for e in parsed.errors] == [(3, out_of_range_message()), (4, out_of_range_message())]
    assert [r.period_start for r in parsed.rows] == [date(2025, 1, 6)]


@pytest.mark.parametrize("typed", ["9999-12-31", "0001-01-01"])
def test_the_api_refuses_a_far_date_with_a_json_message(alice_client: Client, weekly: Indicator, typed: str) -> None:
    response = alice_client.post(
        f"/api/v1/o/{weekly.organization.slug}/indicators/{weekly.pk}/measurements",
        json.dumps({"period_start": typed, "value": 3}),
        content_type="application/json",
    )

    assert 400 <= response.status_code < 500
    assert "1900" in response.json()["message"]
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("periodicity", Periodicity.values)
@pytest.mark.parametrize("stored", [date(9999, 12, 31), date(1, 1, 1)])
def test_pages_still_open_on_dates_stored_before_the_rule(
    alice_client: Client, tilleuls: Organization, periodicity: str, stored: date
) -> None:
    indicator = IndicatorFactory.create(organization=tilleuls, periodicity=periodicity, target_date=stored)
    # Written as the old code did, without the checks of today's forms and services.
    Measurement.objects.create(
        organization=tilleuls,
        indicator=indicator,
        period_start=period_start_of(stored, periodicity),
        value=Decimal(3),
    )
    Phase.objects.create(organization=tilleuls, indicator=indicator, start=stored, label="Double contrôle")
    Annotation.objects.create(organization=tilleuls, indicator=indicator, date=stored, text="Panne")
    refresh_status(indicator)

    for name in ["detail", "measurement_add", "measurement_grid", "history"]:
        assert alice_client.get(_url(name, indicator)).status_code == 200, name
    assert alice_client.get(reverse("indicators:home", kwargs={"org_slug": tilleuls.slug})).status_code == 200
    assert alice_client.get(reverse("core:dashboard", kwargs={"org_slug": tilleuls.slug})).status_code == 200


def test_the_period_arithmetic_stops_at_the_ends_of_the_calendar() -> None:
    assert shift_period(date(9999, 12, 31), Periodicity.DAY) == date.max
    assert shift_period(date(9999, 12, 27), Periodicity.WEEK) == date.max
    assert shift_period(date(9999, 12, 1), Periodicity.MONTH) == date.max
    assert shift_period(date(1, 1, 1), Periodicity.YEAR, -2) == date.min
    assert shift_period(date(2025, 1, 6), Periodicity.WEEK) == date(2025, 1, 13)
