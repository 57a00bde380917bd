"""Indicators measure action-plan objectives: linked from the indicator form, shown on both pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ameliora.core.models import Membership
from ameliora.indicators import services
from ameliora.indicators.models import Indicator
from ameliora.indicators.plan_measures import readings_at
from ameliora.indicators.tests.factories import IndicatorFactory
from ameliora.plans.models import Objective
from ameliora.plans.tests.factories import ObjectiveFactory, PlanFactory


def test_a_new_indicator_opened_from_an_objective_is_linked_to_it(alice: Membership, alice_client: Client) -> None:
    objective = ObjectiveFactory.create(plan=PlanFactory.create(organization=alice.organization, owner=alice))
    create = reverse("indicators:create", kwargs={"org_slug": alice.organization.slug})

    form_page = alice_client.get(create, {"objective": objective.pk}).content.decode()
    assert f'value="{objective.pk}" selected' in form_page

    response = alice_client.post(
        create,
        {
            "name": "Erreurs de dispensation par semaine",
            "kind": "count",
            "indicator_type": "outcome",
            "periodicity": "week",
            "direction": "down",
            "multiplier": "1000",
            "rules": "anhoej",
            "active": "on",
            "data_source": "",
            "objectives": [objective.pk],
        },
    )

    indicator = Indicator.objects.get(name="Erreurs de dispensation par semaine")
    assert response.status_code == 302
    assert list(indicator.objectives.all()) == [objective]
    plan_page = alice_client.get(objective.plan.get_absolute_url()).content.decode()
    assert indicator.get_absolute_url() in plan_page
    indicator_page = alice_client.get(indicator.get_absolute_url()).content.decode()
    assert objective.statement in indicator_page


def test_an_objective_of_another_organization_cannot_be_linked(alice: Membership, charlie: Membership) -> None:
    indicator = IndicatorFactory.create(organization=alice.organization)
    foreign = ObjectiveFactory.create(plan=PlanFactory.create(organization=charlie.organization))

    with pytest.raises(ValidationError):
        services.save_indicator(indicator, objectives=[foreign])

    assert not indicator.objectives.exists()


def test_the_form_offers_only_the_organizations_objectives(
    alice: Membership, charlie: Membership, alice_client: Client
) -> None:
    mine = ObjectiveFactory.create(plan=PlanFactory.create(organization=alice.organization), statement="Le mien")
    ObjectiveFactory.create(plan=PlanFactory.create(organization=charlie.organization), statement="Pas le mien")
    indicator = IndicatorFactory.create(organization=alice.organization)

    page = alice_client.get(
        reverse("indicators:edit", kwargs={"org_slug": alice.organization.slug, "indicator_id": indicator.pk})
    ).content.decode()

    assert mine.statement in page
    assert "Pas le mien" not in page


def test_a_progress_review_starts_from_the_latest_values_of_the_objectives_indicators(
    alice: Membership, alice_client: Client
) -> None:
    objective = ObjectiveFactory.create(plan=PlanFactory.create(organization=alice.organization, owner=alice))
    indicator = IndicatorFactory.create(
        organization=alice.organization, name="Délai de dispensation", kind="measurement", unit="min", target_value=1
    )
    services.save_indicator(indicator, objectives=[objective])
    services.save_measurement(
        indicator, services.MeasurementInput(period_start=date(2026, 11, 16), value=Decimal("1.5")), acting_user=None
    )

    page = alice_client.get(
        reverse("plans:progress_review_add", kwargs={"org_slug": alice.organization.slug, "plan_id": objective.plan_id})
    ).content.decode()

    assert "Délai de dispensation\u00a0: 1,5\u00a0min (16/11/2026) · cible ≤\u00a01\u00a0min" in page


def _plan_with_weekly_indicator(alice: Membership) -> tuple[Objective, Indicator]:
    objective = ObjectiveFactory.create(plan=PlanFactory.create(organization=alice.organization, owner=alice))
    indicator = IndicatorFactory.create(
        organization=alice.organization, name="Erreurs de dispensation", kind="count", target_value=2
    )
    services.save_indicator(indicator, objectives=[objective])
    for week, value in ((date(2026, 3, 2), 9), (date(2026, 3, 9), 6), (date(2026, 3, 16), 3)):
        services.save_measurement(
            indicator, services.MeasurementInput(period_start=week, value=Decimal(value)), acting_user=None
        )
    return objective, indicator


@pytest.mark.parametrize(
    ("review_date", "expected"),
    [
        # the week that started that day
        ("2026-03-09", "Erreurs de dispensation\u00a0: 6 (09/03/2026) · cible ≤\u00a02"),
        ("2026-03-15", "Erreurs de dispensation\u00a0: 6 (09/03/2026) · cible ≤\u00a02"),  # the last one before
        ("2026-03-01", "Erreurs de dispensation\u00a0: pas encore de valeur · cible ≤\u00a02"),  # none yet
        ("", "Erreurs de dispensation\u00a0: 3 (16/03/2026) · cible ≤\u00a02"),  # today: the latest
    ],
)
@pytest.mark.parametrize("page", ["plans:progress_review_add", "plans:final_review"])
def test_a_review_starts_from_the_values_at_its_date(
    alice: Membership, alice_client: Client, page: str, review_date: str, expected: str
) -> None:
    objective, _indicator = _plan_with_weekly_indicator(alice)
    address = reverse(page, kwargs={"org_slug": alice.organization.slug, "plan_id": objective.plan_id})

    html = alice_client.get(address, {"review_date": review_date} if review_date else {}).content.decode()

    assert expected in html
    assert f'hx-get="{address}"' in html  # changing the date asks again


def test_an_indicator_linked_to_two_objectives_is_read_once(alice: Membership) -> None:
    objective, indicator = _plan_with_weekly_indicator(alice)
    other = ObjectiveFactory.create(plan=objective.plan)
    services.save_indicator(indicator, objectives=[objective, other])

    lines = readings_at(objective.plan, date(2026, 3, 20))

    assert lines == ["Erreurs de dispensation: 3 (03/16/2026) · target ≤\u00a02"]
