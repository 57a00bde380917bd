"""The users' representatives' view: counts without an account of any case, plan progress, surveys."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from ameliora.core.models import Membership, Organization, Role
from ameliora.core.tests.factories import MembershipFactory
from ameliora.events.tests.factories import EventCategoryFactory, EventFactory
from ameliora.plans.models import Action, ActionPlan
from ameliora.plans.tests.factories import ActionFactory, PlanFactory


def _url(organization: Organization) -> str:
    return reverse("reports:representatives", kwargs={"org_slug": organization.slug})


def test_a_representative_reads_counts_per_category_and_severity_without_any_case(
    tilleuls: Organization, alice: Membership, client_for: Callable[[Membership], Client]
) -> None:
    falls = EventCategoryFactory.create(organization=tilleuls, name="Chutes")
    for severity in (4, 4, 2):
        EventFactory.create(
            organization=tilleuls,
            category=falls,
            severity=severity,
            reported_by=alice,
            description="Chute de Mme Durand dans la chambre 12",
        )
    plan = PlanFactory.create(organization=tilleuls, status=ActionPlan.Status.ACTIVE, code="PAQ-CHUTES")
    ActionFactory.create(plan=plan, status=Action.Status.DONE)
    ActionFactory.create(plan=plan)
    representative = MembershipFactory.create(organization=tilleuls, roles=[Role.USER_REPRESENTATIVE])

    response = client_for(representative).get(_url(tilleuls))

    assert response.status_code == 200
    summary = response.context["summary"]
    row = next(row for row in summary.events.rows if row[0] == "Chutes")
    assert row[2] == 3
    assert sorted(n for n in row[1] if n) == [1, 2]
    assert "Durand" not in response.text
    assert str(alice.user) not in response.text
    progress = next(p for p in summary.plans if p.code == "PAQ-CHUTES")
    assert (progress.done, progress.total) == (1, 2)
    assert reverse("reports:home", kwargs={"org_slug": tilleuls.slug}) in response.text


def test_a_plain_member_gets_the_styled_refusal(tilleuls: Organization, bob_client: Client) -> None:
    response = bob_client.get(_url(tilleuls))

    assert response.status_code == 403
    assert 'id="main"' in response.text


def test_the_representative_reads_the_annual_report(
    tilleuls: Organization, client_for: Callable[[Membership], Client]
) -> None:
    representative = MembershipFactory.create(organization=tilleuls, roles=[Role.USER_REPRESENTATIVE])

    assert (
        client_for(representative).get(reverse("reports:home", kwargs={"org_slug": tilleuls.slug})).status_code == 200
    )
