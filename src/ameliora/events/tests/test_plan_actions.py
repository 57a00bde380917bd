"""A decision of kind "action" opens an action in an action plan, which points back at the event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ameliora.core.models import Link, Membership
from ameliora.events import services
from ameliora.events.models import Decision, EventSettings
from ameliora.events.tests.support import declared_by
from ameliora.plans import services as plans_services
from ameliora.plans.models import PLAN_CLOSED, Action, ActionPlan


def opened(decision: Decision) -> Action:
    assert decision.action is not None, "the decision opened no action"
    return Action.objects.select_related("plan").get(pk=decision.action.pk)


def test_an_action_decision_lands_in_the_events_plan_of_the_year(
    alice: Membership, bob: Membership, event_settings: EventSettings
) -> None:
    event = declared_by(bob)
    due = timezone.localdate() + timedelta(days=30)

    decision = services.add_decision(
        event, kind="action", text="Afficher la check-list", reason="", owner=bob, due_on=due, acting=alice
    )

    action = opened(decision)
    year = timezone.localdate().year
    assert (action.plan.code, action.title, action.owner, action.due_date) == (
        f"PAQ-EI-{year}",
        "Afficher la check-list",
        bob,
        due,
    )
    assert Link.objects.filter(from_id=action.pk, to_id=event.pk, kind=Link.Kind.SOURCE).exists()

    second = services.add_decision(
        declared_by(bob), kind="action", text="Former l'équipe", reason="", owner=None, due_on=None, acting=alice
    )
    assert opened(second).plan_id == action.plan_id
    assert ActionPlan.objects.filter(organization=alice.organization, code=f"PAQ-EI-{year}").count() == 1


def test_a_chosen_plan_takes_the_action_and_no_action_opens_nothing(
    alice: Membership, bob: Membership, event_settings: EventSettings
) -> None:
    plan = plans_services.create_plan(acting=alice, title="Circuit des produits de santé")
    event = declared_by(bob)

    chosen = services.add_decision(
        event, kind="action", text="Double contrôle", reason="", owner=None, due_on=None, acting=alice, plan=plan
    )
    nothing = services.add_decision(
        event, kind="no_action", text="", reason="Déjà couvert", owner=None, due_on=None, acting=alice, plan=plan
    )

    assert opened(chosen).plan == plan
    assert nothing.action_id is None
    assert plan.actions.count() == 1


def test_a_closed_plan_refuses_the_decision_and_nothing_is_kept(
    alice: Membership, bob: Membership, event_settings: EventSettings
) -> None:
    plan = plans_services.create_plan(acting=alice, title="Plan clos")
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.CLOSED)
    plan.refresh_from_db()
    event = declared_by(bob)

    with pytest.raises(ValidationError) as refused:
        services.add_decision(
            event, kind="action", text="Trop tard", reason="", owner=None, due_on=None, acting=alice, plan=plan
        )

    assert refused.value.messages == [str(PLAN_CLOSED)]
    assert not Decision.objects.filter(event=event).exists()


@pytest.mark.django_db
def test_the_event_page_shows_the_action_and_its_plan(
    client: Client, alice: Membership, bob: Membership, event_settings: EventSettings
) -> None:
    event = declared_by(bob)
    decision = services.add_decision(
        event, kind="action", text="Afficher la check-list", reason="", owner=None, due_on=None, acting=alice
    )
    client.force_login(alice.user)

    page = client.get(reverse("events:detail", kwargs={"org_slug": alice.organization.slug, "event_id": event.pk}))

    action = opened(decision)
    assert action.get_absolute_url() in page.content.decode()
    assert action.plan.code in page.content.decode()


def test_with_a_single_plan_the_decided_action_goes_there_unless_another_plan_is_chosen(
    alice: Membership, bob: Membership, event_settings: EventSettings
) -> None:
    qse = plans_services.create_plan(acting=alice, code="QSE-2026", title="Plan QSE")
    other = plans_services.create_plan(acting=alice, title="Circuit des préparations")
    plans_services.choose_single_plan(acting=alice, plan=qse)

    default = services.add_decision(
        declared_by(bob), kind="action", text="Double contrôle", reason="", owner=None, due_on=None, acting=alice
    )
    chosen = services.add_decision(
        declared_by(bob), kind="action", text="Étiquetage", reason="", owner=None, due_on=None, acting=alice, plan=other
    )

    assert opened(default).plan_id == qse.pk
    assert opened(chosen).plan_id == other.pk
    assert not ActionPlan.objects.filter(code__startswith="PAQ-EI-").exists()


def test_a_closed_single_plan_sends_actions_back_to_the_events_plan(
    alice: Membership, bob: Membership, event_settings: EventSettings
) -> None:
    qse = plans_services.create_plan(acting=alice, code="QSE-2025", title="Plan QSE 2025")
    plans_services.choose_single_plan(acting=alice, plan=qse)
    ActionPlan.objects.filter(pk=qse.pk).update(status=ActionPlan.Status.CLOSED)

    decision = services.add_decision(
        declared_by(bob), kind="action", text="Former l'équipe", reason="", owner=None, due_on=None, acting=alice
    )

    assert opened(decision).plan.code == f"PAQ-EI-{timezone.localdate().year}"
