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
from ameliora.indicators.tests.factories import IndicatorFactory
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

    assert "Délai de dispensation\u00a0: 1,5 min (16/11/2026) · cible 1" in page
