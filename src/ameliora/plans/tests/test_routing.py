"""Where actions opened from the other modules go: one plan per source and year, or the organization's single plan."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from ameliora.core.models import Membership, Organization
from ameliora.plans import services
from ameliora.plans.models import ActionPlan
from ameliora.plans.tests.factories import PlanFactory


def routing_url(organization: Organization) -> str:
    return reverse("plans:routing", kwargs={"org_slug": organization.slug})


def test_without_a_single_plan_each_source_keeps_its_plan_of_the_year(alice: Membership) -> None:
    plan = services.default_plan(acting=alice, code="PAQ-EI-2026", title="Événements 2026")

    assert plan.code == "PAQ-EI-2026"
    assert services.default_plan(acting=alice, code="PAQ-EI-2026", title="Événements 2026").pk == plan.pk
    assert services.single_plan(alice.organization) is None


def test_the_single_plan_receives_every_source_and_moving_it_leaves_one(alice: Membership) -> None:
    first = services.create_plan(acting=alice, code="QSE-2026", title="Plan QSE")
    second = services.create_plan(acting=alice, code="QSE-2027", title="Plan QSE 2027")

    services.choose_single_plan(acting=alice, plan=first)
    assert services.default_plan(acting=alice, code="PAQ-EPP-2026", title="EPP").pk == first.pk
    assert services.default_plan(acting=alice, code="PAQ-ENQ-2026", title="Enquêtes").pk == first.pk

    services.choose_single_plan(acting=alice, plan=second)
    assert list(ActionPlan.objects.filter(receives_all_actions=True)) == [second]
    assert not ActionPlan.objects.filter(code__in=["PAQ-EPP-2026", "PAQ-ENQ-2026"]).exists()


def test_the_database_refuses_two_single_plans_in_one_organization(alice: Membership, tilleuls: Organization) -> None:
    PlanFactory.create(organization=tilleuls, receives_all_actions=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory.create(organization=tilleuls, receives_all_actions=True)


def test_a_closed_plan_cannot_become_the_single_plan(alice: Membership, tilleuls: Organization) -> None:
    closed = PlanFactory.create(organization=tilleuls, status=ActionPlan.Status.CLOSED)
    with pytest.raises(ValidationError) as refused:
        services.choose_single_plan(acting=alice, plan=closed)
    assert refused.value.code == "plan_closed"
    assert services.single_plan(tilleuls) is None


def test_a_manager_chooses_the_single_plan_and_the_list_says_where_actions_go(
    alice_client: Client, alice: Membership, tilleuls: Organization
) -> None:
    qse = services.create_plan(acting=alice, code="QSE-2026", title="Plan qualité sécurité environnement")

    page = alice_client.get(routing_url(tilleuls))
    assert page.status_code == 200
    response = alice_client.post(routing_url(tilleuls), {"mode": "single", "plan": qse.pk})

    assert response.status_code == 302
    assert services.single_plan(tilleuls) == qse
    assert qse.history.first().history_user == alice.user
    listing = alice_client.get(reverse("plans:home", kwargs={"org_slug": tilleuls.slug})).content.decode()
    assert "plan unique" in listing
    assert "QSE-2026" in listing
    detail = alice_client.get(qse.get_absolute_url()).content.decode()
    assert "Plan unique de la structure" in detail

    alice_client.post(routing_url(tilleuls), {"mode": "per_source"})
    assert services.single_plan(tilleuls) is None


def test_single_without_a_plan_is_refused_on_the_field_and_keeps_the_choice(
    alice_client: Client, tilleuls: Organization
) -> None:
    response = alice_client.post(routing_url(tilleuls), {"mode": "single", "plan": ""})

    assert response.status_code == 422
    form = response.context["form"]
    assert "plan" in form.errors
    assert form["mode"].value() == "single"
    assert services.single_plan(tilleuls) is None


def test_another_organizations_plan_cannot_be_chosen(
    alice_client: Client, tilleuls: Organization, coteaux: Organization
) -> None:
    foreign = PlanFactory.create(organization=coteaux)

    response = alice_client.post(routing_url(tilleuls), {"mode": "single", "plan": foreign.pk})

    assert response.status_code == 422
    assert "plan" in response.context["form"].errors
    assert services.single_plan(tilleuls) is None
    assert services.single_plan(coteaux) is None


def test_only_managers_choose_where_actions_go(bob_client: Client, tilleuls: Organization) -> None:
    assert bob_client.get(routing_url(tilleuls)).status_code == 403
    assert bob_client.post(routing_url(tilleuls), {"mode": "per_source"}).status_code == 403


def test_the_plans_list_stays_bounded_with_a_single_plan(
    alice_client: Client,
    alice: Membership,
    tilleuls: Organization,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    for number in range(30):
        PlanFactory.create(organization=tilleuls, code=f"P-{number}")
    services.choose_single_plan(acting=alice, plan=ActionPlan.objects.get(code="P-3"))

    with django_assert_max_num_queries(15):
        response = alice_client.get(reverse("plans:home", kwargs={"org_slug": tilleuls.slug}))
    assert response.status_code == 200
