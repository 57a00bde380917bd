"""The road to the action plan: selected weaknesses become actions that point back at their criteria."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from ameliora.assessments.models import Answer
from ameliora.assessments.tests.factories import answer_all, make_campaign
from ameliora.core.models import Link, Membership
from ameliora.plans import services as plans_services
from ameliora.plans.models import Action, ActionPlan
from ameliora.plans.tests.factories import any_plan_id


def weaknesses_url(membership: Membership, campaign_id: int) -> str:
    return reverse(
        "assessments:campaign_weaknesses",
        kwargs={"org_slug": membership.organization.slug, "campaign_id": campaign_id},
    )


def test_selected_weaknesses_open_a_new_plan_linked_to_the_campaign(alice: Membership, alice_client: Client) -> None:
    campaign = make_campaign(alice, name="Auto-évaluation 2026")
    answer_all(campaign, alice, {"S1-01": "no", "S2-01": "partly"})
    weak = Answer.objects.get(campaign=campaign, criterion__code="S1-01")

    response = alice_client.post(
        weaknesses_url(alice, campaign.pk), {"answers": [str(weak.pk)], "plan": "", "plan_title": "Plan DQO"}
    )

    plan = ActionPlan.objects.get(organization=alice.organization, title="Plan DQO")
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    action = plan.actions.get()
    assert action.title.startswith("S1-01 — ")
    sources = set(Link.objects.filter(from_id=action.pk, kind=Link.Kind.SOURCE).values_list("to_id", flat=True))
    assert {weak.pk, weak.criterion_id} <= sources
    assert Link.objects.filter(from_id=plan.pk, to_id=campaign.pk, kind=Link.Kind.SOURCE).exists()
    # The weaknesses page now lists the action next to its criterion.
    assert action.title in alice_client.get(weaknesses_url(alice, campaign.pk)).content.decode()


def test_weaknesses_go_into_an_existing_open_plan(alice: Membership, alice_client: Client) -> None:
    campaign = make_campaign(alice)
    answer_all(campaign, alice, {"S1-01": "no", "S2-01": "partly"})
    plan = plans_services.create_plan(acting=alice, title="Circuit des produits de santé")
    weak = list(Answer.objects.filter(campaign=campaign, value__in=["no", "partly"]).values_list("pk", flat=True))

    alice_client.post(weaknesses_url(alice, campaign.pk), {"answers": [str(pk) for pk in weak], "plan": plan.pk})

    assert plan.actions.count() == 2


def test_a_plan_of_another_organization_is_refused_and_nothing_is_opened(
    alice: Membership, charlie: Membership, alice_client: Client
) -> None:
    campaign = make_campaign(alice)
    answer_all(campaign, alice, {"S1-01": "no"})
    weak = Answer.objects.get(campaign=campaign, criterion__code="S1-01")
    foreign_plan = any_plan_id(charlie.organization, charlie)

    response = alice_client.post(weaknesses_url(alice, campaign.pk), {"answers": [weak.pk], "plan": foreign_plan})

    assert response.status_code == 422
    box = re.search(rf'<input[^>]*value="{weak.pk}"[^>]*>', response.content.decode())
    assert box is not None
    assert "checked" in box[0]
    assert not Action.objects.filter(organization=alice.organization).exists()


def test_forged_ids_are_ignored_or_refused_never_a_server_error(alice: Membership, alice_client: Client) -> None:
    """``"²".isdigit()`` is true and ``int("²")`` raises: such ids answered 500."""
    campaign = make_campaign(alice)
    answer_all(campaign, alice, {"S1-01": "no"})
    weak = Answer.objects.get(campaign=campaign, criterion__code="S1-01")

    forged_answer = alice_client.post(weaknesses_url(alice, campaign.pk), {"answers": ["²"], "plan": ""})
    forged_plan = alice_client.post(weaknesses_url(alice, campaign.pk), {"answers": [weak.pk], "plan": "²"})
    huge_plan = alice_client.post(weaknesses_url(alice, campaign.pk), {"answers": [weak.pk], "plan": "9" * 30})
    create = alice_client.get(
        reverse("assessments:campaign_create", kwargs={"org_slug": alice.organization.slug}), {"grid": "²"}
    )

    assert forged_answer.status_code == forged_plan.status_code == huge_plan.status_code == 422
    assert create.status_code == 200
    assert not Action.objects.exists()
