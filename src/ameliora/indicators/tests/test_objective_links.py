"""From the plan page: link an existing indicator to an objective (and unlink it), and after a
revision changes an objective's target, update the targets of the indicators that measure it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ameliora.core.models import Membership
from ameliora.indicators import services
from ameliora.indicators.models import Indicator
from ameliora.indicators.tests.factories import IndicatorFactory
from ameliora.plans.models import ActionPlan, Objective
from ameliora.plans.tests.factories import ObjectiveFactory, PlanFactory


@pytest.fixture
def objective(alice: Membership) -> Objective:
    """An objective of an active plan of alice's organization, measured by nothing yet."""
    return ObjectiveFactory.create(plan=PlanFactory.create(organization=alice.organization, owner=alice))


@pytest.fixture
def indicator(alice: Membership) -> Indicator:
    """An indicator the organization already follows."""
    return IndicatorFactory.create(organization=alice.organization, name="Erreurs de dispensation", target_value=3)


def _url(name: str, objective: Objective, **kwargs: int) -> str:
    return reverse(
        f"indicators:{name}",
        kwargs={"org_slug": objective.organization.slug, "objective_id": objective.pk, **kwargs},
    )


def test_the_plan_page_offers_to_link_an_existing_indicator(
    alice_client: Client, objective: Objective, indicator: Indicator
) -> None:
    page = alice_client.get(objective.plan.get_absolute_url()).content.decode()
    assert _url("objective_link", objective) in page

    form = alice_client.get(_url("objective_link", objective)).content.decode()
    assert "Erreurs de dispensation" in form

    response = alice_client.post(_url("objective_link", objective), {"indicator": indicator.pk})

    assert response.status_code == 302
    assert response["Location"].endswith("#objectives")
    assert list(indicator.objectives.all()) == [objective]
    page = alice_client.get(objective.plan.get_absolute_url()).content.decode()
    assert indicator.get_absolute_url() in page
    assert _url("objective_unlink", objective, indicator_id=indicator.pk) in page


def test_unlinking_keeps_both(alice_client: Client, objective: Objective, indicator: Indicator) -> None:
    services.link_objective(indicator, objective=objective)

    response = alice_client.post(_url("objective_unlink", objective, indicator_id=indicator.pk))

    assert response.status_code == 302
    assert not indicator.objectives.exists()
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    assert Objective.objects.filter(pk=objective.pk).exists()


def test_the_choice_offers_only_the_organizations_unlinked_indicators(
    alice_client: Client, charlie: Membership, objective: Objective, indicator: Indicator
) -> None:
    IndicatorFactory.create(organization=charlie.organization, name="Chez les voisins")
    already = IndicatorFactory.create(organization=objective.organization, name="Déjà lié")
    services.link_objective(already, objective=objective)
    foreign = IndicatorFactory.create(organization=charlie.organization, name="Autre")

    form = alice_client.get(_url("objective_link", objective)).content.decode()
    response = alice_client.post(_url("objective_link", objective), {"indicator": foreign.pk})

    assert "Erreurs de dispensation" in form
    assert "Chez les voisins" not in form
    assert "Déjà lié" not in form
    assert response.status_code == 422
    assert not foreign.objectives.exists()


def test_linking_needs_the_right_to_edit_indicators_and_stays_in_the_organization(
    bob: Membership, bob_client: Client, charlie_client: Client, objective: Objective, indicator: Indicator
) -> None:
    assert bob_client.post(_url("objective_link", objective), {"indicator": indicator.pk}).status_code == 403
    assert _url("objective_link", objective) not in bob_client.get(objective.plan.get_absolute_url()).content.decode()
    assert charlie_client.post(_url("objective_link", objective), {"indicator": indicator.pk}).status_code == 404
    assert charlie_client.post(_url("objective_unlink", objective, indicator_id=indicator.pk)).status_code == 404
    assert not indicator.objectives.exists()


def test_a_closed_plans_objectives_are_not_relinked(objective: Objective, indicator: Indicator) -> None:
    ActionPlan.objects.filter(pk=objective.plan_id).update(status=ActionPlan.Status.CLOSED)
    objective.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        services.link_objective(indicator, objective=objective)

    assert refused.value.messages == [str(services.PLAN_CLOSED)]


# --- Revisions: new target of an objective → its indicators' targets ------------------------------


def _revise(client: Client, objective: Objective, new_target: str) -> str:
    response = client.post(
        reverse("plans:revision_add", kwargs={"org_slug": objective.organization.slug, "plan_id": objective.plan_id}),
        {
            "revision_date": timezone.localdate().isoformat(),
            "description": "Cible atteinte : on vise plus bas",
            "objective": objective.pk,
            "new_target": new_target,
            "new_actions": "Afficher les résultats" if not new_target else "",
        },
    )
    assert response.status_code == 302
    return str(response["Location"])


def test_a_revised_target_offers_to_update_the_indicators_targets(
    alice_client: Client, objective: Objective, indicator: Indicator
) -> None:
    services.link_objective(indicator, objective=objective)

    location = _revise(alice_client, objective, "≤ 1 erreur par semaine")

    assert location == _url("objective_targets", objective)
    page = alice_client.get(location).content.decode()
    assert "≤ 1 erreur par semaine" in page
    assert f'name="target_{indicator.pk}"' in page
    response = alice_client.post(location, {f"target_{indicator.pk}": "1", f"date_{indicator.pk}": "2026-12-31"})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.target_value == Decimal(1)
    assert indicator.target_date == date(2026, 12, 31)
    assert [h.target_value for h in indicator.history.order_by("history_date")][-2:] == [Decimal(3), Decimal(1)]


def test_keeping_the_targets_changes_nothing(alice_client: Client, objective: Objective, indicator: Indicator) -> None:
    services.link_objective(indicator, objective=objective)
    before = indicator.history.count()

    response = alice_client.post(_url("objective_targets", objective), {f"target_{indicator.pk}": "3"})

    assert response.status_code == 302
    assert indicator.history.count() == before


def test_no_offer_without_indicators_or_without_a_new_target(
    alice_client: Client, objective: Objective, indicator: Indicator
) -> None:
    assert _revise(alice_client, objective, "≤ 1").endswith("#revisions")  # nothing measures it
    services.link_objective(indicator, objective=objective)
    assert _revise(alice_client, objective, "").endswith("#revisions")  # only new actions


def test_a_member_who_cannot_edit_indicators_cannot_update_their_targets(
    alice: Membership, bob_client: Client, objective: Objective, indicator: Indicator
) -> None:
    services.link_objective(indicator, objective=objective)
    assert bob_client.get(_url("objective_targets", objective)).status_code == 403
