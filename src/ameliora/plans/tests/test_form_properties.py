"""Hostile posts into the plan forms: never a 5xx, a refusal is a 422 that says why and writes nothing.

See ``core/tests/properties.py`` for what is drawn and checked.
"""

from __future__ import annotations

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from ameliora.core.models import Link, Membership, Organization
from ameliora.core.tests.properties import PROPERTY, check_contract, form_on_page, post_for, rolled_back
from ameliora.plans.models import Action, ActionPlan, Objective
from ameliora.plans.tests.factories import ActionFactory, PlanFactory, any_action_id, any_objective_id

pytestmark = pytest.mark.django_db

WRITTEN_BY_PLANS: list[type[models.Model]] = [ActionPlan, Objective, Action, Action.participants.through, Link]


@pytest.fixture
def other_organization(charlie: Membership) -> None:
    """Rows of another organization, whose ids a forged post may name (a member, an objective, an action)."""
    any_objective_id(charlie.organization, charlie)
    any_action_id(charlie.organization, charlie)


@pytest.fixture
def plan(tilleuls: Organization, alice: Membership, bob: Membership) -> ActionPlan:
    """An active plan of the pharmacy with an objective and an action; bob may take part."""
    plan = PlanFactory.create(organization=tilleuls, owner=alice)
    Objective.objects.create(organization=tilleuls, plan=plan, statement="Zéro erreur d'étiquetage")
    return plan


@pytest.fixture
def action(plan: ActionPlan) -> Action:
    return ActionFactory.create(plan=plan, title="Double contrôle des étiquettes")


@PROPERTY
@given(data=st.data())
def test_the_new_plan_form(
    alice_client: Client, tilleuls: Organization, other_organization: None, data: st.DataObject
) -> None:
    url = reverse("plans:plan_create", kwargs={"org_slug": tilleuls.slug})
    form = form_on_page(alice_client, url)
    with rolled_back():
        check_contract(alice_client, url, data.draw(post_for(form)), models=WRITTEN_BY_PLANS)


@PROPERTY
@given(data=st.data())
def test_the_new_objective_form(
    alice_client: Client, plan: ActionPlan, other_organization: None, data: st.DataObject
) -> None:
    url = reverse("plans:objective_add", kwargs={"org_slug": plan.organization.slug, "plan_id": plan.pk})
    form = form_on_page(alice_client, url)
    with rolled_back():
        check_contract(alice_client, url, data.draw(post_for(form)), models=WRITTEN_BY_PLANS, rows=[plan])


@PROPERTY
@given(data=st.data())
def test_the_new_action_form(
    alice_client: Client, plan: ActionPlan, other_organization: None, data: st.DataObject
) -> None:
    url = reverse("plans:action_create", kwargs={"org_slug": plan.organization.slug, "plan_id": plan.pk})
    form = form_on_page(alice_client, url)
    with rolled_back():
        check_contract(alice_client, url, data.draw(post_for(form)), models=WRITTEN_BY_PLANS, rows=[plan])


@PROPERTY
@given(data=st.data())
def test_the_action_edit_form(
    alice_client: Client, plan: ActionPlan, action: Action, other_organization: None, data: st.DataObject
) -> None:
    url = reverse("plans:action_edit", kwargs={"org_slug": plan.organization.slug, "action_id": action.pk})
    form = form_on_page(alice_client, url)
    with rolled_back():
        check_contract(alice_client, url, data.draw(post_for(form)), models=WRITTEN_BY_PLANS, rows=[action, plan])
