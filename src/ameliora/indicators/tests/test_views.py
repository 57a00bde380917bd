"""Pages through HTTP: permissions, tenancy, the list's query bound, entry forms, phases."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ameliora.core.models import Membership, Organization, Role
from ameliora.core.tests.assertions import shows
from ameliora.core.tests.factories import MembershipFactory
from ameliora.indicators.models import MULTIPLIER_AT_LEAST_1, Indicator, Kind, Measurement, Status
from ameliora.indicators.tests.factories import IndicatorFactory, weekly_series

pytestmark = pytest.mark.django_db


def _url(name: str, indicator: Any = None, **kwargs: Any) -> str:
    org = indicator.organization.slug if indicator is not None else kwargs.pop("org")
    if indicator is not None:
        kwargs["indicator_id"] = indicator.pk
    return reverse(f"indicators:{name}", kwargs={"org_slug": org, **kwargs})


@pytest.mark.parametrize("count", [5, 50])
def test_the_list_costs_the_same_queries_for_5_or_50_indicators(
    count: int, alice: Membership, alice_client: Client, django_assert_max_num_queries: Any
) -> None:
    for k in range(count):
        weekly_series(alice.organization, [3, 4, 5], owner=alice, name=f"Indicateur {k:03d}")
    with django_assert_max_num_queries(12):
        response = alice_client.get(_url("home", org=alice.organization.slug))
    assert response.status_code == 200
    assert len(re.findall(r'href="/o/tilleuls/indicators/\d+/"', response.content.decode())) == min(count, 25)


def test_the_list_filters_by_status_including_data_due(alice: Membership, alice_client: Client) -> None:
    weekly_series(alice.organization, [3, 4, 5], name="Ancien", start=date(2020, 1, 6))
    IndicatorFactory.create(organization=alice.organization, name="Vide")
    html = alice_client.get(_url("home", org="tilleuls") + "?status=data_due").content.decode()
    assert "Ancien" in html
    assert "Vide" not in html
    html = alice_client.get(_url("home", org="tilleuls") + "?status=no_data").content.decode()
    assert "Vide" in html
    assert "Ancien" not in html


def test_an_outsider_gets_404_on_the_pages_of_an_indicator(charlie_client: Client, tilleuls: Organization) -> None:
    indicator = IndicatorFactory.create(organization=tilleuls)
    for name in ("detail", "edit", "measurement_add", "measurement_grid", "import"):
        assert charlie_client.get(_url(name, indicator)).status_code == 404


def test_a_member_of_another_organization_cannot_reach_an_indicator_through_their_own_slug(
    charlie: Membership, charlie_client: Client, tilleuls: Organization
) -> None:
    indicator = IndicatorFactory.create(organization=tilleuls)
    url = reverse("indicators:detail", kwargs={"org_slug": charlie.organization.slug, "indicator_id": indicator.pk})
    assert charlie_client.get(url).status_code == 404


def test_a_user_representative_reads_but_cannot_enter_data(client_for: Any, tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, [3, 4])
    representative = MembershipFactory.create(organization=tilleuls, roles=[Role.USER_REPRESENTATIVE])
    client = client_for(representative)
    assert client.get(_url("detail", indicator)).status_code == 200
    assert client.get(_url("measurement_add", indicator)).status_code == 403
    assert client.get(_url("create", org="tilleuls")).status_code == 403


def test_the_indicator_page_shows_chart_table_conclusion_and_before_after(
    alice_client: Client, tilleuls: Organization
) -> None:
    indicator = weekly_series(tilleuls, [5, 4, 5, 4, 6, 5, 4, 5, 5, 4, 1, 1, 2, 1, 0, 1, 2, 1, 1, 1], phase_at=10)
    html = alice_client.get(_url("detail", indicator)).content.decode()
    assert "<svg" in html
    assert 'class="point signal"' in html or "Significant" in html or "Amélioration" in html
    assert "Double contrôle" in html
    assert "exact Poisson comparison of rates" in html or "Poisson" in html


def test_a_french_decimal_comma_is_accepted_and_errors_keep_what_was_typed(
    alice_client: Client, tilleuls: Organization
) -> None:
    indicator = IndicatorFactory.create(organization=tilleuls, kind=Kind.MEASUREMENT, unit="jours")
    response = alice_client.post(_url("measurement_add", indicator), {"period_start": "2025-01-08", "value": "1,5"})
    assert response.status_code == 302
    measurement = Measurement.objects.get(indicator=indicator)
    assert measurement.value == Decimal("1.5")
    assert measurement.period_start == date(2025, 1, 6)
    response = alice_client.post(_url("measurement_add", indicator), {"period_start": "2025-01-09", "value": "2,5"})
    assert response.status_code == 422
    assert 'value="2,5"' in response.content.decode()
    assert "already recorded" in response.content.decode() or "déjà" in response.content.decode()


def test_the_grid_saves_all_rows_or_none(alice_client: Client, tilleuls: Organization) -> None:
    indicator = IndicatorFactory.create(organization=tilleuls, kind=Kind.PROPORTION)
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-0-period_start": "2025-01-06",
        "form-0-numerator": "3",
        "form-0-denominator": "10",
        "form-1-period_start": "2025-01-13",
        "form-1-numerator": "12",
        "form-1-denominator": "10",
    }
    response = alice_client.post(_url("measurement_grid", indicator), data)
    assert response.status_code == 422
    assert not indicator.measurements.exists()
    data["form-1-numerator"] = "4,5"
    assert alice_client.post(_url("measurement_grid", indicator), data).status_code == 302
    assert indicator.measurements.count() == 2


@pytest.mark.parametrize("kind", Kind.values)
@pytest.mark.parametrize("typed", ["abc", "NaN", "-Infinity", "1e999999", "9" * 40])
def test_the_grid_and_the_form_refuse_a_value_that_is_no_number_next_to_the_field(
    alice_client: Client, tilleuls: Organization, kind: str, typed: str
) -> None:
    """``form-0-value=abc`` on a yes/no indicator's grid answered 500 (``decimal.InvalidOperation``)."""
    indicator = IndicatorFactory.create(organization=tilleuls, kind=kind)
    grid = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-period_start": "2025-01-06"}
    single = {"period_start": "2025-01-06"}
    for name in ("value", "numerator", "denominator"):
        grid[f"form-0-{name}"] = single[name] = typed

    on_grid = alice_client.post(_url("measurement_grid", indicator), grid)
    alone = alice_client.post(_url("measurement_add", indicator), single)

    assert on_grid.status_code == alone.status_code == 422
    field = "numerator" if indicator.uses_ratio else "value"
    assert on_grid.context["formset"].forms[0].errors[field]
    assert alone.context["form"].errors[field]
    assert not indicator.measurements.exists()


@pytest.mark.parametrize("forged", ["²", "9" * 30])
def test_a_forged_objective_in_the_new_indicator_link_is_ignored(
    alice_client: Client, tilleuls: Organization, forged: str
) -> None:
    assert alice_client.get(_url("create", org=tilleuls.slug), {"objective": forged}).status_code == 200


def test_the_grid_adds_a_row_with_htmx(alice_client: Client, tilleuls: Organization) -> None:
    indicator = IndicatorFactory.create(organization=tilleuls)
    response = alice_client.get(_url("measurement_grid", indicator) + "?row=4", HTTP_HX_REQUEST="true")
    assert 'name="form-4-period_start"' in response.content.decode()


def test_a_phase_splits_the_series_and_refreshes_the_status(alice_client: Client, tilleuls: Organization) -> None:
    indicator = weekly_series(tilleuls, [5, 4, 5, 4, 6, 5, 4, 5, 5, 4, 1, 1, 2, 1, 0, 1, 2, 1, 1, 1], target_value=2)
    response = alice_client.post(_url("phase_add", indicator), {"start": "2025-03-19", "label": "Double contrôle"})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.phases.get().start == date(2025, 3, 17)
    assert indicator.status == Status.ON_TARGET


def test_a_multiplier_below_1_is_refused_with_words_not_a_constraint_name(
    alice_client: Client, tilleuls: Organization
) -> None:
    """Found by the property tests: the page said "Constraint “indicator_multiplier_positive” is violated"."""
    data = {"name": "Chutes", "kind": "rate", "indicator_type": "outcome", "periodicity": "month"}
    data |= {"direction": "down", "multiplier": "0", "rules": "anhoej", "active": "on"}

    response = alice_client.post(_url("create", org="tilleuls"), data)

    assert response.status_code == 422
    with translation.override("fr"):  # the page is French; this module's code speaks English
        assert shows(response, MULTIPLIER_AT_LEAST_1)
    assert "indicator_multiplier_positive" not in response.content.decode()
    assert not Indicator.objects.exists()


def test_creating_an_indicator_with_errors_answers_422_and_keeps_the_input(
    alice_client: Client, tilleuls: Organization
) -> None:
    response = alice_client.post(_url("create", org="tilleuls"), {"name": "Chutes", "target_value": "1,5"})
    assert response.status_code == 422
    assert 'value="Chutes"' in response.content.decode()
    response = alice_client.post(
        _url("create", org="tilleuls"),
        {
            "name": "Chutes",
            "kind": "rate",
            "indicator_type": "outcome",
            "periodicity": "month",
            "direction": "down",
            "multiplier": "1000",
            "target_value": "1,5",
            "rules": "anhoej",
            "active": "on",
        },
    )
    assert response.status_code == 302
    created = Indicator.objects.get(organization=tilleuls, name="Chutes")
    assert created.target_value == Decimal("1.5")
    assert created.status == Status.NO_DATA


def test_the_dashboard_shows_the_indicators_to_watch(alice_client: Client, tilleuls: Organization) -> None:
    weekly_series(tilleuls, [3, 4, 5], name="Relevés de température", start=date(2020, 1, 6))
    html = alice_client.get(reverse("core:dashboard", kwargs={"org_slug": "tilleuls"})).content.decode()
    assert "Relevés de température" in html
    assert 'id="indicators-watch-title"' in html
